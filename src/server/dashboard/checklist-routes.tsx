import type { Context, Hono } from 'hono';
import type { RunRecord } from '../../engine/store.js';
import type { Checklist } from '../../model/checklist.js';
import { ActionError, permits, tokenActor } from '../../usecases/index.js';
import { environmentNames } from '../api.js';
import type { CatalogEntry } from '../catalog.js';
import type { AppEnv } from '../env.js';
import { HttpProblem } from '../problem.js';
import { findRun } from '../run-lookup.js';
import { checklistLang } from './lang.js';
import { slotSession, viewerKey } from './page-cache.js';
import { readFilters } from './pages/checklist-parts.js';
import { ChecklistPage, MessagePage, RunPage, type WindowHistory } from './pages/index.js';
import { checklistOfPath, type DashboardDeps } from './route-deps.js';

/** The page's "automatable but unbound" line: the count and the file `gonogo suggest` takes. */
function automatableOf(entry: CatalogEntry | undefined): { automatable?: { count: number; file: string } } {
  const count = entry?.automatableUnbound;
  return entry && count ? { automatable: { count, file: entry.file } } : {};
}

/** The checklist page: stored verdict, items, window charts, and the forms the session may use. */
export function registerChecklistRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { deps, gate, pageCtx, pages } = d;
  const loadPage = (c: Context<AppEnv>) => checklistOfPath(gate, c);

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
    const session = c.get('session')!;
    const filters = readFilters((name) => c.req.query(name));
    const entry = deps.catalog.get(checklist.id);
    // Kept per checklist, environment, filters and viewer (whose token decides the forms shown); a
    // flash (one-time message) is this request's.
    const key = JSON.stringify(['checklist', checklist.id, environment, filters, viewerKey(session)]);
    const ctx = pageCtx(c);
    return pages.respond(c, { key, of: [checklist, entry], keep: !ctx.flash }, async (slots) => {
      const actor = tokenActor(session.principal);
      const can = {
        run: permits(actor, { action: 'run' }),
        attest: permits(actor, { action: 'attest' }),
        waive: permits(actor, { action: 'waive' }),
        signRoles: checklist.signoffs.filter((role) =>
          permits(actor, { action: 'signoff', checklist, role }),
        ),
      };
      const now = deps.now();
      const stored = await gate.evaluate(checklist, environment);
      const history = await windowHistory(checklist, environment, now);
      return {
        changesAt: stored.until,
        html: (
          <ChecklistPage
            ctx={{ ...ctx, nonce: slots.nonce, session: slotSession(session, slots) }}
            checklist={checklist}
            environment={environment}
            environments={environmentNames(checklist)}
            evaluation={stored.evaluation}
            {...(stored.latest ? { latest: stored.latest } : {})}
            tampered={stored.tampered}
            history={history}
            can={can}
            now={now}
            lang={checklistLang(checklist)}
            filters={filters}
            {...automatableOf(entry)}
          />
        ),
      };
    });
  });

  app.get('/checklists/:id/runs/:n', async (c) => {
    const found = loadPage(c);
    if (found instanceof HttpProblem) {
      return c.html(
        <MessagePage ctx={pageCtx(c)} title="Checklist not available" text={found.detail} />,
        found.status,
      );
    }
    let run: RunRecord;
    try {
      run = await findRun(deps.store, found.id, Number(c.req.param('n')));
    } catch (err) {
      if (!(err instanceof HttpProblem)) throw err;
      return c.html(<MessagePage ctx={pageCtx(c)} title="Run not found" text={err.detail} />, 404);
    }
    return c.html(
      <RunPage ctx={pageCtx(c)} checklist={found} run={run} lang={checklistLang(found)} now={deps.now()} />,
    );
  });

  async function windowHistory(checklist: Checklist, environment: string, now: Date) {
    const since = new Map<string, string>();
    for (const item of checklist.items) {
      const window = item.check?.window;
      if (window) since.set(item.id, new Date(now.getTime() - window.holdMs).toISOString());
    }
    const samples = await deps.store.listWindowSamples(checklist.id, environment, since);
    const out = new Map<string, WindowHistory>();
    for (const item of checklist.items) {
      const window = item.check?.window;
      if (!window) continue;
      const { holdMs, holdText: hold, everyMs } = window;
      const from = now.getTime() - holdMs;
      out.set(item.id, { samples: samples.get(item.id) ?? [], from, to: now.getTime(), hold, everyMs });
    }
    return out;
  }
}
