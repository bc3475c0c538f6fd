import type { Context } from 'hono';
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { ActionError, attest, signoff, waive } from '../../engine/actions.js';
import type { Checklist } from '../../model/checklist.js';
import { parseDuration } from '../../model/duration.js';
import { environmentNames } from '../api.js';
import { latestAudit } from '../audit-page.js';
import { maySignFor, roleAtLeast } from '../auth.js';
import { type Authenticator, requireRole } from '../authenticator.js';
import type { ServerConfig, ServerDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { Gate } from '../gate.js';
import { HttpProblem } from '../problem.js';
import { registerWatchPages } from '../watch/pages.js';
import type { PageContext } from './components.js';
import {
  AuditPage,
  ChecklistPage,
  LoginPage,
  MessagePage,
  OverviewPage,
  type OverviewRow,
  RunsPage,
  WaiversPage,
  type WindowHistory,
} from './pages.js';
import {
  clearSessionCookie,
  csrfMatches,
  readSessionCookie,
  type Session,
  SessionStore,
  setSessionCookie,
} from './sessions.js';

/** Build the server-rendered dashboard (login, overview, checklist pages, waivers, runs, audit). */
export function createDashboard(deps: ServerDeps, config: ServerConfig, gate: Gate, auth: Authenticator) {
  const sessions = new SessionStore(config.sessionTtlMs);
  const app = new Hono<AppEnv>();

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
  const pageCtx = (c: Context<AppEnv>): PageContext => {
    const session = c.get('session');
    const flash = session?.flash;
    if (session) session.flash = undefined;
    return {
      nonce: c.get('secureHeadersNonce') ?? '',
      ...(session ? { session } : {}),
      ...(flash ? { flash } : {}),
    };
  };

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
      c.set('session', session);
      c.set('principal', session.principal);
      auth.limit(session.principal);
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
      const principal = await auth.verify(token || undefined, c.get('clientIp'));
      const session = sessions.create(principal);
      setSessionCookie(c, session.id, isHttps(c), Math.floor(config.sessionTtlMs / 1000));
      deps.logger.info('dashboard login', { token: principal.name, role: principal.role });
      return c.redirect('/', 303);
    } catch (err) {
      if (!(err instanceof HttpProblem)) throw err;
      for (const [k, v] of Object.entries(err.headers)) if (k === 'Retry-After') c.header(k, v);
      const text = err.status === 429 ? err.detail : 'That token is not valid. Check it and try again.';
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

  app.get('/', async (c) => {
    const rows: OverviewRow[] = [];
    for (const entry of deps.catalog.list()) {
      if (!entry.checklist) {
        rows.push({ id: entry.id, file: entry.file, error: entry.error ?? 'did not load', cells: [] });
        continue;
      }
      const cl = entry.checklist;
      const cells = await Promise.all(
        environmentNames(cl).map(async (environment) => {
          const stored = await gate.evaluate(cl, environment);
          return {
            environment,
            evaluation: stored.evaluation,
            ...(stored.latest ? { latest: stored.latest } : {}),
          };
        }),
      );
      rows.push({ id: entry.id, file: entry.file, name: cl.name, cells });
    }
    return c.html(<OverviewPage ctx={pageCtx(c)} rows={rows} now={deps.now()} />);
  });

  const loadPage = (c: Context<AppEnv>) => {
    try {
      const { checklist } = gate.checklist(c.req.param('id') ?? '');
      return checklist;
    } catch (err) {
      if (err instanceof HttpProblem) return err;
      throw err;
    }
  };

  app.get('/checklists/:id', async (c) => {
    const found = loadPage(c);
    if (found instanceof HttpProblem) {
      return c.html(
        <MessagePage ctx={pageCtx(c)} title="Checklist not available" text={found.detail} />,
        found.status,
      );
    }
    const checklist = found;
    let environment: string;
    try {
      environment = gate.environment(checklist, c.req.query('env'));
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      return c.html(<MessagePage ctx={pageCtx(c)} title="Unknown environment" text={err.message} />, 404);
    }
    const stored = await gate.evaluate(checklist, environment);
    const now = deps.now();
    const history = await windowHistory(checklist, environment, now);
    const p = c.get('session')!.principal;
    const can = {
      run: roleAtLeast(p.role, 'operator'),
      attest: roleAtLeast(p.role, 'operator'),
      waive: roleAtLeast(p.role, 'approver'),
      signRoles: checklist.signoffs.filter((r) => maySignFor(p, r)),
    };
    return c.html(
      <ChecklistPage
        ctx={{ ...pageCtx(c), session: c.get('session')! }}
        checklist={checklist}
        environment={environment}
        environments={environmentNames(checklist)}
        evaluation={stored.evaluation}
        {...(stored.latest ? { latest: stored.latest } : {})}
        history={history}
        can={can}
        now={now}
      />,
    );
  });

  async function windowHistory(checklist: Checklist, environment: string, now: Date) {
    const out = new Map<string, WindowHistory>();
    for (const item of checklist.items) {
      const hold = item.check?.hold;
      if (!hold) continue;
      let holdMs: number;
      try {
        holdMs = parseDuration(hold);
      } catch {
        continue;
      }
      const from = now.getTime() - holdMs;
      const samples = await deps.store.listSamples(
        checklist.id,
        environment,
        item.id,
        new Date(from).toISOString(),
      );
      out.set(item.id, { samples, from, to: now.getTime(), hold });
    }
    return out;
  }

  /** Run a form action; its result (or refusal) is shown on the checklist page it came from. */
  const action =
    (
      name: string,
      perform: (checklist: Checklist, form: Record<string, string>, s: Session) => Promise<string>,
    ) =>
    async (c: Context<AppEnv>) => {
      const found = loadPage(c);
      if (found instanceof HttpProblem) {
        return c.html(
          <MessagePage ctx={pageCtx(c)} title="Checklist not available" text={found.detail} />,
          found.status,
        );
      }
      const raw = await c.req.parseBody();
      const form: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') form[k] = v;
      const session = c.get('session')!;
      try {
        session.flash = { ok: true, text: await perform(found, form, session) };
        gate.invalidate(found.id);
      } catch (err) {
        if (!(err instanceof ActionError || err instanceof HttpProblem)) throw err;
        session.flash = { ok: false, text: `${name} refused: ${err.message}` };
      }
      const env = form.env ? `?env=${encodeURIComponent(form.env)}` : '';
      const anchor = form.item ? `#item-${encodeURIComponent(form.item)}` : '';
      return c.redirect(`/checklists/${encodeURIComponent(found.id)}${env}${anchor}`, 303);
    };

  app.post(
    '/checklists/:id/run',
    action('Run', async (checklist, form, s) => {
      requireRole(s.principal, 'operator', 'running checks');
      const environment = gate.environment(checklist, form.env);
      const result = await gate.run(checklist, environment, `api:${s.principal.name}`);
      return `Checks ran: ${result.run.verdict} (${result.run.outcomes.length} checks).`;
    }),
  );

  app.post(
    '/checklists/:id/attest',
    action('Attestation', async (checklist, form, s) => {
      requireRole(s.principal, 'operator', 'attesting');
      const a = await attest(
        deps.store,
        {
          checklist,
          environment: form.env,
          item: form.item ?? '',
          evidence: form.evidence ?? '',
          value: form.value,
          validFor: form.valid_for,
          by: s.principal.name,
        },
        deps.now(),
      );
      return `Attested ${a.item}.`;
    }),
  );

  app.post(
    '/checklists/:id/waive',
    action('Waiver', async (checklist, form, s) => {
      requireRole(s.principal, 'approver', 'granting a waiver');
      const w = await waive(
        deps.store,
        {
          checklist,
          environment: form.env,
          item: form.item ?? '',
          reason: form.reason ?? '',
          owner: form.owner ?? '',
          expires: form.expires ?? '',
          by: s.principal.name,
        },
        deps.now(),
      );
      return `Waived ${w.item} until ${w.expiresAt}.`;
    }),
  );

  app.post(
    '/checklists/:id/signoff',
    action('Sign-off', async (checklist, form, s) => {
      requireRole(s.principal, 'approver', 'signing off');
      const role = form.role ?? '';
      if (!maySignFor(s.principal, role)) {
        throw new HttpProblem(403, `token "${s.principal.name}" may not sign off as ${role}`);
      }
      const so = await signoff(
        deps.store,
        { checklist, environment: form.env, role, by: s.principal.name },
        deps.now(),
      );
      return `Signed off as ${so.role} for ${so.environment}.`;
    }),
  );

  app.get('/waivers', async (c) => {
    const waivers = await deps.store.listWaivers();
    return c.html(<WaiversPage ctx={pageCtx(c)} waivers={waivers} now={deps.now()} />);
  });

  app.get('/runs', async (c) => {
    const ids = deps.catalog
      .list()
      .filter((e) => e.checklist)
      .map((e) => e.id);
    const checklist = c.req.query('checklist') ?? ids[0];
    const before = Number(c.req.query('before')) || undefined;
    const limit = 50;
    const runs = checklist
      ? await deps.store.listRuns(checklist, undefined, { limit, ...(before ? { before } : {}) })
      : [];
    const oldest = runs[runs.length - 1]?.id;
    const olderHref =
      runs.length === limit && oldest !== undefined
        ? `/runs?checklist=${encodeURIComponent(checklist ?? '')}&before=${oldest}`
        : undefined;
    return c.html(
      <RunsPage
        ctx={pageCtx(c)}
        checklists={ids}
        {...(checklist ? { checklist } : {})}
        runs={runs}
        {...(olderHref ? { olderHref } : {})}
        now={deps.now()}
      />,
    );
  });

  app.get('/audit', async (c) => {
    const before = Number(c.req.query('before')) || undefined;
    const limit = 100;
    const events = await latestAudit(deps.store, { limit, ...(before ? { before } : {}) });
    const verification = c.req.query('verify') ? await deps.store.verifyAudit() : undefined;
    const oldest = events[events.length - 1]?.seq;
    const olderHref = oldest !== undefined && oldest > 1 ? `/audit?before=${oldest}` : undefined;
    return c.html(
      <AuditPage
        ctx={pageCtx(c)}
        events={events}
        {...(verification ? { verification } : {})}
        {...(olderHref ? { olderHref } : {})}
      />,
    );
  });

  registerWatchPages(app, { deps, gate, pageCtx });

  return app;
}
