import type { Context, Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { hashToken } from '../auth.js';
import type { AppEnv } from '../env.js';
import { HttpProblem } from '../problem.js';
import { LoginPage, MessagePage } from './pages/index.js';
import type { DashboardDeps } from './route-deps.js';
import {
  clearSessionCookie,
  csrfMatches,
  readSessionCookie,
  SessionStore,
  setSessionCookie,
} from './sessions.js';

/**
 * Sessions of the dashboard: login and logout, the session cookie, and the guards every later route
 * relies on (a session is required; every form post carries its CSRF token). Register first.
 */
export function registerSessionRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { deps, config, auth, pageCtx } = d;
  const sessions = new SessionStore(config.sessionTtlMs);
  const isHttps = (c: Context) =>
    new URL(c.req.url).protocol === 'https:' ||
    (config.trustProxy && c.req.header('x-forwarded-proto') === 'https');
  const selfOrigin = (c: Context) => {
    const url = new URL(c.req.url);
    if (config.trustProxy) {
      const proto = c.req.header('x-forwarded-proto');
      const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
      if (proto && host) return `${proto}://${host}`;
    }
    return url.origin;
  };
  // Every form body is read once, here, for all form routes (later reads reuse Hono's cache): a body
  // that cannot be parsed (a broken multipart, no boundary) is the sender's mistake, a 400 page.
  app.use('*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    try {
      await c.req.parseBody();
    } catch {
      return c.html(
        <MessagePage
          ctx={pageCtx(c)}
          title="Form not readable"
          text="The server could not read this form's data. Reload the page and submit the form again."
        />,
        400,
      );
    }
    return next();
  });

  // Forms are checked twice: the browser's Origin / Sec-Fetch-Site, then the session's CSRF token.
  app.use(
    '*',
    csrf({
      origin: (origin, c) => origin === selfOrigin(c) || config.origins.includes(origin),
    }),
  );

  app.use('*', async (c, next) => {
    const id = readSessionCookie(c);
    const session = sessions.get(id);
    if (session) {
      // The token may have been revoked or expired since login: then the session ends here.
      const principal = await auth.session(session.tokenHash).catch((err: unknown) => {
        if (!(err instanceof HttpProblem)) throw err;
        deps.logger.info('dashboard session ended', { token: session.principal.name, why: err.detail });
        sessions.delete(session.id);
        clearSessionCookie(c);
        return undefined;
      });
      if (principal) {
        session.principal = principal;
        c.set('session', session);
        c.set('principal', principal);
        auth.limit(principal);
      }
    }
    await next();
  });

  app.get('/login', (c) => {
    if (c.get('session')) return c.redirect('/', 303);
    return c.html(<LoginPage ctx={pageCtx(c)} />);
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    try {
      await auth.verify(token || undefined, c.get('clientIp'));
      // A login asks the store (no cache), so a token revoked a moment ago is refused, saying so.
      const principal = await auth.current(hashToken(token));
      const session = sessions.create(principal, hashToken(token));
      setSessionCookie(c, session.id, isHttps(c), Math.floor(config.sessionTtlMs / 1000));
      deps.logger.info('dashboard login', { token: principal.name, role: principal.role });
      return c.redirect('/', 303);
    } catch (err) {
      if (!(err instanceof HttpProblem)) throw err;
      for (const [k, v] of Object.entries(err.headers)) if (k === 'Retry-After') c.header(k, v);
      // Revoked and expired tokens say so (the holder needs a new one); unknown ones stay vague.
      const text =
        err.status === 429 || /was revoked|expired at/.test(err.detail)
          ? err.detail
          : 'That token is not valid. Check it and try again.';
      return c.html(<LoginPage ctx={pageCtx(c)} error={text} />, err.status === 429 ? 429 : 401);
    }
  });

  // Everything below needs a session.
  app.use('*', async (c, next) => {
    if (c.get('session')) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/login', 303);
    return c.html(
      <MessagePage ctx={pageCtx(c)} title="Logged out" text="Your session ended. Log in again." />,
      401,
    );
  });

  // Every form post of a session carries its CSRF token.
  app.use('*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const form = await c.req.parseBody();
    if (!csrfMatches(c.get('session')!, form._csrf)) {
      return c.html(
        <MessagePage
          ctx={pageCtx(c)}
          title="Form expired"
          text="This form is out of date. Reload the page and try again."
        />,
        403,
      );
    }
    return next();
  });

  app.post('/logout', (c) => {
    const session = c.get('session')!;
    sessions.delete(session.id);
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });
}
