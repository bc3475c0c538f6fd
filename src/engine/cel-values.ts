import type { CelType } from './check.js';

/**
 * Observed JS values as the CEL values their declared types need. Kept apart from the conditions
 * themselves because the condition worker converts nothing: the calling thread converts once and sends.
 */

/**
 * Convert an observed JS value to the CEL value its declared type needs: int -> BigInt, double ->
 * number, and inside dyn/map/list integral numbers become BigInt so `body.count == 3` holds for JSON 3.
 * @example toCelValue('int', 200) // 200n
 */
export function toCelValue(type: CelType | string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return converterFor(type)(value);
}

type Converter = (value: unknown) => unknown;

/** Converters by declared type, built once per type: conditions run per item, types repeat. */
const converters = new Map<string, Converter>();

function converterFor(type: string): Converter {
  let convert = converters.get(type);
  if (!convert) {
    convert = buildConverter(type.replace(/\s+/g, ''));
    converters.set(type, convert);
  }
  return convert;
}

function buildConverter(t: string): Converter {
  if (t === 'int') {
    return (value) => (typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value);
  }
  if (t === 'double') return (value) => (typeof value === 'bigint' ? Number(value) : value);
  if (t === 'string' || t === 'bool' || t === 'bytes') return identity;
  const list = /^list<(.+)>$/.exec(t);
  if (list) {
    const item = list[1]!;
    return (value) => (Array.isArray(value) ? value.map((v) => toCelValue(item, v)) : toDyn(value));
  }
  const map = /^map<(.+)>$/.exec(t);
  if (map) {
    const valueType = splitTopLevel(map[1]!)[1] ?? 'dyn';
    const convertValue = converterFor(valueType);
    // map<string, string> (http headers): values need no conversion, the object serves as it is.
    if (convertValue === identity)
      return (value) => (isPlainObject(value) ? value : convertMap(value, identity));
    return (value) => convertMap(value, (v) => toCelValue(valueType, v));
  }
  return toDyn;
}

const identity: Converter = (value) => value;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function splitTopLevel(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      out.push(args.slice(start, i));
      start = i + 1;
    }
  }
  out.push(args.slice(start));
  return out;
}

function convertMap(value: unknown, convert: (v: unknown) => unknown): unknown {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, convert(v)]));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return toDyn(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = convert(v);
  return out;
}

function toDyn(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toDyn);
  if (value instanceof Set) return [...value].map(toDyn);
  return convertMap(value, toDyn);
}
