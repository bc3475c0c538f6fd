import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { matchedRoutes } from 'hono/route';
import { ActionError, StateSignal } from '../usecases/index.js';
import { createApi } from './api.js';
import { Authenticator } from './authenticator.js';
import { registerBadgeRoutes } from './badge/badge-routes.js';
import { type ChecklistCatalog, loadingDetail } from './catalog.js';
import { renderWithoutAsyncContext } from './dashboard/jsx-async-context.js';
import { MessagePage } from './dashboard/pages/index.js';
import { createDashboard } from './dashboard/routes.js';
import { DEFAULT_CONFIG, type ServerConfig, type ServerDeps } from './deps.js';
import { type AppEnv, clientAddress, requestIdOf } from './env.js';
import { Gate } from './gate.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { HttpProblem, problemResponse, storeProblem } from './problem.js';
import { RunnerRegistry } from './runner-registry.js';
import { finishEveryResponseHeader, pageNonce, presetEveryResponseHeader } from './security-headers.js';

/** The server application: fetch handler plus what the composition root and tests need to reach. */
export interface GonogoServer {
  app: Hono<AppEnv>;
  fetch: Hono<AppEnv>['fetch'];
  gate: Gate;
  metrics: ServerMetrics;
  config: ServerConfig;
  /** Report a scheduler's liveness in /health/ready (the watch loop starts after the server: it runs through `gate`). */
  attachScheduler(scheduler: { alive(): boolean }): void;
}

const isApi = (path: string) => path.startsWith('/api/');

/**
 * Build the HTTP application (API, dashboard, health, metrics) over its dependencies. Start it with
 * @hono/node-server's `serve({ fetch: server.fetch, port: 0 })`.
 * @example const server = createServer({ store, registry, catalog, now: () => new Date(), env: process.env, logger });
 */
export function createServer(deps: ServerDeps): GonogoServer {
  // Before any page renders: hono/jsx would switch on async hooks for every promise of the process.
  renderWithoutAsyncContext();
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...deps.config };
  const metrics = deps.metrics ?? createMetrics({ store: deps.store, now: deps.now });
  const loading = () => deps.catalog.loading?.();
  // Routes see the catalog through this guard: until the first load ends they answer 503, never a 404
  // for a checklist that is simply not read yet.
  deps = {
    ...deps,
    metrics,
    catalog: untilLoaded(deps.catalog),
    runnerRegistry: new RunnerRegistry(() => deps.now(), metrics.registry),
  };
  // One signal for the server: the preflight cache and the token cache both listen to the use cases.
  const changes = new StateSignal();
  const gate = new Gate(deps, metrics, config.preflightCacheMs, changes);
  const auth = new Authenticator(deps.store, config, deps.logger, () => deps.now(), changes);
  const app = new Hono<AppEnv>();
  let scheduler = deps.scheduler;

  // Only requests that may carry a body are limited: asking a GET for its body builds a whole Web
  // Request for nothing (GET and HEAD bodies are never read).
  const limitBody = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: () => {
      // The rest of the body is never read, so the connection cannot be reused.
      throw new HttpProblem(413, `request body is larger than ${config.bodyLimitBytes} bytes`, undefined, {
        Connection: 'close',
      });
    },
  });

  // The request's id, the headers of every response, the rate limit and body limit, then its metrics
  // and log line, in one layer (each layer is a promise more per request). Nothing here throws before
  // `next()`; a refusal of the limits is answered by the error handler, as Hono answers an error of a
  // layer of its own, and the rest of this layer runs for it as for any answer.
  app.use('*', async (c, next) => {
    const id = requestIdOf(c);
    c.set('requestId', id);
    c.set('clientIp', clientAddress(c, config.trustProxy));
    // Cache-Control, the security headers and X-Request-Id (see security-headers.ts).
    const finishHeaders = presetEveryResponseHeader(c, id);
    const started = performance.now();
    // Every route is limited: a request counts against its address until it proves a token or session.
    let release: (() => void) | undefined;
    try {
      release = auth.admit(c.get('clientIp'));
      await (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next));
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      c.error = err;
      c.res = await answerError(err, c);
    } finally {
      if (release && c.get('principal')) release();
    }
    if (finishHeaders) finishEveryResponseHeader(c, id);
    const seconds = (performance.now() - started) / 1000;
    // The route pattern (not the raw path) keeps the label set small; middleware patterns end in '*'.
    const route = matchedRoutes(c).findLast((r) => !r.path.endsWith('*'))?.path ?? 'unmatched';
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    // The path only: query strings are the caller's, and tokens travel in headers we never log.
    deps.logger.info('request', {
      id,
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
      ip: c.get('clientIp'),
      ...(c.get('principal') ? { token: c.get('principal')!.name } : {}),
    });
  });

  const answerError = (err: Error, c: Context<AppEnv>): Response | Promise<Response> => {
    let problem: HttpProblem;
    const fromStore = storeProblem(err);
    if (err instanceof HttpProblem) problem = err;
    else if (fromStore) {
      if (fromStore.status === 503)
        deps.logger.warn('store unavailable', { id: c.get('requestId'), error: err.message });
      problem = fromStore;
    } else if (err instanceof ActionError) problem = new HttpProblem(err.status, err.message, err.field);
    else if (err instanceof HTTPException && err.status < 500)
      problem = new HttpProblem(err.status as 400, err.message);
    else {
      deps.logger.error('request failed', {
        id: c.get('requestId'),
        path: c.req.path,
        error: err instanceof Error ? err.message : String(err),
      });
      problem = new HttpProblem(
        500,
        `internal error; the server log has details under request id ${c.get('requestId')}`,
      );
    }
    if (isApi(c.req.path) || !c.req.header('accept')?.includes('text/html'))
      return problemResponse(c, problem);
    for (const [k, v] of Object.entries(problem.headers)) c.header(k, v);
    return c.html(
      <MessagePage ctx={{ nonce: pageNonce(c) }} title={problem.toProblem().title} text={problem.detail} />,
      problem.status,
    );
  };
  app.onError(answerError);

  app.notFound((c) => {
    const p = new HttpProblem(
      404,
      `no route ${c.req.method} ${c.req.path}; the API is under /api/v1 (see /api/v1/openapi.json)`,
    );
    if (isApi(c.req.path)) return problemResponse(c, p);
    return c.html(<MessagePage ctx={{ nonce: pageNonce(c) }} title="Not found" text={p.detail} />, 404);
  });

  app.get('/health/live', (c) => c.json({ status: 'ok' }));

  app.get('/health/ready', async (c) => {
    const store = await Promise.race([
      deps.store.ping().catch(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
    ]);
    const ticking = scheduler ? scheduler.alive() : undefined;
    const progress = loading();
    const ok = store && ticking !== false && !progress;
    const checks = {
      store: store ? 'ok' : 'unreachable',
      ...(ticking !== undefined ? { scheduler: ticking ? 'ok' : 'stopped' } : {}),
      checklists: progress ? 'loading' : 'ok',
    };
    const detail = progress ? { detail: loadingDetail(progress) } : {};
    if (progress) c.header('Retry-After', '1');
    return c.json({ status: ok ? 'ok' : 'unavailable', checks, ...detail }, ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const { body, contentType } = await metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType });
  });

  app.route('/api/v1', createApi(deps, config, gate, auth));
  app.all('/api/*', (c) =>
    problemResponse(
      c,
      new HttpProblem(404, `no route ${c.req.method} ${c.req.path}; see /api/v1/openapi.json`),
    ),
  );
  registerBadgeRoutes(app, gate, auth);
  app.route('/', createDashboard(deps, config, gate, auth));

  return {
    app,
    fetch: app.fetch,
    gate,
    metrics,
    config,
    attachScheduler(s) {
      scheduler = s;
    },
  };
}

/** The catalog as routes see it: reading it during the first load is a 503 with `Retry-After`. */
function untilLoaded(catalog: ChecklistCatalog): ChecklistCatalog {
  const ready = () => {
    const progress = catalog.loading?.();
    if (progress) throw new HttpProblem(503, loadingDetail(progress), undefined, { 'Retry-After': '1' });
  };
  return {
    list: () => {
      ready();
      return catalog.list();
    },
    get: (id) => {
      ready();
      return catalog.get(id);
    },
    loading: () => catalog.loading?.(),
  };
}
