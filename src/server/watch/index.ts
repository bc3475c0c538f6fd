import { dirname } from 'node:path';
import type { KindRegistry } from '../../engine/check.js';
import type { Store } from '../../engine/store.js';
import type { Checklist } from '../../model/checklist.js';
import { parseDuration } from '../../model/duration.js';
import { ConfigError } from '../../model/errors.js';
import { serviceActor } from '../../usecases/index.js';
import type { ChecklistCatalog } from '../catalog.js';
import type { Gate } from '../gate.js';
import type { Logger } from '../logger.js';
import { sampleItems } from './sampler.js';
import { startWatch, type Watch, type WatchOptions } from './scheduler.js';

export { resolveTargets, signBody, slackMessage } from './notifier.js';
export { isProgram, type ProgramView, programView } from './program.js';
export { startWatch, type Watch, type WatchDeps, type WatchOptions } from './scheduler.js';

/** What the service's watch loop is built from: the server's own parts. */
export interface ServiceWatchDeps {
  store: Store;
  registry: KindRegistry;
  catalog: ChecklistCatalog;
  /** Runs and stored evaluations go through the server's Gate (one run at a time per checklist). */
  gate: Pick<Gate, 'run' | 'evaluate'>;
  now(): Date;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}

/**
 * Start the watch loop of `gonogo serve` over the server's catalog and gate.
 * @example const watch = startServiceWatch({ store, registry, catalog, gate: server.gate, now, env, logger }, watchOptionsFromEnv(process.env));
 */
export function startServiceWatch(deps: ServiceWatchDeps, options: Partial<WatchOptions> = {}): Watch {
  const checklists = (): Checklist[] =>
    deps.catalog.list().flatMap((e) => (e.checklist ? [e.checklist] : []));
  return startWatch(
    {
      store: deps.store,
      checklists,
      run: (c, env) => deps.gate.run(c, env, 'scheduler', serviceActor('scheduler')),
      evaluate: async (c, env) => (await deps.gate.evaluate(c, env)).evaluation,
      sample: (c, env, items, signal) =>
        sampleItems(
          {
            registry: deps.registry,
            store: deps.store,
            now: deps.now,
            env: deps.env,
            baseDir: (cl) => (cl.file ? dirname(cl.file) : process.cwd()),
          },
          c,
          env,
          items,
          signal,
        ),
      now: deps.now,
      env: deps.env,
      logger: deps.logger,
    },
    options,
  );
}

/**
 * Watch settings from the environment: `GONOGO_LEASE_TTL` (10s), `GONOGO_WATCH_TICK` (1s),
 * `GONOGO_NOTIFY_RETRY_DELAY` (1s, doubled per attempt), `GONOGO_NOTIFY_ATTEMPTS` (5),
 * `GONOGO_PUBLIC_URL` (dashboard links in Slack). Bad values are ConfigErrors naming the variable.
 */
export function watchOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Partial<WatchOptions> {
  const out: Partial<WatchOptions> = {};
  const ms = (name: string) => (env[name] ? parseDuration(env[name]!, name) : undefined);
  const ttl = ms('GONOGO_LEASE_TTL');
  if (ttl !== undefined) {
    if (ttl < 300)
      throw new ConfigError(
        `GONOGO_LEASE_TTL="${env.GONOGO_LEASE_TTL}" is too short; use 1s or more`,
        'GONOGO_LEASE_TTL',
      );
    out.leaseTtlMs = ttl;
  }
  const tick = ms('GONOGO_WATCH_TICK');
  if (tick !== undefined) {
    if (tick < 10)
      throw new ConfigError(
        `GONOGO_WATCH_TICK="${env.GONOGO_WATCH_TICK}" is too short; use 100ms or more`,
        'GONOGO_WATCH_TICK',
      );
    out.tickMs = tick;
  }
  const delivery: WatchOptions['delivery'] = {};
  const retry = ms('GONOGO_NOTIFY_RETRY_DELAY');
  if (retry !== undefined) delivery.baseDelayMs = retry;
  const attempts = env.GONOGO_NOTIFY_ATTEMPTS;
  if (attempts) {
    const n = Number(attempts);
    if (!Number.isInteger(n) || n < 1 || n > 20) {
      throw new ConfigError(
        `GONOGO_NOTIFY_ATTEMPTS="${attempts}" is not a whole number from 1 to 20`,
        'GONOGO_NOTIFY_ATTEMPTS',
      );
    }
    delivery.maxAttempts = n;
  }
  const publicUrl = env.GONOGO_PUBLIC_URL?.split(',')[0]?.trim();
  if (publicUrl) delivery.dashboardUrl = publicUrl;
  out.delivery = delivery;
  return out;
}
