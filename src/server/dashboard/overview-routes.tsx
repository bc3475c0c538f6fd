import type { Hono } from 'hono';
import { environmentNames } from '../api.js';
import type { AppEnv } from '../env.js';
import { slotSession, viewerKey } from './page-cache.js';
import { OverviewPage, type OverviewRow } from './pages/index.js';
import type { DashboardDeps } from './route-deps.js';

/** The overview: every checklist × environment with its stored verdict. */
export function registerOverviewRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { deps, gate, pageCtx, pages } = d;
  app.get('/', async (c) => {
    const entries = deps.catalog.list();
    const ctx = pageCtx(c);
    const session = c.get('session')!;
    const key = JSON.stringify(['overview', viewerKey(session)]);
    // Kept while the catalog holds the same entries (a reload replaces them).
    return pages.respond(c, { key, of: entries, keep: !ctx.flash }, async (slots) => {
      const rows: OverviewRow[] = [];
      const now = deps.now();
      let changesAt = Number.POSITIVE_INFINITY;
      for (const entry of entries) {
        if (!entry.checklist) {
          rows.push({ id: entry.id, file: entry.file, error: entry.error ?? 'did not load', cells: [] });
          continue;
        }
        const cl = entry.checklist;
        const cells = await Promise.all(
          environmentNames(cl).map(async (environment) => {
            const stored = await gate.evaluate(cl, environment);
            changesAt = Math.min(changesAt, stored.until);
            return {
              environment,
              evaluation: stored.evaluation,
              ...(stored.latest ? { latest: stored.latest } : {}),
            };
          }),
        );
        rows.push({ id: entry.id, file: entry.file, name: cl.name, cells });
      }
      const page = (
        <OverviewPage
          ctx={{ ...ctx, nonce: slots.nonce, session: slotSession(session, slots) }}
          rows={rows}
          now={now}
        />
      );
      return { html: page, changesAt };
    });
  });
}
