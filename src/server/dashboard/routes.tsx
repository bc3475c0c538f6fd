import { Hono } from 'hono';
import type { Authenticator } from '../authenticator.js';
import type { ServerConfig, ServerDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { Gate } from '../gate.js';
import { registerWatchPages } from '../watch/pages.js';
import { registerActionRoutes } from './action-routes.js';
import { registerChecklistRoutes } from './checklist-routes.js';
import { registerListRoutes } from './list-routes.js';
import { registerOverviewRoutes } from './overview-routes.js';
import { PageCache } from './page-cache.js';
import { type DashboardDeps, pageContext } from './route-deps.js';
import { registerSessionRoutes } from './session-routes.js';

/**
 * Build the server-rendered dashboard (login, overview, checklist pages, waivers, runs, audit). The
 * session routes come first: they install the guards (session required, CSRF) the others rely on.
 */
export function createDashboard(deps: ServerDeps, config: ServerConfig, gate: Gate, auth: Authenticator) {
  const app = new Hono<AppEnv>();
  // Dropped at every state change the use cases announce, at the next expiry, and after pageCacheMs.
  const pages = new PageCache({ ttlMs: config.pageCacheMs, now: () => deps.now() }, gate.useCases.changes);
  const d: DashboardDeps = { deps, config, gate, auth, pageCtx: pageContext, pages };
  registerSessionRoutes(app, d);
  registerOverviewRoutes(app, d);
  registerChecklistRoutes(app, d);
  registerActionRoutes(app, d);
  registerListRoutes(app, d);
  registerWatchPages(app, { deps, gate, pageCtx: pageContext });
  return app;
}
