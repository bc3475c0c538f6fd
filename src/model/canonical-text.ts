import { canonicalJson } from './canonical-json.js';

/**
 * Whether a JSON text is already canonical, read without building its value: the proof `audit verify`
 * needs before it may accept an event from the hash of its stored data text (model/audit.ts). A hash
 * over a text proves only those bytes; the chain's definition hashes canonical_json of the parsed event,
 * so the bytes count only if they ARE that canonical text.
 *
 * Exactly `canonicalJson(JSON.parse(text)) === text` (tested against it), in one pass: no whitespace;
 * object keys unique and in the order canonicalJson writes a parsed object's (array-index keys first,
 * ascending by value, then the rest by UTF-16 code units); strings as JSON.stringify writes them; numbers
 * as JavaScript writes them (no `-0`, `1.0`, `1E3`). The uncommon cases are left to the engine: a string
 * with an escape or a surrogate is parsed and written again, a number that is not a short integer is
 * written by `String`, and a value nested deeper than MAX_DEPTH is decided by the definition itself.
 */

/** Nesting the scanner follows itself (its recursion stays far from the stack's end). */
const MAX_DEPTH = 200;

/** Whether the last string scanned needed no escape (its text between the quotes is its value). */
let plain = true;
/** Whether the scan stopped at MAX_DEPTH (then it proved nothing either way). */
let deep = false;
/**
 * Whether the text holds no backslash, control character or surrogate (one native search over the whole
 * text): then each of its strings ends at the next quote and is canonical as it stands, and the scan
 * looks for that quote alone.
 */
let bare = false;
const NOT_BARE = /[\\\u0000-\u001f\ud800-\udfff]/;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Where the canonical JSON value at `text[start]` ends, or -1 when there is none there: not JSON, not
 * canonical, or nested deeper than MAX_DEPTH (not decided: such a caller takes the slow path).
 * @example canonicalValueEnd('{"a":1},x', 0) // 7
 */
export function canonicalValueEnd(text: string, start: number): number {
  beginScan(text);
  return scanValue(text, start);
}

/** Ready the scan of `text` (its one search for escapes) before scanValue reads values in it. */
export function beginScan(text: string): void {
  bare = !NOT_BARE.test(text);
}

/** canonicalValueEnd for several values of one text, once beginScan(text) has readied it. */
export function scanValue(text: string, start: number): number {
  deep = false;
  return value(text, start, 0);
}

/**
 * `canonicalJson(JSON.parse(text)) === text`, without parsing a text that is canonical (false for a
 * text that is not JSON).
 * @example isCanonicalJsonText('{"a":1,"b":[true]}') // true
 * @example isCanonicalJsonText('{"b":1,"a":2}') // false
 */
export function isCanonicalJsonText(text: string): boolean {
  if (canonicalValueEnd(text, 0) === text.length) return true;
  if (!deep) return false;
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

function value(t: string, i: number, depth: number): number {
  const c = t.charCodeAt(i);
  if (c === 0x22) return string(t, i);
  if (c === 0x7b) return object(t, i, depth);
  if (c === 0x5b) return array(t, i, depth);
  if (c === 0x2d || isDigit(c)) return number(t, i);
  if (c === 0x74) return t.startsWith('true', i) ? i + 4 : -1;
  if (c === 0x66) return t.startsWith('false', i) ? i + 5 : -1;
  if (c === 0x6e) return t.startsWith('null', i) ? i + 4 : -1;
  return -1;
}

/** A string token at `i` (its opening quote): most need no escape and are canonical as they stand. */
function string(t: string, i: number): number {
  if (bare) {
    // Most strings are a few characters: a loop is cheaper than indexOf's call for them.
    plain = true;
    const j = t.indexOf('"', i + 1);
    return j < 0 ? -1 : j + 1;
  }
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 0x22) {
      plain = true;
      return j + 1;
    }
    if (c < 0x20) return -1;
    if (c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return escapedString(t, i, j);
  }
  return -1;
}

/** A string token with an escape or a surrogate from `j` on: canonical if JSON.stringify writes it so. */
function escapedString(t: string, i: number, j: number): number {
  for (; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) break;
  }
  if (j >= t.length) return -1;
  const token = t.slice(i, j + 1);
  plain = false;
  try {
    return JSON.stringify(JSON.parse(token)) === token ? j + 1 : -1;
  } catch {
    return -1;
  }
}

/** A number token at `i`, canonical if JavaScript writes its value so. */
function number(t: string, i: number): number {
  let j = i;
  if (t.charCodeAt(j) === 0x2d) j++;
  const first = t.charCodeAt(j);
  if (first === 0x30) j++;
  else if (isDigit(first)) while (isDigit(t.charCodeAt(++j)));
  else return -1;
  let integer = true;
  if (t.charCodeAt(j) === 0x2e) {
    integer = false;
    if (!isDigit(t.charCodeAt(++j))) return -1;
    while (isDigit(t.charCodeAt(++j)));
  }
  const e = t.charCodeAt(j);
  if (e === 0x65 || e === 0x45) {
    integer = false;
    const sign = t.charCodeAt(++j);
    if (sign === 0x2b || sign === 0x2d) j++;
    if (!isDigit(t.charCodeAt(j))) return -1;
    while (isDigit(t.charCodeAt(++j)));
  }
  // Up to 15 characters an integer is exact and written as it stands, but for -0 (written 0).
  if (integer && j - i <= 15 && !(first === 0x30 && j - i === 2)) return j;
  const token = t.slice(i, j);
  return String(Number(token)) === token ? j : -1;
}

function array(t: string, i: number, depth: number): number {
  if (depth >= MAX_DEPTH) return tooDeep();
  let j = i + 1;
  if (t.charCodeAt(j) === 0x5d) return j + 1;
  for (;;) {
    j = value(t, j, depth + 1);
    if (j < 0) return -1;
    const c = t.charCodeAt(j);
    if (c === 0x5d) return j + 1;
    if (c !== 0x2c) return -1;
    j++;
  }
}

function object(t: string, i: number, depth: number): number {
  if (depth >= MAX_DEPTH) return tooDeep();
  let j = i + 1;
  if (t.charCodeAt(j) === 0x7d) return j + 1;
  let last = -1;
  let lastEnd = -1;
  let lastPlain = true;
  for (;;) {
    if (t.charCodeAt(j) !== 0x22) return -1;
    const end = string(t, j);
    if (end < 0) return -1;
    if (last >= 0 && !before(t, last, lastEnd, lastPlain, j, end, plain)) return -1;
    last = j;
    lastEnd = end;
    lastPlain = plain;
    if (t.charCodeAt(end) !== 0x3a) return -1;
    j = value(t, end + 1, depth + 1);
    if (j < 0) return -1;
    const c = t.charCodeAt(j);
    if (c === 0x7d) return j + 1;
    if (c !== 0x2c) return -1;
    j++;
  }
}

function tooDeep(): number {
  deep = true;
  return -1;
}

/**
 * Whether key token [a, aEnd) comes strictly before key token [b, bEnd) in canonical order (so no key
 * twice): array indexes first, by value, then code-unit order of the keys' values.
 */
function before(
  t: string,
  a: number,
  aEnd: number,
  aPlain: boolean,
  b: number,
  bEnd: number,
  bPlain: boolean,
): boolean {
  const ai = aPlain ? arrayIndex(t, a + 1, aEnd - 1) : -1;
  const bi = bPlain ? arrayIndex(t, b + 1, bEnd - 1) : -1;
  if (ai >= 0) return bi < 0 || ai < bi;
  if (bi >= 0) return false;
  if (!aPlain || !bPlain)
    return (JSON.parse(t.slice(a, aEnd)) as string) < (JSON.parse(t.slice(b, bEnd)) as string);
  const aLength = aEnd - a;
  const bLength = bEnd - b;
  const n = Math.min(aLength, bLength) - 1;
  for (let k = 1; k < n; k++) {
    const x = t.charCodeAt(a + k);
    const y = t.charCodeAt(b + k);
    if (x !== y) return x < y;
  }
  return aLength < bLength;
}

/**
 * The value of key text [i, end) if it is an array index (JavaScript enumerates those first, ascending:
 * `0` or digits with no leading zero, at most 2^32 - 2), else -1.
 */
function arrayIndex(t: string, i: number, end: number): number {
  const length = end - i;
  if (length < 1 || length > 10) return -1;
  const first = t.charCodeAt(i);
  if (!isDigit(first) || (first === 0x30 && length > 1)) return -1;
  let n = 0;
  for (let k = i; k < end; k++) {
    const c = t.charCodeAt(k);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n <= 4294967294 ? n : -1;
}
