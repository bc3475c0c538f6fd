import { dirname } from 'node:path';
import type { KindRegistry } from '../../engine/check.js';
import type { RunnerDispatch } from '../../engine/runners.js';
import type { Store } from '../../engine/store.js';
import type { Checklist } from '../../model/checklist.js';
import { serviceActor } from '../../usecases/index.js';
import type { ChecklistCatalog } from '../catalog.js';
import type { Gate } from '../gate.js';
import type { Logger } from '../logger.js';
import type { WatchObserver } from './observer.js';
import { sampleItems } from './sampler.js';
import { startWatch, type Watch, type WatchOptions } from './scheduler.js';

export { resolveTargets, signBody, slackMessage } from './notifier.js';
export type { WatchObserver } from './observer.js';
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
  /** Hooks for the service's metrics. */
  observer?: WatchObserver;
  /** Where `runner:` checks go (samples as runs). */
  runners?: RunnerDispatch;
}

/**
 * Start the watch loop of `gonogo serve` over the server's catalog and gate.
 * @example const watch = startServiceWatch({ store, registry, catalog, gate: server.gate, now, env, logger }, config.watch);
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
            ...(deps.runners ? { runners: deps.runners } : {}),
          },
          c,
          env,
          items,
          signal,
        ),
      now: deps.now,
      env: deps.env,
      logger: deps.logger,
      ...(deps.observer ? { observer: deps.observer } : {}),
    },
    options,
  );
}
