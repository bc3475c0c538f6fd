import type { CliServices, Io } from '../cli/context.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';
import { processClock } from './clock.js';
import { dbFlag, resolveDbUrl } from './db-url.js';
import { loadChecklistFile } from './load-checklist.js';

/** Build the lazy services the CLI needs. Drivers and the store load only when a command asks. */
export function createServices(argv: readonly string[], io: Io): CliServices & { dispose(): Promise<void> } {
  let registry: Promise<KindRegistry> | undefined;
  let store: Promise<Store> | undefined;
  const now = processClock(io.env);
  // Lazy: a kind's module is imported when a checklist uses it (see KindRegistry.load).
  const getRegistry = () => {
    registry ??= import('../checks/registry.js').then((m) => m.loadRegistry({ lazy: true }));
    return registry;
  };
  return {
    now,
    registry: getRegistry,
    async loadChecklist(file, opts = {}) {
      return loadChecklistFile(file, { ...opts, registry: await getRegistry(), env: io.env });
    },
    openStore(opts = {}) {
      // The process's clock, so events the store stamps itself agree with the run's (GONOGO_NOW).
      store ??= import('../store/index.js').then((m) =>
        m.openStore(resolveDbUrl(dbFlag(argv), io.env, io.cwd), { existing: opts.existing === true, now }),
      );
      return store;
    },
    async serve(opts) {
      const { serve } = await import('./serve.js');
      await serve(opts, {
        io,
        openStore: this.openStore,
        registry: getRegistry,
        now,
      });
    },
    async dispose() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
}
