import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Principal } from './auth.js';
import type { Session } from './dashboard/sessions.js';

/** Per-request values shared by middleware and handlers. */
export interface AppEnv {
  Variables: {
    /** The request's id: its valid `X-Request-Id`, else a new UUID (sent back in `X-Request-Id`). */
    requestId: string;
    /** The authenticated token (API bearer token or dashboard session). */
    principal?: Principal;
    /** The dashboard session, when logged in. */
    session?: Session;
    /** The client address (the right-most X-Forwarded-For entry when the proxy is trusted). */
    clientIp: string;
  };
}

/**
 * The client address of a request; behind a trusted proxy, the right-most X-Forwarded-For entry: the
 * one our proxy appended. Entries to its left come from the client and can say anything.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = requestHeader(c, 'x-forwarded-for')?.split(',').at(-1)?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Requests made in-process (app.request in tests) have no socket.
    return 'local';
  }
}

/** HTTP whitespace at either end of a value, which a Web `Headers` strips (and nothing else). */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * A request header as `c.req.header(name)` reads it (`name` in lower case; repeated headers joined with
 * ", ", values stripped of HTTP whitespace), read from the Node request's raw headers when there is one.
 * The first `c.req.header` of a request builds a Web `Headers` of all its headers under
 * @hono/node-server, which costs a preflight more than reading the two or three it needs.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const raw = (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming?.rawHeaders;
  if (!raw) return c.req.header(name);
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const v = raw[i + 1]!.replace(EDGE_WHITESPACE, '');
    value = value === undefined ? v : `${value}, ${v}`;
  }
  return value;
}

/** Ids a client may choose: what Hono's `requestId` middleware accepts (at most 255 word characters, `-` or `=`). */
const CLIENT_ID = /^[\w\-=]{1,255}$/;

/** The request's id: the client's `X-Request-Id` when it is a valid one, else a new UUID. */
export function requestIdOf(c: Context): string {
  const asked = requestHeader(c, 'x-request-id');
  return asked !== undefined && CLIENT_ID.test(asked) ? asked : crypto.randomUUID();
}
