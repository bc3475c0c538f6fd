/**
 * Shaped observed objects shared between outcomes while they repeat. A run keeps every outcome to its
 * end, and a server answers 50,000 checks with the same headers (but for `date`, once a second) and the
 * same body: each outcome kept its own copy of both, ~160 bytes an item that every young-generation
 * collection copied twice and promoted (bench/README "branch lean16"). Here an object already shaped
 * (redacted and cut: what any output shows) is compared with the last one kept under the same field name;
 * when it has the same keys in the same order with the same values, the kept one is given instead and the
 * new copy is left to die young. Only flat objects of plain values are kept, frozen, so that no holder of
 * one outcome can change what another shows.
 */

import { markShared } from '../model/shared-text.js';

/** Objects with more keys than this are not kept (nor compared): a large body rarely repeats. */
export const SHARE_MAX_KEYS = 32;
/** Strings longer than this are not kept: the comparison stays a few short string compares. */
export const SHARE_MAX_STRING = 256;
/** At most this many field names have an object kept (observation fields are a kind's few names). */
export const SHARE_MAX_FIELDS = 64;

/** The last object kept for a field name, and its keys (listed once, when it was kept). */
interface Kept {
  shape: Readonly<Record<string, unknown>>;
  keys: readonly string[];
  /** Whether it was registered with markShared (at its first repeat). */
  marked: boolean;
  /**
   * The known secrets under which it came out of the redaction walk as it went in (nothing redacted, cut
   * or converted): an observed object equal to it then shapes to it, and needs no walk (shapeRepeated).
   */
  unchangedUnder?: object;
}
const kept = new Map<string, Kept>();

/** How many field names have an object kept now (tests: the memo stays bounded). */
export function sharedShapes(): number {
  return kept.size;
}

/**
 * `shaped` (an object shapeObserved made for field `name`: data properties only, as the redaction walk
 * builds them), or an equal object kept from an earlier outcome. Equal means: the same own enumerable
 * keys in the same order with the same values (`Object.is`), both of Object.prototype, every value a
 * short string, a finite number, a boolean or null. Anything else is returned as it is.
 * @example sharedShape('headers', { server: 'nginx' }) === sharedShape('headers', { server: 'nginx' }) // true
 */
export function sharedShape(name: string, shaped: unknown): unknown {
  if (typeof shaped !== 'object' || shaped === null || Array.isArray(shaped)) return shaped;
  const candidate = shaped as Record<string, unknown>;
  if (Object.getPrototypeOf(candidate) !== Object.prototype) return shaped;
  const last = kept.get(name);
  if (last !== undefined && sameFlat(last, candidate)) return repeated(last);
  const keys = keepableKeys(candidate);
  if (keys === undefined) return shaped;
  if (last === undefined && kept.size >= SHARE_MAX_FIELDS) kept.clear();
  kept.set(name, { shape: Object.freeze(candidate), keys, marked: false });
  return candidate;
}

/** The kept object given again: shared from its first repeat on, its texts then written once (model/shared-text.ts). */
function repeated(last: Kept): Readonly<Record<string, unknown>> {
  if (!last.marked) {
    markShared(last.shape);
    last.marked = true;
  }
  return last.shape;
}

/**
 * What a plain copy of an observed object (`copy`, not yet redacted: redact.ts plainCopy) shapes to under
 * `known` when that is already known without the redaction walk: the object kept for `name` when it came
 * out of the walk unchanged under the same known secrets and `copy` equals it (as sharedShape compares);
 * else undefined. A server answers most checks with the same headers and body: their walk (every value's
 * credential test, known secrets, key patterns and string memo) then runs once, not once a check.
 */
export function shapeRepeated(
  name: string,
  copy: Record<string, unknown>,
  known: object,
): Readonly<Record<string, unknown>> | undefined {
  const last = kept.get(name);
  if (last === undefined || last.unchangedUnder !== known || !sameFlat(last, copy)) return undefined;
  return repeated(last);
}

/**
 * sharedShape for the shaped copy of an observed object; `unchangedUnder` the known secrets when the walk
 * changed none of its values (redact.ts redactCopy), else undefined: the object kept then needs no walk
 * when it repeats (shapeRepeated).
 */
export function sharedShapeOf(
  name: string,
  shaped: Record<string, unknown>,
  unchangedUnder?: object,
): unknown {
  const result = sharedShape(name, shaped);
  const last = kept.get(name);
  if (unchangedUnder !== undefined && last !== undefined && last.shape === result) {
    last.unchangedUnder = unchangedUnder;
  }
  return result;
}

/** Whether `b` has exactly the kept object's own enumerable keys, in its order, with the same values. */
function sameFlat(a: Kept, b: Record<string, unknown>): boolean {
  const { shape, keys } = a;
  let count = 0;
  // for…in lists b's inherited enumerable keys too (none, unless someone added one to Object.prototype):
  // such a key is not own, so the comparison ends false.
  for (const key in b) {
    if (count >= keys.length || keys[count] !== key || !Object.hasOwn(b, key)) return false;
    if (!Object.is(shape[key], b[key])) return false;
    count++;
  }
  return count === keys.length;
}

/**
 * The own keys of an object that may be kept and shared, or undefined: at most SHARE_MAX_KEYS of them,
 * no symbol keys, every value a string of at most SHARE_MAX_STRING characters, a finite number, a boolean
 * or null, and the object not frozen or sealed by someone else already.
 */
function keepableKeys(o: Record<string, unknown>): string[] | undefined {
  if (!Object.isExtensible(o) || Object.getOwnPropertySymbols(o).length > 0) return undefined;
  const keys: string[] = [];
  for (const key in o) {
    if (!Object.hasOwn(o, key)) return undefined;
    if (keys.length >= SHARE_MAX_KEYS || !plainValue(o[key])) return undefined;
    keys.push(key);
  }
  return keys;
}

function plainValue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return v.length <= SHARE_MAX_STRING;
    case 'number':
      return Number.isFinite(v);
    case 'boolean':
      return true;
    default:
      return v === null;
  }
}
