import type { CheckDefinition, KindRegistry } from '../engine/check.js';
import { type KindModule, kinds } from './kinds.js';

/** Which kinds and how; tests pass an index of their own. */
export interface RegistryOptions {
  /** Kind name -> lazy import of its module (default: the kinds of kinds.ts). */
  index?: Readonly<Record<string, KindModule>>;
  /**
   * List the kinds without importing them: each kind's module is imported by `load([...])`, so a run of
   * http checks does not load the drivers' wrappers, schemas and helpers of eleven other kinds.
   */
  lazy?: boolean;
}

/**
 * The kinds of the index (kinds.ts), imported all or, with `lazy`, only those passed to `load`; throws an
 * error naming the kind when a module does not default-export a definition whose `kind` is its name.
 * @example const registry = await loadRegistry(); registry.get('http')?.summary
 */
export async function loadRegistry(opts: RegistryOptions = {}): Promise<KindRegistry> {
  const index: Readonly<Record<string, KindModule>> = opts.index ?? kinds;
  const names = Object.keys(index).sort();
  const loaded = new Map<string, CheckDefinition<unknown, unknown>>();
  const loading = new Map<string, Promise<void>>();
  const importKind = (name: string): Promise<void> => {
    let pending = loading.get(name);
    if (!pending) {
      pending = importDefinition(index[name]!, name).then((def) => {
        loaded.set(name, def);
      });
      loading.set(name, pending);
    }
    return pending;
  };
  const known = (kind: string) => Object.hasOwn(index, kind);
  const registry: KindRegistry = {
    get(kind) {
      const def = loaded.get(kind);
      if (def || !known(kind)) return def;
      throw new Error(`check kind "${kind}" is not loaded; call registry.load() with it first`);
    },
    names: () => [...names],
    async load(wanted) {
      await Promise.all([...new Set(wanted)].filter(known).map(importKind));
    },
  };
  if (!opts.lazy) await registry.load!(names);
  return registry;
}

async function importDefinition(load: KindModule, name: string): Promise<CheckDefinition<unknown, unknown>> {
  let mod: { default?: unknown };
  try {
    mod = (await load()) as { default?: unknown };
  } catch (err) {
    throw new Error(`check kind "${name}" failed to load: ${(err as Error).message}`);
  }
  const def = mod.default as Partial<CheckDefinition<unknown, unknown>> | undefined;
  if (!def || typeof def !== 'object' || typeof def.run !== 'function') {
    throw new Error(`check kind module of "${name}" must \`export default defineCheck({...})\``);
  }
  if (def.kind !== name) {
    throw new Error(
      `check kind module of "${name}" declares kind "${String(def.kind)}"; a kind must be named after its file (${name}.ts)`,
    );
  }
  return def as CheckDefinition<unknown, unknown>;
}

/** A registry over given definitions (tests, embedding). Later duplicates are refused. */
export function registryFrom(defs: readonly CheckDefinition<unknown, unknown>[]): KindRegistry {
  const byName = new Map<string, CheckDefinition<unknown, unknown>>();
  for (const def of defs) {
    if (byName.has(def.kind)) throw new Error(`check kind "${def.kind}" is defined twice`);
    byName.set(def.kind, def);
  }
  const names = [...byName.keys()].sort();
  return { get: (kind) => byName.get(kind), names: () => [...names] };
}
