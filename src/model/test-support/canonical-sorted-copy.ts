/**
 * canonicalJson as it was written before the one-pass writer (a key-sorted copy, then JSON.stringify), kept verbatim so tests
 * can prove that the one-pass writer (canonical-json.ts) gives the same bytes for every value.
 */
import { sortKeys } from '../canonical-json.js';

/** What JSON.stringify drops from an object (and writes as null in an array). */
const unwritable = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * A copy of `value` that JSON.stringify writes in canonical form: `toJSON` applied once (dates become
 * ISO strings), boxed primitives unwrapped, and every plain object rebuilt with its keys inserted in
 * sorted order, leaving out what JSON has no form for. JavaScript puts integer-like keys first
 * (ascending) whatever the insertion order: the order the chain has always hashed them in.
 */
function sortedCopy(value: unknown, applyToJSON = true): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: a BigInt has no JSON representation');
    return value;
  }
  const v = value as Record<string, unknown>;
  if (applyToJSON && typeof v.toJSON === 'function') return sortedCopy((v.toJSON as () => unknown)(), false);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = sortedCopy(v[i]);
    return out;
  }
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return v.valueOf();
  const keys = Object.keys(v);
  if (keys.length > 1) sortKeys(keys);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const item = sortedCopy(v[key]);
    if (unwritable(item)) continue;
    // `out.__proto__ = x` would set the prototype, not a key: JSON data may hold that key.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true });
    else out[key] = item;
  }
  return out;
}

/**
 * Canonical JSON: keys sorted at every depth, no whitespace; values normalised the way JSON.stringify
 * does (undefined keys dropped, dates as ISO strings), so what is stored re-hashes to the same bytes.
 * One pass over the value, then the engine's own JSON writer: no stringify-parse-stringify. Verify and
 * every evaluation hash with it. (RFC 8785 libraries order integer-like keys as text and refuse NaN, so
 * they would change the bytes of chains already written.)
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJsonSortedCopy(value: unknown): string {
  const text = JSON.stringify(sortedCopy(value)) as string | undefined;
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return text;
}
