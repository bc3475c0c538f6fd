import type { Hono } from 'hono';
import { latestAudit } from '../audit-page.js';
import type { AppEnv } from '../env.js';
import { AuditPage, RunnersPage, RunsPage, WaiversPage } from './pages/index.js';
import type { DashboardDeps } from './route-deps.js';

/** The registers: waivers, run history and the audit log (with verification). */
export function registerListRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { deps, pageCtx } = d;
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

  app.get('/runners', (c) =>
    c.html(
      <RunnersPage
        ctx={pageCtx(c)}
        runners={deps.runnerRegistry?.list() ?? []}
        queue={deps.runners !== undefined}
        now={deps.now()}
      />,
    ),
  );

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
}
