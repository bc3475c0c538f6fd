/**
 * The usual check block, read without the `yaml` parser. A check block is a few lines of `key: value`,
 * and `yaml` (lexer, CST parser, composer, schema, a Document per block) costs about 0.1 ms for each,
 * a third of a cold parse of a flat checklist once micromark no longer sees the blocks (lift.ts). For the
 * narrow shape below the result is fully determined, so it is built directly: the same JavaScript value,
 * and where each key, value and list item starts, which is all YamlSource needs to locate problems and
 * conditions (quickLocate, the same offsets as its walk over `yaml`'s nodes; no node objects are made for
 * the thousands of blocks nothing is wrong with). Anything else, or anything unsure, returns undefined and
 * the block goes to `yaml`:
 *
 * - every line is `key: value`: a key of letters, digits, `_` and `-` starting with a letter, at column 0,
 *   no key twice; no blank line, comment, tab or trailing space;
 * - a value is a plain scalar that the core schema reads as a string (it starts with a letter or one of
 *   `$/(_`, is not null/true/false in any spelling, holds no `: `, ` #`, and does not end with `:`); or a
 *   quoted one (single, `''` inside; double, with no backslash); or a one-line flow sequence `[a, 'b']` of
 *   such scalars (plain ones also without `,[]{}`).
 *
 * `quick-yaml.test.ts` compares values and every located path with `yaml`'s on generated blocks.
 */

/** What quickYaml reads: the value, where each entry is written, and each line's start offset. */
export interface QuickYaml {
  value: Record<string, unknown>;
  entries: QuickEntry[];
  lineStarts: number[];
}

/** One `key: value` line, by offsets in the block's text. */
interface QuickEntry {
  key: string;
  keyAt: number;
  /** Where the value starts (a scalar, or a flow sequence's `[`). */
  at: number;
  /** A flow sequence's items: where each starts. */
  items?: number[];
}

const KEY = /^([A-Za-z][\w-]*):[ ]+/;
const PLAIN_START = /^[A-Za-z$/(_]/;
const NOT_STRING = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

/** A scalar at `at` of `line` (absolute offset `base`), up to `stop` characters: its value and end. */
function scalar(line: string, at: number, flow: boolean): { value: string; end: number } | undefined {
  const c = line[at];
  if (c === "'") {
    let value = '';
    let i = at + 1;
    for (;;) {
      const q = line.indexOf("'", i);
      if (q < 0) return undefined;
      value += line.slice(i, q);
      if (line[q + 1] === "'") {
        value += "'";
        i = q + 2;
        continue;
      }
      return { value, end: q + 1 };
    }
  }
  if (c === '"') {
    const q = line.indexOf('"', at + 1);
    if (q < 0) return undefined;
    const value = line.slice(at + 1, q);
    if (value.includes('\\')) return undefined;
    return { value, end: q + 1 };
  }
  // Plain: to the end of the line (block), or to the next `,` or `]` (flow).
  let end = line.length;
  if (flow) {
    const stop = line.slice(at).search(/[,\]]/);
    if (stop < 0) return undefined;
    end = at + stop;
  }
  const raw = line.slice(at, end);
  const value = flow ? raw.trimEnd() : raw;
  if (
    !PLAIN_START.test(value) ||
    NOT_STRING.test(value) ||
    value.includes(': ') ||
    value.includes(' #') ||
    value.endsWith(':') ||
    (flow && /[[\]{}]/.test(value))
  ) {
    return undefined;
  }
  return { value, end };
}

/**
 * The check block `text` read directly, or undefined when it is not of the shape above (then `yaml` reads it).
 * @example quickYaml('http: https://example.com\nexpect: [status == 200]')?.value
 */
export function quickYaml(text: string): QuickYaml | undefined {
  if (text === '' || text.includes('\t') || text.includes('\r')) return undefined;
  const value: Record<string, unknown> = {};
  const entries: QuickEntry[] = [];
  const lineStarts: number[] = [];
  let base = 0;
  for (const line of text.split('\n')) {
    lineStarts.push(base);
    const key = KEY.exec(line);
    if (!key || line.endsWith(' ') || Object.hasOwn(value, key[1]!)) return undefined;
    const name = key[1]!;
    let at = key[0].length;
    const entry: QuickEntry = { key: name, keyAt: base, at: base + at };
    if (line[at] === '[') {
      const items: string[] = [];
      const starts: number[] = [];
      at++;
      for (;;) {
        while (line[at] === ' ') at++;
        const item = scalar(line, at, true);
        if (!item) return undefined;
        items.push(item.value);
        starts.push(base + at);
        at = item.end;
        while (line[at] === ' ') at++;
        if (line[at] === ',') {
          at++;
          continue;
        }
        if (line[at] === ']' && at === line.length - 1) break;
        return undefined;
      }
      entry.items = starts;
      value[name] = items;
    } else {
      const item = scalar(line, at, false);
      if (!item || item.end !== line.length) return undefined;
      value[name] = item.value;
    }
    entries.push(entry);
    base += line.length + 1;
  }
  return { value, entries, lineStarts };
}

/**
 * The offset YamlSource.locate finds for `path` in a block quickYaml read, as its walk over `yaml`'s
 * nodes finds it: the node at the path (its key, for `which` 'key' on the last step), else the deepest
 * one that exists. The root map starts at 0.
 */
export function quickLocate(quick: QuickYaml, path: readonly PropertyKey[], which: 'key' | 'value'): number {
  const step = path[0];
  const entry = path.length > 0 ? quick.entries.find((e) => e.key === String(step)) : undefined;
  if (!entry) return 0;
  if (path.length === 1) return which === 'key' ? entry.keyAt : entry.at;
  // Below a scalar nothing exists; in a sequence, an item by its index (a missing one: the sequence).
  const index = path[1];
  const item = entry.items && typeof index === 'number' ? entry.items[index] : undefined;
  return item ?? entry.at;
}

/**
 * The 1-based line and column of `offset` given each line's start, exactly as `yaml`'s
 * `LineCounter.linePos` finds them (quick-yaml.test.ts compares every offset of its blocks).
 */
export function linePos(lineStarts: readonly number[], offset: number): { line: number; col: number } {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lineStarts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (lineStarts[low] === offset) return { line: low + 1, col: 1 };
  if (low === 0) return { line: 0, col: offset };
  return { line: low, col: offset - lineStarts[low - 1]! + 1 };
}
