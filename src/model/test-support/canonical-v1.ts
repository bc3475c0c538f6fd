/**
 * canonicalJson as gonogo 0.1 wrote it (before the sorted-copy writer), kept verbatim so tests can prove
 * that chains hashed with it still verify: the new writer must give the same bytes for every value.
 */

/** Integer-like keys, which JavaScript objects order first (ascending), whatever the insertion order. */
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isIndex = (key: string) => {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
};

/** Keys in the order the chain has always hashed them: integer-like keys ascending, then the rest sorted. */
function orderedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  if (!keys.some(isIndex)) return keys;
  const ints = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  return [...ints, ...keys.filter((k) => !isIndex(k))];
}

/** One value as JSON.stringify would write it, keys ordered; undefined when JSON has no form for it. */
function write(value: unknown): string | undefined {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(): unknown }).toJSON();
  }
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON representation');
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map((x) => write(x) ?? 'null').join(',')}]`;
      if (v instanceof Number || v instanceof String || v instanceof Boolean) return write(v.valueOf());
      let out = '';
      for (const key of orderedKeys(v)) {
        const text = write((v as Record<string, unknown>)[key]);
        if (text !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${text}`;
      }
      return `{${out}}`;
    }
    default:
      return undefined;
  }
}

/**
 * Canonical JSON: keys sorted at every depth, no whitespace; values normalised the way JSON.stringify
 * does (undefined keys dropped, dates as ISO strings), so what is stored re-hashes to the same bytes.
 * One pass, no stringify-parse-stringify: verify and every evaluation hash with it.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJsonV1(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return text;
}
