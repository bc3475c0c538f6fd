/** URL helpers the database and cache kinds share (messages must never show a password). */

/**
 * int8 and numeric arrive as text because JS numbers cannot hold every value; conditions like
 * `row.count > 0` need numbers, so convert whenever no digit is lost.
 */
export function toNumberIfExact(text: string): number | string {
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(value) ? value : text;
  const digits = text.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 15 ? value : text;
}

/** `user:***@` instead of the password, so a URL can appear in a message. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a connection URL that cannot be parsed)';
  }
}

/** The error's message with the URL's password (raw or decoded) replaced, should a driver echo it. */
export function scrub(err: unknown, url: string): string {
  let message = err instanceof Error ? err.message : String(err);
  try {
    const { password } = new URL(url);
    for (const secret of [password, decodeURIComponent(password)]) {
      if (secret) message = message.split(secret).join('***');
    }
  } catch {
    // An unparsable URL was refused by the target schema already.
  }
  return message || 'no reason given';
}

/** `host:port` of a URL, for the engine's per-host concurrency limit. */
export function hostKey(url: string, defaultPort: number): string | undefined {
  try {
    const { hostname, port } = new URL(url);
    return hostname ? `${hostname}:${port || defaultPort}` : undefined;
  } catch {
    return undefined;
  }
}
