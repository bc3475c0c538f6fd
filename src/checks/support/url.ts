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

/** A connection URL parsed once: what the driver takes, what messages show, what they must hide. */
export interface ConnectionTarget {
  /** The URL as written (after `${NAME}` expansion), for the driver. */
  readonly href: string;
  /** The URL with its password masked, for messages. */
  readonly shown: string;
  /** `host:port` for the engine's per-host limit (the scheme's default port when none is written). */
  readonly hostPort: string | undefined;
  /** The password, raw and decoded, to scrub from a driver's messages. */
  readonly secrets: readonly string[];
}

/**
 * Parse a connection URL with one of `protocols`. The message never echoes the value: it may hold a password.
 * @example connectionTarget('postgres://app:pw@db/app', ['postgres:'], 5432, 'give a URL').hostPort // 'db:5432'
 */
export function connectionTarget(
  text: string,
  protocols: readonly string[],
  defaultPort: number,
  message: string,
): ConnectionTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(message);
  }
  if (!protocols.includes(url.protocol)) throw new Error(message);
  const secrets = url.password ? [...new Set([url.password, safeDecode(url.password)])] : [];
  const masked = new URL(url);
  if (masked.password) masked.password = '***';
  return {
    href: text,
    shown: masked.toString(),
    hostPort: url.hostname ? `${url.hostname}:${url.port || defaultPort}` : undefined,
    secrets,
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The error's message with the connection's password (raw or decoded) replaced, should a driver echo it. */
export function scrubSecrets(err: unknown, secrets: readonly string[]): string {
  let message = err instanceof Error ? err.message : String(err);
  for (const secret of secrets) if (secret) message = message.split(secret).join('***');
  return message || 'no reason given';
}
