import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Principal } from '../auth.js';

/**
 * The session cookie's base name. Over HTTPS it travels as `__Host-gonogo_session`: hono's `prefix: 'host'`
 * adds the prefix (and forces Secure, Path=/, no Domain), so the name here never carries it.
 */
export const SESSION_COOKIE = 'gonogo_session';

/** The session id the browser sent: the `__Host-` cookie first (HTTPS), then the plain one (HTTP). */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE, 'host') ?? getCookie(c, SESSION_COOKIE);
}

/** Set the session cookie: `__Host-gonogo_session; Secure` over HTTPS, `gonogo_session` over plain HTTP. */
export function setSessionCookie(c: Context, id: string, secure: boolean, maxAgeS: number): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    path: '/',
    maxAge: maxAgeS,
    ...(secure ? { prefix: 'host' as const } : {}),
  });
}

/** Expire both forms of the session cookie (logging out). */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, prefix: 'host' });
}

/** A dashboard login: who, and the CSRF token every form of this session must carry. */
export interface Session {
  id: string;
  principal: Principal;
  csrf: string;
  expiresAt: number;
  /** A one-time message for the next page (the result of a form post). */
  flash?: Flash;
}

/** An item's form (attest, waive) that was refused: shown again open, with what was typed. */
export interface RefusedForm {
  form: 'attest' | 'waive';
  item: string;
  values: Record<string, string>;
}

/** The result of a form post, for the next page; a refused item form is shown beside that form. */
export interface Flash {
  ok: boolean;
  text: string;
  refused?: RefusedForm;
}

/**
 * Server-side sessions in process memory: the cookie holds only a random id, logging out deletes the
 * session, and a restart logs everyone out. Behind several replicas, route the dashboard stickily.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Start a session for a principal. */
  create(principal: Principal): Session {
    this.sweep();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      principal,
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: this.clock() + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, if any. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.clock()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Compare a submitted CSRF token with the session's in constant time. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
