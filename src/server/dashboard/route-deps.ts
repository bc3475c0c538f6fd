import type { Context } from 'hono';
import type { Checklist } from '../../model/checklist.js';
import type { Authenticator } from '../authenticator.js';
import type { ServerConfig, ServerDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { Gate } from '../gate.js';
import { HttpProblem } from '../problem.js';
import { pageNonce } from '../security-headers.js';
import type { PageContext } from './components.js';
import type { PageCache } from './page-cache.js';

/** What the dashboard's route modules share. */
export interface DashboardDeps {
  deps: ServerDeps;
  config: ServerConfig;
  gate: Gate;
  auth: Authenticator;
  pageCtx(c: Context<AppEnv>): PageContext;
  /** The short render cache of the pages (see page-cache.ts). */
  pages: PageCache;
}

/** The page context of a request: its nonce, its session, and the session's flash (shown once). */
export function pageContext(c: Context<AppEnv>): PageContext {
  const session = c.get('session');
  const flash = session?.flash;
  if (session) session.flash = undefined;
  return {
    nonce: pageNonce(c),
    ...(session ? { session } : {}),
    ...(flash ? { flash } : {}),
  };
}

/** The checklist named by the `:id` path parameter, or the problem to show instead. */
export function checklistOfPath(gate: Gate, c: Context<AppEnv>): Checklist | HttpProblem {
  try {
    return gate.checklist(c.req.param('id') ?? '').checklist;
  } catch (err) {
    // A 503 (checklists still loading) goes to the error handler, which sends its Retry-After.
    if (err instanceof HttpProblem && err.status < 500) return err;
    throw err;
  }
}
