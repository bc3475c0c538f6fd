import type { Context, Hono } from 'hono';
import type { Checklist } from '../../model/checklist.js';
import { ActionError, permits, tokenActor } from '../../usecases/index.js';
import { environmentNames } from '../api.js';
import type { AppEnv } from '../env.js';
import { HttpProblem } from '../problem.js';
import { ChecklistPage, MessagePage, type WindowHistory } from './pages/index.js';
import { checklistOfPath, type DashboardDeps } from './route-deps.js';

/** The checklist page: stored verdict, items, window charts, and the forms the session may use. */
export function registerChecklistRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { deps, gate, pageCtx } = d;
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
    const stored = await gate.evaluate(checklist, environment);
    const now = deps.now();
    const history = await windowHistory(checklist, environment, now);
    const actor = tokenActor(c.get('session')!.principal);
    const can = {
      run: permits(actor, { action: 'run' }),
      attest: permits(actor, { action: 'attest' }),
      waive: permits(actor, { action: 'waive' }),
      signRoles: checklist.signoffs.filter((role) => permits(actor, { action: 'signoff', checklist, role })),
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
      const window = item.check?.window;
      if (!window) continue;
      const { holdMs, holdText: hold } = window;
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
}
