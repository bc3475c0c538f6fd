/**
 * Canonical JSON, the text the audit chain hashes (audit.ts) and the outcome digest covers: keys sorted
 * at every depth, no whitespace, values as JSON.stringify writes them. Written here in one pass that
 * sorts as it writes, byte for byte what `JSON.stringify` of a key-sorted copy writes (the form every
 * stored chain was hashed in; test-support/canonical-v1.ts and canonical-sorted-copy.ts keep the earlier writers
 * the tests compare against).
 */

import { isShared, sharedCanonical } from './shared-text.js';

/** What canonicalJson throws for a BigInt, as the earlier writers did. */
const BIGINT = 'canonicalJson: a BigInt has no JSON representation';

/**
 * Sort keys in place as `keys.sort()` does (UTF-16 code units). Up to 16 keys by insertion:
 * `Array.prototype.sort` allocates its merge state (~1 KB) on every call.
 */
export function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

/**
 * A set of keys seen before, as `Object.keys` listed them: the same keys in the order they are written,
 * each with its JSON text and colon. The observed values of one kind of check share a few such sets,
 * so a run's 50,000 outcomes sort a handful of key lists, not 250,000.
 */
interface Shape {
  readonly keys: readonly string[];
  readonly order: readonly string[];
  readonly names: readonly string[];
}

/** Objects with more keys than this are sorted each time (a large parsed body is rarely seen twice). */
const SHAPE_MAX_KEYS = 64;
/** Shapes kept; past this the memo starts again empty (it only saves work, never changes a byte). */
const SHAPES_MAX = 512;

/** Shapes by their first key (as listed), most recent first. */
const shapes = new Map<string, Shape[]>();
let shapeCount = 0;

/** The number of shapes kept, for the tests of the memo's bound. */
export function canonicalShapesKept(): number {
  return shapeCount;
}

/**
 * The order a key-sorted copy is written in: inserted in code-unit order, then enumerated as JavaScript
 * enumerates any object's own keys (integer-like keys first, ascending, whatever the insertion order).
 * Read back from such an object, so the rule is the engine's own and cannot drift from it.
 */
function shapeFor(keys: readonly string[]): Shape {
  const sorted = keys.slice();
  sortKeys(sorted);
  // No prototype: `__proto__` is then an ordinary key, as in data parsed from JSON.
  const probe = Object.create(null) as Record<string, true>;
  for (const key of sorted) probe[key] = true;
  const order = Object.keys(probe);
  return { keys, order, names: order.map((key) => `${JSON.stringify(key)}:`) };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeOf(keys: string[]): Shape {
  if (keys.length > SHAPE_MAX_KEYS) return shapeFor(keys);
  const first = keys[0]!;
  let list = shapes.get(first);
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const shape = list[i]!;
      if (sameKeys(shape.keys, keys)) return shape;
    }
  }
  if (shapeCount >= SHAPES_MAX) {
    shapes.clear();
    shapeCount = 0;
    list = undefined;
  }
  const shape = shapeFor(keys);
  if (list) list.unshift(shape);
  else shapes.set(first, [shape]);
  shapeCount++;
  return shape;
}

/**
 * What JSON.stringify writes for `value` as the member `key` of an object (a number: an array's element;
 * undefined: the whole text): the form a key-sorted copy leaves to the engine, for values the copy
 * does not rebuild (a function in an array, an object a boxed primitive's `valueOf` returned).
 */
function native(key: string | number | undefined, value: unknown): string | undefined {
  if (key === undefined) return JSON.stringify(value) as string | undefined;
  const name = String(key);
  const text = JSON.stringify({ [name]: value });
  return text.length === 2 ? undefined : text.slice(JSON.stringify(name).length + 2, -1);
}

/** What JSON.stringify may escape in a string: quote, backslash, control characters, surrogates. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** The last string (of at most REPEAT_MAX characters) written with escapes, and its text. */
let lastRaw: string | undefined;
let lastText = '';
const REPEAT_MAX = 1024;

/**
 * A string as JSON.stringify writes it. Most strings need no escape, and testing for one is cheaper
 * than the engine's call (a run's outcomes hold ~16 strings each); a string with a surrogate, paired or
 * lone, is left to the engine.
 * @example jsonString('say "hi"') // '"say \\"hi\\""'
 */
export function jsonString(s: string): string {
  if (!ESCAPED.test(s)) return `"${s}"`;
  // Outcomes repeat a text with escapes (a JSON body's, `{"ok":true}\n`): the engine writes it once while
  // it repeats, each outcome's (equal, not the same string) compared to the last (bench/README "branch save20").
  if (s === lastRaw) return lastText;
  const text = JSON.stringify(s);
  if (s.length <= REPEAT_MAX) {
    lastRaw = s;
    lastText = text;
  }
  return text;
}

/**
 * One value's canonical text at `key` (a string: an object's member; a number: an array's element;
 * undefined: the whole value); undefined when JSON leaves it out. `toJSON` is applied once per value
 * and its result written as it stands, as the sorted copy did.
 */
function write(value: unknown, key: string | number | undefined, toJSON: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      throw new TypeError(BIGINT);
    case 'function':
      // An object's member is left out; elsewhere the engine writes it (its own toJSON, or nothing).
      return typeof key === 'string' ? undefined : native(key, value);
    default:
      return undefined;
  }
  if (value === null) return 'null';
  const v = value as Record<string, unknown>;
  if (toJSON && typeof v.toJSON === 'function') return write((v.toJSON as () => unknown)(), key, false);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += write(v[i], i, true) ?? 'null';
    }
    return `${out}]`;
  }
  if (v instanceof Number || v instanceof String || v instanceof Boolean) {
    const inner: unknown = v.valueOf();
    return inner !== null && typeof inner === 'object' ? native(key, inner) : write(inner, key, false);
  }
  // An object the outcomes share (shared-text.ts) is written once: its text cannot change.
  return isShared(v) ? sharedCanonical(v, writeObject) : writeObject(v);
}

/** An object's canonical text: its members in canonical key order. */
function writeObject(v: Record<string, unknown>): string {
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  const { order, names } = shapeOf(keys);
  let out = '{';
  for (let i = 0; i < order.length; i++) {
    const text = write(v[order[i]!], order[i], true);
    if (text === undefined) continue;
    out += out.length === 1 ? names[i]! + text : `,${names[i]!}${text}`;
  }
  return `${out}}`;
}

/**
 * Canonical JSON: keys sorted at every depth, no whitespace; values normalised the way JSON.stringify
 * does (undefined keys dropped, dates as ISO strings), so what is stored re-hashes to the same bytes.
 * Written in one pass, keys sorted as each object is written (no sorted copy of the value, no
 * stringify-parse-stringify). Verify and every evaluation hash with it. (RFC 8785 libraries order
 * integer-like keys as text and refuse NaN, so they would change the bytes of chains already written.)
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, undefined, true);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return text;
}

/**
 * The canonical text of `value` as the member `key` of an object (what canonicalJson of the object writes
 * after the member's name), undefined when it is left out.
 * @example canonicalMember({ b: 1, a: 2 }, 'observed') // '{"a":2,"b":1}'
 */
export function canonicalMember(value: unknown, key: string): string | undefined {
  return write(value, key, true);
}
