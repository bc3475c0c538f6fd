import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve as listen } from '@hono/node-server';
import type { Io, RunnerQueuePort, ServeOptions } from '../cli/context.js';
import { onStopSignal } from '../cli/stop-signals.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';
import { repairText } from '../markdown/repair.js';
import type { Checklist } from '../model/checklist.js';
import { ConfigError } from '../model/errors.js';
import {
  createMetrics,
  createServer,
  type GonogoServer,
  jsonLogger,
  type Logger,
  openCatalog,
  type ServerConfig,
  type ServerMetrics,
} from '../server/index.js';
import { startServiceWatch, type Watch } from '../server/watch/index.js';
import { suggest } from '../suggest/index.js';
import { recordDigest, serviceActor } from '../usecases/index.js';
import { type Config, configFrom } from './config.js';
import { loadChecklistFile } from './load-checklist.js';
import type { Project } from './project-file.js';

/** What `serve` needs from the composition root (src/app/services.ts). */
export interface ServeDeps {
  io: Io;
  openStore(): Promise<Store>;
  /** The runner queue on the store's database; undefined (or absent) on SQLite. */
  runnerQueue?(): Promise<RunnerQueuePort | undefined>;
  registry(): Promise<KindRegistry>;
  now(): Date;
  /** GONOGO_* settings; read from `io.env` when not given (tests). */
  config?: Config;
  /** The project file above the working directory, if any (its checklists are served without --checklists). */
  project?: () => Project | undefined | Promise<Project | undefined>;
  /** The parse cache directory (GONOGO_CACHE*, else the project file's `cache`); `config.cacheDir` when not given. */
  cacheDir?: () => string | undefined | Promise<string | undefined>;
}

/**
 * Checklists longer than this are read in a worker by the server (a shorter one parses in a few ms). The
 * limits of checkLimits keep what a worker is given bounded; the event loop is never held by a parse.
 */
const SERVER_WORKER_CHARS = 32 * 1024;

/** What `serve` serves: `--checklists DIR`, else the project file's checklists, else the current directory. */
export async function servedChecklists(
  opts: Pick<ServeOptions, 'checklists'>,
  deps: Pick<ServeDeps, 'io' | 'project'>,
): Promise<{ dir: string; checklists?: Project['checklists']; shown: string }> {
  if (opts.checklists !== undefined) return { dir: opts.checklists, shown: opts.checklists };
  const project = await deps.project?.();
  if (project) return { dir: project.dir, checklists: project.checklists, shown: project.path };
  return { dir: deps.io.cwd, shown: deps.io.cwd };
}

/** A started server: its URL, and `close()` for a graceful stop (stop accepting, finish in-flight, close store). */
export interface RunningServer {
  url: string;
  port: number;
  server: GonogoServer;
  /** Settles when the first load of the checklists has ended (until then they answer 503). */
  loaded: Promise<void>;
  close(): Promise<void>;
}

/**
 * Open the store, listen, and load the checklists directory. Port 0 picks a free port (tests). The
 * server answers from the moment it listens; the promise settles once the first load has ended too,
 * unless `background` is set (`gonogo serve` sets it: `loaded` then tells when).
 * @example const s = await startServer({ checklists: dir, host: '127.0.0.1', port: 0 }, deps); await s.close();
 */
export async function startServer(
  opts: ServeOptions & { config?: Partial<ServerConfig>; logger?: Logger; background?: boolean },
  deps: ServeDeps,
): Promise<RunningServer> {
  // The request log is written once per turn of the event loop, and whatever is left on exit.
  const ownLogger = opts.logger ? undefined : jsonLogger(deps.io.stderr, undefined, { buffered: true });
  const logger = opts.logger ?? ownLogger!;
  const flushLog = () => ownLogger?.flush();
  // Bad settings are refused before anything is opened or bound.
  const config = deps.config ?? configFrom(deps.io.env);
  const serverConfig = { ...config.server, ...opts.config };
  const watchOptions = config.watch;
  const cacheDir = deps.cacheDir ? await deps.cacheDir() : config.cacheDir;
  const served = await servedChecklists(opts, deps);
  const [store, registry] = await Promise.all([deps.openStore(), deps.registry()]);
  const runners = await deps.runnerQueue?.();
  // The service runs whatever checklists its folder holds: every kind is made ready up front.
  await registry.load?.(registry.names());
  const metrics = createMetrics({ store, now: deps.now });
  store.observe?.(metrics.store);
  // The server listens at once; its checklists load meanwhile (/health/ready and the routes that need
  // them answer 503 until the first load ends).
  const catalog = openCatalog({
    dir: served.dir,
    ...(served.checklists ? { checklists: served.checklists } : {}),
    // Above a few KB a checklist is read in a worker: requests keep being answered while it loads.
    load: (file, bind) =>
      loadChecklistFile(file, {
        ...(bind ? { bind } : {}),
        registry,
        cacheDir,
        onCache: metrics.parseCache,
        workerChars: SERVER_WORKER_CHARS,
      }),
    automatableUnbound: (file, checklist) => automatableUnbound(file, checklist, logger),
    onLoaded: (c) => recordDigest({ store, now: deps.now }, serviceActor('server'), c),
    logger,
  });
  const server = createServer({
    store,
    registry,
    catalog,
    now: deps.now,
    env: deps.io.env,
    logger,
    config: serverConfig,
    metrics,
    scheduler: { alive: () => watch?.alive() ?? false },
    ...(runners ? { runners } : {}),
  });
  const verifier = verifyPeriodically(store, metrics, logger);
  let watch: Watch | undefined;
  const http = await new Promise<ReturnType<typeof listen>>((resolve, reject) => {
    const s = listen({ fetch: server.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          err.code === 'EADDRINUSE'
            ? `port ${opts.port} on ${opts.host} is in use; pick another with --port`
            : `cannot listen on ${opts.host}:${opts.port}: ${err.message}`,
          'port',
        ),
      ),
    );
  });
  const port = (http.address() as AddressInfo).port;
  // Every replica runs the loop; only the lease holder schedules, samples and notifies.
  watch = startServiceWatch(
    {
      store,
      registry,
      catalog,
      gate: server.gate,
      now: deps.now,
      env: deps.io.env,
      logger,
      observer: metrics.watch,
      ...(runners ? { runners } : {}),
    },
    watchOptions,
  );
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  if (!opts.background) await catalog.loaded;
  let closing: Promise<void> | undefined;
  process.on('exit', flushLog);
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    loaded: catalog.loaded,
    close() {
      closing ??= (async () => {
        catalog.close();
        clearInterval(verifier);
        // Stop accepting first, then let in-flight requests and the watch loop's work finish; idle
        // keep-alive sockets are dropped now rather than after their timeout.
        const stopped = new Promise<void>((r) => http.close(() => r()));
        if ('closeIdleConnections' in http) http.closeIdleConnections();
        await watch?.stop();
        await stopped;
        await runners?.close();
        await store.close();
        flushLog();
        process.off('exit', flushLog);
      })();
      return closing;
    },
  };
}

/**
 * Items of a loaded checklist that a `gonogo suggest` rule recognises and that have no check, as
 * `gonogo lint` counts them (from the repaired source, where item lines keep their backticks). A file
 * that cannot be read again only loses the count, never the checklist.
 */
async function automatableUnbound(
  file: string,
  checklist: Checklist,
  logger: Logger,
): Promise<number | undefined> {
  try {
    return suggest(checklist, repairText(await readFile(file)).text).suggestions.length;
  } catch (err) {
    logger.warn('cannot count automatable items', { checklist: checklist.id, error: (err as Error).message });
    return undefined;
  }
}

/** How often the service re-verifies the audit chain for `gonogo_audit_verify_ok`. */
const VERIFY_EVERY_MS = 3_600_000;

/**
 * Verify the audit chain now and every hour, so an edited or deleted event shows in the metrics (and
 * alerts) without anyone calling /api/v1/audit/verify.
 */
function verifyPeriodically(store: Store, metrics: ServerMetrics, logger: Logger): NodeJS.Timeout {
  const verify = () => {
    store.verifyAudit().then(
      (v) => {
        metrics.auditVerified(v);
        if (!v.ok) logger.error('audit chain broken', { firstBad: v.firstBad });
      },
      (err: unknown) => logger.warn('audit verification failed', { error: (err as Error).message }),
    );
  };
  verify();
  return setInterval(verify, VERIFY_EVERY_MS).unref();
}

/** `gonogo serve`: start, print the URL, run until SIGTERM or SIGINT, then stop gracefully. */
export async function serve(opts: ServeOptions, deps: ServeDeps): Promise<void> {
  // The URL is printed once it listens; checklists load meanwhile (/health/ready says when they are in).
  const running = await startServer({ ...opts, background: true }, deps);
  const { shown } = await servedChecklists(opts, deps);
  let off = () => {};
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    // Counted once however many ways it arrives (cli/stop-signals.ts: the launcher forwards it too).
    off = onStopSignal((signal) => {
      // A second signal while draining exits at once.
      if (stopping) process.exit(1);
      stopping = true;
      deps.io.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'shutting down', signal })}\n`,
      );
      running.close().then(resolve, resolve);
    });
  });
  // Printed once a stop signal stops it gracefully: whoever waits for this line may signal at once (before,
  // a signal sent on reading it could arrive before the listener and kill the process outright).
  deps.io.stdout.write(
    `gonogo serving ${shown} on ${running.url} (dashboard ${running.url}/, API ${running.url}/api/v1)\n`,
  );
  await stopped;
  off();
}
