import { readFile } from 'node:fs/promises';
import type { CliServices, Io } from '../cli/context.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';
import { validateChecks } from '../engine/validate.js';
import { readChecklist } from '../markdown/index.js';
import { ConfigError, ValidationErrors } from '../model/errors.js';
import { clockFrom } from './clock.js';
import { dbFlag, resolveDbUrl } from './db-url.js';

/** Build the lazy services the CLI needs. Drivers and the store load only when a command asks. */
export function createServices(argv: readonly string[], io: Io): CliServices & { dispose(): Promise<void> } {
  let registry: Promise<KindRegistry> | undefined;
  let store: Promise<Store> | undefined;
  const getRegistry = () => {
    registry ??= import('../checks/registry.js').then((m) => m.loadRegistry());
    return registry;
  };
  return {
    now: () => clockFrom(io.env)(),
    registry: getRegistry,
    async loadChecklist(file, opts = {}) {
      const bytes = await readInput(file, 'checklist');
      const bind = opts.bind
        ? { text: (await readInput(opts.bind, 'bindings')).toString('utf8'), file: opts.bind }
        : undefined;
      const reg = await getRegistry();
      const checklist = readChecklist({ bytes, file, kinds: new Set(reg.names()), bindings: bind });
      const errors = validateChecks(checklist, reg);
      if (errors.length > 0) throw new ValidationErrors(errors);
      return checklist;
    },
    openStore() {
      store ??= import('../store/index.js').then((m) =>
        m.openStore(resolveDbUrl(dbFlag(argv), io.env, io.cwd)),
      );
      return store;
    },
    async serve(opts) {
      const { serve } = await import('./serve.js');
      await serve(opts, {
        io,
        openStore: this.openStore,
        registry: getRegistry,
        now: () => clockFrom(io.env)(),
      });
    },
    async dispose() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new ConfigError(`cannot read ${what} ${file}: ${why}`);
  }
}
