import type { CliServices, Io } from '../cli/context.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';
import { configFrom } from './config.js';
import { dbFlag, resolveDbUrl } from './db-url.js';
import { loadChecklistFile } from './load-checklist.js';

/** Build the lazy services the CLI needs. Drivers and the store load only when a command asks. */
export function createServices(argv: readonly string[], io: Io): CliServices & { dispose(): Promise<void> } {
  let registry: Promise<KindRegistry> | undefined;
  let store: Promise<Store> | undefined;
  const config = configFrom(io.env);
  const now = () => config.now();
  // Lazy: a kind's module is imported when a checklist uses it (see KindRegistry.load).
  const getRegistry = () => {
    registry ??= import('../checks/registry.js').then((m) => m.loadRegistry({ lazy: true }));
    return registry;
  };
  return {
    config,
    now,
    registry: getRegistry,
    async loadChecklist(file, opts = {}) {
      return loadChecklistFile(file, { ...opts, registry: await getRegistry(), cacheDir: config.cacheDir });
    },
    async readSource(file) {
      const [{ readFile }, { resolve }, { repairText }] = await Promise.all([
        import('node:fs/promises'),
        import('node:path'),
        import('../markdown/repair.js'),
      ]);
      return repairText(await readFile(resolve(io.cwd, file))).text;
    },
    openStore(opts = {}) {
      // Every write is stamped with the process's clock (GONOGO_NOW): a bad value is refused before the
      // store is touched, and events the store stamps itself agree with the run's.
      config.now();
      store ??= import('../store/index.js').then((m) =>
        m.openStore(resolveDbUrl(dbFlag(argv), config.db, io.cwd), { existing: opts.existing === true, now }),
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
        config,
      });
    },
    async dispose() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
}
