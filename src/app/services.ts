import { relative } from 'node:path';
import type { CliServices, Io, RunnerQueuePort } from '../cli/context.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';
import { configFrom } from './config.js';
import { findProjectFile, type Project, projectBinding } from './project-locate.js';

/** The CLI's services, and how to release what they opened (the store) once the command is done. */
export type AppServices = CliServices & { dispose(): Promise<void> };

/**
 * Build the lazy services the CLI needs. Nothing loads until a command asks: the checklist loader, the
 * project file's parser (only when there is a project file), the kinds, the store and its driver.
 */
export function createServices(argv: readonly string[], io: Io): AppServices {
  let registry: Promise<KindRegistry> | undefined;
  let store: Promise<Store> | undefined;
  let queue: Promise<RunnerQueuePort | undefined> | undefined;
  const config = configFrom(io.env);
  const now = () => config.now();
  // The project file is read once, on first use: a command that needs none of it never fails over it.
  // Its parser (YAML, a schema) loads only when there is one.
  let project: Promise<Project | undefined> | undefined;
  const getProject = () => {
    project ??= findProjectFile(io.cwd)
      ? import('./project-file.js').then((m) => m.loadProject(io.cwd))
      : Promise.resolve(undefined);
    return project;
  };
  // GONOGO_CACHE / GONOGO_CACHE_DIR win over the project file's `cache`.
  const cacheDir = async () => {
    const p = config.cacheFromEnv ? undefined : (await getProject())?.cache;
    return p === false ? undefined : (p ?? config.cacheDir);
  };
  // `--db`, then GONOGO_DB, then the project file's `db`; with a project file the default store is
  // under its directory, so every command run anywhere in the project sees the same state.
  // The store's modules (its dialects among them) load only for the commands that use the store.
  const storeLocation = async () => {
    const [{ dbFlag, resolveDbUrl }, { resolveStoreLocation }] = await Promise.all([
      import('./db-url.js'),
      import('../store/dialects.js'),
    ]);
    const flag = dbFlag(argv);
    if (flag !== undefined || config.db !== undefined) return resolveDbUrl(flag, config.db, io.cwd);
    const p = await getProject();
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
      const paired = opts.bind === undefined ? projectBinding(await getProject(), file, io.cwd) : undefined;
      const bind =
        opts.bind === null ? undefined : (opts.bind ?? (paired && (relative(io.cwd, paired) || paired)));
      const [{ loadChecklistFile }, kinds, dir] = await Promise.all([
        import('./load-checklist.js'),
        getRegistry(),
        cacheDir(),
      ]);
      return loadChecklistFile(file, {
        ...(bind === undefined ? {} : { bind }),
        registry: kinds,
        cacheDir: dir,
        ...(opts.positions === false ? { positions: false } : {}),
      });
    },
    async defaultEnv(checklist) {
      const env = (await getProject())?.env;
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
      store ??= Promise.all([storeLocation(), import('../store/index.js')]).then(([location, m]) =>
        m.openStore(location, {
          existing: opts.existing === true,
          now,
          ...(opts.pageCacheKiB !== undefined ? { pageCacheKiB: opts.pageCacheKiB } : {}),
        }),
      );
      return store;
    },
    runnerQueue(opts = {}) {
      queue ??= (async () => {
        const [location, { dialectFor }] = await Promise.all([
          storeLocation(),
          import('../store/dialects.js'),
        ]);
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
