/** The headers of the HTTP client (http-client.ts): a request's as given, a response's as kept. */

/** A raw header value: one Buffer, or several for a name repeated (as the redirect interceptor gives them). */
export type RawValue = Buffer | Buffer[];

/** The headers of a request that gives none: one shared list (undici reads it, never writes). */
export const PLAIN_HEADERS = Object.freeze(['user-agent', 'gonogo']);

/** A request's own headers as sent: lower-case names, gonogo's user agent unless given. */
export function ownHeaders(given: Record<string, string> | undefined): Record<string, string> {
  const own = lowerKeys(given ?? {});
  own['user-agent'] ??= 'gonogo';
  return own;
}

export function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (Object.hasOwn(headers, name)) out[name.toLowerCase()] = headers[name]!;
  return out;
}

const latin1 = (raw: RawValue): string =>
  Array.isArray(raw) ? raw.map((b) => b.toString('latin1')).join(', ') : raw.toString('latin1');

/**
 * The response's headers from undici's raw list (name, value, name, value...): names as undici names
 * them (lower case), values as Latin-1 text, a repeated name's values joined with ", " in the first one's
 * place. A header named `__proto__` is left out (an object cannot hold it as a plain key).
 */
export function joinHeaders(raw: RawValue[], headerName: (raw: Buffer) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = headerName(raw[i] as Buffer);
    const value = latin1(raw[i + 1]!);
    const before = out[name];
    if (before === undefined) out[name] = value;
    else if (name === '__proto__') continue;
    else out[name] = Object.hasOwn(out, name) ? `${before}, ${value}` : value;
  }
  return out;
}
