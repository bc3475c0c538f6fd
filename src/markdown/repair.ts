import { HIGH_BYTE, ONLY_1252, UNDEFINED_1252, UNDEFINED_1254 } from './code-pages.js';
import { commonRank } from './common-chars.js';

/** What repair changed, for a warning that tells the author their file is damaged. */
export interface RepairNote {
  message: string;
  /** 1-based line of the first change in the repaired text. */
  line: number;
}

/** Text ready to parse: BOM removed, LF line endings, mojibake undone. */
export interface RepairResult {
  text: string;
  notes: RepairNote[];
}

/** Stands for the file's path in a note; readChecklist puts the path in its place. */
export const REPAIR_FILE = 'FILE';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LENIENT_UTF8 = new TextDecoder('utf-8');
// Controls, unassigned code points, private use and lone surrogates never come out of real text.
const NOT_TEXT = /[\p{Cc}\p{Cn}\p{Co}\p{Cs}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const JOINERS = new Set(['\uFE0F', '\u200D']);

/**
 * Repair a checklist's raw bytes: decode UTF-8, strip a byte order mark, turn CRLF and CR into LF, and undo
 * mojibake (UTF-8 decoded as Windows-1252/1254 and saved again, undefined bytes dropped). Text that is not
 * clearly mojibake is left exactly as it is.
 * @example repairText(bytes).text // 'geçmeden' for a file that says 'geÃ§meden'
 */
export function repairText(input: Uint8Array | string): RepairResult {
  const notes: RepairNote[] = [];
  let text = typeof input === 'string' ? input : LENIENT_UTF8.decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  if (typeof input !== 'string') {
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0 && !isValidUtf8(input)) {
      notes.push({
        message: 'the file is not valid UTF-8; undecodable bytes were replaced by U+FFFD. Save it as UTF-8.',
        line: lineOf(text, bad),
      });
    }
  }
  const fixed = repairMojibake(text);
  if (fixed.count > 0) {
    const dropped = fixed.filled > 0 ? `, ${fixed.filled} of them missing a dropped byte` : '';
    notes.push({
      message:
        `the text was UTF-8 read as ${fixed.codePage} and saved again (mojibake such as "Ã§" for "ç"); ` +
        `repaired ${fixed.count} characters${dropped}. Save the repaired text with \`gonogo repair ${REPAIR_FILE} --write\` to silence this warning.`,
      line: lineOf(fixed.text, fixed.firstIndex),
    });
  }
  return { text: fixed.text, notes };
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    STRICT_UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** One would-be UTF-8 sequence inside a run of high-byte characters. */
interface Segment {
  start: number;
  end: number;
  status: 'complete' | 'incomplete' | 'invalid';
  bytes: number[];
  /** For incomplete sequences: continuation bytes the decoder dropped. */
  missing: number;
  decoded?: string;
}

/** Result of {@link repairMojibake}. */
export interface MojibakeRepair {
  text: string;
  /** Characters repaired (0 when the text was left alone). */
  count: number;
  /** Of those, how many were rebuilt from a sequence with dropped bytes. */
  filled: number;
  codePage: 'Windows-1252' | 'Windows-1254';
  /** Index in `text` of the first repaired character. */
  firstIndex: number;
}

/**
 * Undo UTF-8 -> Windows-1252/1254 -> UTF-8 mojibake when the text is clearly mojibake: more characters
 * decode as complete UTF-8 sequences than not. Where a dropped byte leaves several candidates, the letter
 * the document already uses wins (also in the other case: ş gives Ş), then a common character.
 */
export function repairMojibake(text: string): MojibakeRepair {
  const segments = segment(text);
  let complete = 0;
  let other = 0;
  let uses1252 = false;
  const used = new Map<string, number>();
  for (const seg of segments) {
    if (seg.status === 'complete') {
      complete++;
      used.set(seg.decoded!, (used.get(seg.decoded!) ?? 0) + 1);
      for (let i = seg.start; i < seg.end; i++) if (ONLY_1252.has(text[i]!)) uses1252 = true;
    } else {
      other++;
    }
  }
  const codePage = uses1252 ? 'Windows-1252' : 'Windows-1254';
  const none: MojibakeRepair = { text, count: 0, filled: 0, codePage, firstIndex: 0 };
  if (complete === 0 || complete <= other) return none;
  const undefinedBytes = uses1252 ? UNDEFINED_1252 : UNDEFINED_1254;
  let out = '';
  let last = 0;
  let count = 0;
  let filled = 0;
  let firstIndex = -1;
  for (const seg of segments) {
    let replacement: string | undefined;
    if (seg.status === 'complete') replacement = seg.decoded;
    else if (seg.status === 'incomplete') {
      const previous = out.length > 0 || seg.start > last ? lastChar(out + text.slice(last, seg.start)) : '';
      replacement = bestCandidate(seg, undefinedBytes, used, previous);
      if (replacement !== undefined) filled++;
    }
    if (replacement === undefined) continue;
    out += text.slice(last, seg.start);
    if (firstIndex < 0) firstIndex = out.length;
    out += replacement;
    last = seg.end;
    count++;
  }
  out += text.slice(last);
  return { text: out, count, filled, codePage, firstIndex: Math.max(firstIndex, 0) };
}

function lastChar(text: string): string {
  const chars = Array.from(text.slice(-2));
  return chars[chars.length - 1] ?? '';
}

function continuationCount(byte: number): number {
  if (byte >= 0xc2 && byte <= 0xdf) return 1;
  if (byte >= 0xe0 && byte <= 0xef) return 2;
  if (byte >= 0xf0 && byte <= 0xf4) return 3;
  return -1;
}

const isContinuation = (byte: number) => byte >= 0x80 && byte <= 0xbf;

/** Split every run of high-byte characters into would-be UTF-8 sequences. */
/** A character outside ASCII (sticky scans in segment). */
const NON_ASCII = /[^\x00-\x7f]/g;

function segment(text: string): Segment[] {
  const segments: Segment[] = [];
  // No ASCII character is a high byte (HIGH_BYTE's keys are all above U+007F): most of a text is skipped
  // without a lookup.
  const byteAt = (i: number) => (text.charCodeAt(i) >= 0x80 ? HIGH_BYTE.get(text[i]!) : undefined);
  let i = 0;
  while (i < text.length) {
    // Every character HIGH_BYTE knows is above ASCII: the runs of ASCII between them are skipped at once.
    if (text.charCodeAt(i) < 0x80) {
      NON_ASCII.lastIndex = i;
      if (!NON_ASCII.test(text)) break;
      i = NON_ASCII.lastIndex - 1;
    }
    const lead = byteAt(i);
    if (lead === undefined) {
      i++;
      continue;
    }
    const need = continuationCount(lead);
    if (need < 0) {
      segments.push({ start: i, end: i + 1, status: 'invalid', bytes: [lead], missing: 0 });
      i++;
      continue;
    }
    const bytes = [lead];
    let j = i + 1;
    for (let b = byteAt(j); bytes.length <= need && b !== undefined && isContinuation(b); b = byteAt(j)) {
      bytes.push(b);
      j++;
    }
    if (bytes.length === need + 1) {
      const decoded = decodeChar(bytes);
      if (decoded === undefined) {
        segments.push({ start: i, end: i + 1, status: 'invalid', bytes: [lead], missing: 0 });
        i++;
        continue;
      }
      segments.push({ start: i, end: j, status: 'complete', bytes, missing: 0, decoded });
    } else {
      segments.push({ start: i, end: j, status: 'incomplete', bytes, missing: need + 1 - bytes.length });
    }
    i = j;
  }
  return segments;
}

function decodeChar(bytes: number[]): string | undefined {
  try {
    const decoded = STRICT_UTF8.decode(new Uint8Array(bytes));
    return NOT_TEXT.test(decoded) ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** Every way to put `missing` dropped bytes back among the continuation bytes that survived. */
function* completions(seg: Segment, undefinedBytes: readonly number[]): Generator<number[]> {
  const [lead, ...present] = seg.bytes;
  const slots = present.length + seg.missing;
  function* place(slot: number, left: number, used: number, acc: number[]): Generator<number[]> {
    if (slot === slots) {
      yield [lead!, ...acc];
      return;
    }
    if (left > 0) for (const byte of undefinedBytes) yield* place(slot + 1, left - 1, used, [...acc, byte]);
    if (used < present.length) yield* place(slot + 1, left, used + 1, [...acc, present[used]!]);
  }
  yield* place(0, seg.missing, 0, []);
}

function bestCandidate(
  seg: Segment,
  undefinedBytes: readonly number[],
  used: ReadonlyMap<string, number>,
  previous: string,
): string | undefined {
  let best: { char: string; score: number[] } | undefined;
  for (const bytes of completions(seg, undefinedBytes)) {
    const char = decodeChar(bytes);
    if (char === undefined) continue;
    const score = scoreOf(char, used, previous);
    if (!best || compare(score, best.score) > 0) best = { char, score };
  }
  return best?.char;
}

/** Higher is better: used in the document, then used in the other case, then common, then a letter. */
function scoreOf(char: string, used: ReadonlyMap<string, number>, previous: string): number[] {
  const codePoint = char.codePointAt(0)!;
  if (JOINERS.has(char) && !PICTOGRAPH.test(previous)) return [0, -codePoint];
  const exact = used.get(char);
  if (exact) return [5, exact];
  const other = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
  const otherCase = other !== char ? used.get(other) : undefined;
  if (otherCase) return [4, otherCase];
  const rank = commonRank(char);
  if (rank !== undefined) return [3, -rank];
  return [/\p{L}/u.test(char) ? 2 : 1, -codePoint];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
