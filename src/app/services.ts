import { relative } from 'node:path';
import type { CliServices, Io, RunnerQueuePort } from '../cli/context.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';
import { dialectFor, resolveStoreLocation } from '../store/dialects.js';
import { configFrom } from './config.js';
import { dbFlag, resolveDbUrl } from './db-url.js';
import { loadChecklistFile } from './load-checklist.js';
import { loadProject, type Project, projectBinding } from './project-file.js';

/** Build the lazy services the CLI needs. Drivers and the store load only when a command asks. */
export function createServices(argv: readonly string[], io: Io): CliServices & { dispose(): Promise<void> } {
  let registry: Promise<KindRegistry> | undefined;
  let store: Promise<Store> | undefined;
  let queue: Promise<RunnerQueuePort | undefined> | undefined;
  const config = configFrom(io.env);
  const now = () => config.now();
  // The project file is read once, on first use: a command that needs none of it never fails over it.
  let project: { value: Project | undefined } | undefined;
  const getProject = () => {
    project ??= { value: loadProject(io.cwd) };
    return project.value;
  };
  // GONOGO_CACHE / GONOGO_CACHE_DIR win over the project file's `cache`.
  const cacheDir = () => {
    const p = config.cacheFromEnv ? undefined : getProject()?.cache;
    return p === false ? undefined : (p ?? config.cacheDir);
  };
  // `--db`, then GONOGO_DB, then the project file's `db`; with a project file the default store is
  // under its directory, so every command run anywhere in the project sees the same state.
  const storeLocation = () => {
    const flag = dbFlag(argv);
    if (flag !== undefined || config.db !== undefined) return resolveDbUrl(flag, config.db, io.cwd);
    const p = getProject();
    if (p) return resolveStoreLocation(p.db ?? '.gonogo/gonogo.db', p.dir);
    return resolveDbUrl(undefined, undefined, io.cwd);
  };
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
      // `--bind` wins; else the bindings file the project file pairs with this checklist.
      const paired = opts.bind === undefined ? projectBinding(getProject(), file, io.cwd) : undefined;
      const bind =
        opts.bind === null ? undefined : (opts.bind ?? (paired && (relative(io.cwd, paired) || paired)));
      return loadChecklistFile(file, {
        ...(bind === undefined ? {} : { bind }),
        registry: await getRegistry(),
        cacheDir: cacheDir(),
      });
    },
    defaultEnv(checklist) {
      const env = getProject()?.env;
      return env !== undefined && env in checklist.environments ? env : undefined;
    },
    async readSource(file) {
      const [{ readFile }, { resolve }, { repairText }] = await Promise.all([
        import('node:fs/promises'),
        import('node:path'),
        import('../markdown/repair.js'),
      ]);
      return repairText(await readFile(resolve(io.cwd, file))).text;
    },
    async repairText(bytes) {
      const { repairText } = await import('../markdown/repair.js');
      const { text, notes } = repairText(bytes);
      return { text, notes: notes.map((n) => ({ line: n.line, message: n.message })) };
    },
    openStore(opts = {}) {
      // Every write is stamped with the process's clock (GONOGO_NOW): a bad value is refused before the
      // store is touched, and events the store stamps itself agree with the run's.
      config.now();
      store ??= import('../store/index.js').then((m) =>
        m.openStore(storeLocation(), { existing: opts.existing === true, now }),
      );
      return store;
    },
    runnerQueue(opts = {}) {
      queue ??= (async () => {
        const location = storeLocation();
        const dialect = dialectFor(location);
        if (dialect.name !== 'postgres') return undefined;
        const { openRunnerQueue } = await import('../store/runner-queue.js');
        return openRunnerQueue(dialect.resolve(location, io.cwd), { supervise: opts.supervise === true });
      })();
      return queue;
    },
    async serve(opts) {
      const { serve } = await import('./serve.js');
      await serve(opts, {
        io,
        project: getProject,
        cacheDir,
        openStore: this.openStore,
        runnerQueue: () => this.runnerQueue({ supervise: true }),
        registry: getRegistry,
        now,
        config,
      });
    },
    async dispose() {
      if (queue) await (await queue.catch(() => undefined))?.close();
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
}
