import type { KindRegistry } from '../engine/check.js';
import type { RunnerBroker, RunnerDispatch } from '../engine/runners.js';
import type { Store } from '../engine/store.js';
import type { ChecklistCatalog } from './catalog.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { RunnerRegistry } from './runner-registry.js';

/** Tunables of the server; every field has a default (DEFAULT_CONFIG). */
export interface ServerConfig {
  /** Preflight runs the checks when the latest run is older than this (query `max_age` overrides). */
  preflightMaxAgeMs: number;
  /** How long a preflight answer from stored state is reused (0 disables); this server's writes clear it. */
  preflightCacheMs: number;
  /**
   * How long a rendered dashboard page is reused at most (0 disables): this server's writes and the
   * shown state's next expiry drop it sooner; relative times and other processes' writes lag at most this.
   */
  pageCacheMs: number;
  /** Requests per minute per token (or per client address when unauthenticated); 0 disables. */
  requestsPerMinute: number;
  /** Failed authentications per 10 minutes per client address before it gets 429; 0 disables. */
  authFailuresPer10Min: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Dashboard session lifetime. */
  sessionTtlMs: number;
  /** Origins allowed to post dashboard forms besides the server's own (the public URL behind a proxy). */
  origins: string[];
  /** Trust `X-Forwarded-For` / `X-Forwarded-Proto` (only behind a reverse proxy that sets them). */
  trustProxy: boolean;
}

/** Defaults: preflight max age 5m, 600 requests/min per token, 10 bad tokens per 10 min, 64 KiB bodies. */
export const DEFAULT_CONFIG: ServerConfig = {
  preflightMaxAgeMs: 5 * 60_000,
  preflightCacheMs: 1000,
  pageCacheMs: 1000,
  requestsPerMinute: 600,
  authFailuresPer10Min: 10,
  bodyLimitBytes: 64 * 1024,
  sessionTtlMs: 12 * 3_600_000,
  origins: [],
  trustProxy: false,
};

/** Everything the server needs from the outside, wired by src/app/serve.ts. */
export interface ServerDeps {
  store: Store;
  registry: KindRegistry;
  catalog: ChecklistCatalog;
  /** The clock (GONOGO_NOW when set). */
  now(): Date;
  /** Process environment, for `${NAME}` expansion and the `env` kind when checks run. */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  config?: Partial<ServerConfig>;
  metrics?: ServerMetrics;
  /** Scheduler liveness for /health/ready, once a scheduler runs in the process. */
  scheduler?: { alive(): boolean };
  /** The runner queue (PostgreSQL store only): runs send `runner:` checks to it, the runner API serves it. */
  runners?: RunnerDispatch & RunnerBroker;
  /** The runners heard from (set by createServer). */
  runnerRegistry?: RunnerRegistry;
}
