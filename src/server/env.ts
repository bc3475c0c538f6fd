import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Principal } from './auth.js';
import type { Session } from './dashboard/sessions.js';

/** Per-request values shared by middleware and handlers. */
export interface AppEnv {
  Variables: {
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
    const fwd = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Requests made in-process (app.request in tests) have no socket.
    return 'local';
  }
}
