import type { Hono } from 'hono';
import { environmentNames } from '../api.js';
import type { AppEnv } from '../env.js';
import { OverviewPage, type OverviewRow } from './pages/index.js';
import type { DashboardDeps } from './route-deps.js';

/** The overview: every checklist × environment with its stored verdict. */
export function registerOverviewRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { deps, gate, pageCtx } = d;
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
}
