import * as z from 'zod';
import { CheckFailure, registerPlainTarget } from '../../engine/check.js';
import { formatDuration } from '../../model/duration.js';

/** Network helpers the tcp, tls, http, dns and prometheus kinds share (parsing targets, error messages). */

/** A network endpoint parsed from `host:port`. */
export interface HostPort {
  /** Host name or IP address, IPv6 without brackets. */
  host: string;
  port: number;
}

/**
 * Parse `host:port` (IPv6 in brackets: `[::1]:443`). Throws CheckFailure saying how to write it.
 * @example parseHostPort('db.example.com:5432') // { host: 'db.example.com', port: 5432 }
 */
export function parseHostPort(text: string): HostPort {
  const trimmed = text.trim();
  const advice = 'write it like db.example.com:5432, 10.0.0.5:6379 or [::1]:443';
  let url: URL;
  try {
    // A non-special scheme makes WHATWG URL split host and port without assuming a default port.
    url = new URL(`tcp://${trimmed}`);
  } catch {
    throw new CheckFailure(`"${trimmed}" is not host:port; ${advice}`);
  }
  if (url.username || url.password || url.pathname || url.search || url.hash || !url.hostname) {
    throw new CheckFailure(`"${trimmed}" is not host:port (only a host and a port are allowed); ${advice}`);
  }
  const port = Number(url.port);
  if (!url.port || !Number.isInteger(port) || port < 1) {
    throw new CheckFailure(`"${trimmed}" has no port; ${advice}`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * A zod schema that parses a target with `parse` into the value `run()` receives (a URL, host and
 * port...), reporting a bad target with the parser's own words. The engine applies it after `${NAME}`
 * expansion, once per run; lint applies it to what it can expand.
 */
export function targetSchema<T>(parse: (text: string) => T, missing: string): z.ZodType<T> {
  const schema = z
    .string({ error: missing })
    .trim()
    .min(1, { error: missing })
    .transform((text, ctx) => {
      try {
        return parse(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    });
  // The engine parses a good target with `parse` directly (parseTarget), this schema's result exactly.
  return registerPlainTarget(schema, parse);
}

/** Error codes that mean the name never resolved: nothing about the endpoint was observed. */
const RESOLUTION_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);

/** Whether a connection error happened before any address was known (a bad or unresolvable host). */
export function isResolutionError(err: unknown): boolean {
  return RESOLUTION_CODES.has(errorCode(err) ?? '');
}

/** The `code` of a Node or undici error, looking through `cause` (undici wraps socket errors). */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR')) return code;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The most specific explanation in an error chain: OpenSSL's short `reason` ("wrong version number")
 * rather than its multi-line dump, the innermost `cause` rather than undici's wrapper.
 */
function innermostMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const reason = (e as { reason?: unknown }).reason;
    if (typeof reason === 'string' && reason) message = reason;
    else if (e instanceof Error && e.message) message = e.message;
  }
  return message;
}

/**
 * The message for a check whose `signal` fired: a timeout says how long it waited, anything else that
 * the run was cancelled.
 */
export function abortMessage(signal: AbortSignal, what: string, timeoutMs: number): string {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason?.name === 'AbortError') return `${what}: cancelled before it finished`;
  return `${what}: no answer within ${formatDuration(timeoutMs)} (timeout); is the service up and reachable, or does the check need a longer timeout?`;
}

/**
 * Say what a failed connection means and what to do, e.g.
 * "connect ECONNREFUSED 127.0.0.1:8443: nothing listens there; is the service up?".
 */
export function describeNetworkError(err: unknown, where: string): string {
  const code = errorCode(err);
  const detail = innermostMessage(err);
  switch (code) {
    case 'ECONNREFUSED':
      return `connect ECONNREFUSED ${where}: nothing listens there; is the service up?`;
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
    case 'ENODATA':
      return `cannot resolve the host of ${where} (${code}); check the host name and the DNS records`;
    case 'EAI_AGAIN':
      return `DNS lookup for ${where} failed temporarily (EAI_AGAIN); is the resolver reachable?`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connect to ${where} timed out (${code}); does a firewall drop the packets, or is the host down?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (${code}); check routing, VPN or security groups`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${where} closed the connection unexpectedly (${code}); is it the right port and protocol?`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return `TLS handshake with ${where} failed (${detail}); does that port speak TLS?`;
    default:
      if (code?.startsWith('ERR_SSL_')) {
        return `TLS handshake with ${where} failed (${detail}); do both sides support a common TLS version and cipher?`;
      }
      return `${where}: ${detail}${code ? ` (${code})` : ''}`;
  }
}

/** Milliseconds since `started` (a performance.now() reading), to the hundredth: finer is noise. */
export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
