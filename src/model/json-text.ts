import { jsonString } from './canonical-json.js';
import { isShared, sharedJson } from './shared-text.js';

/** Member names kept with their JSON text and colon; past this many the memo starts again empty. */
const NAMES_MAX = 256;
const names = new Map<string, string>();

function nameText(key: string): string {
  let text = names.get(key);
  if (text === undefined) {
    if (names.size >= NAMES_MAX) names.clear();
    text = `${jsonString(key)}:`;
    names.set(key, text);
  }
  return text;
}

/**
 * What `JSON.stringify` writes for `key`'s member `value` inside an object (undefined: left out), for
 * the values written here only through the engine: objects that are not shared, functions and BigInts
 * (either may have a `toJSON`, which the engine calls with the member's key).
 */
function member(key: string, value: unknown): string | undefined {
  const text = JSON.stringify({ [key]: value });
  return text.length === 2 ? undefined : text.slice(nameText(key).length + 1, -1);
}

/**
 * `JSON.stringify(value)`, byte for byte, with the members that outcomes share (model/shared-text.ts:
 * a run's repeated headers and bodies) written once each instead of once an outcome. A plain object's
 * members are written here in `JSON.stringify`'s order (`Object.keys`), strings and numbers as it writes
 * them; any other member is the engine's own text, and any other value is given to the engine whole.
 * @example jsonText({ status: 200, ok: true }) // '{"status":200,"ok":true}'
 */
export function jsonText(value: unknown): string | undefined {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    Object.getPrototypeOf(value) !== Object.prototype ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return JSON.stringify(value) as string | undefined;
  const o = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(o)) {
    const v = o[key];
    let text: string | undefined;
    switch (typeof v) {
      case 'string':
        text = jsonString(v);
        break;
      case 'number':
        text = Number.isFinite(v) ? String(v) : 'null';
        break;
      case 'boolean':
        text = v ? 'true' : 'false';
        break;
      case 'undefined':
      case 'symbol':
        continue;
      case 'object':
        if (v === null) text = 'null';
        else if (isShared(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function')
          text = sharedJson(v);
        else text = member(key, v);
        break;
      default:
        // A function or a BigInt: left out or thrown on as the engine does, or its toJSON's text.
        text = member(key, v);
    }
    if (text === undefined) continue;
    out += out.length === 1 ? nameText(key) + text : `,${nameText(key)}${text}`;
  }
  return `${out}}`;
}
