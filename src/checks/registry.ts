import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CheckDefinition, KindRegistry } from '../engine/check.js';

/**
 * Finds the check kinds: every module beside this one (`http.js`, `tls.js`...) default-exports one
 * CheckDefinition whose `kind` is its file name. Adding a kind is adding a file; there is no list.
 * Kinds import their drivers inside run(), so loading them all stays cheap.
 */

const HERE = fileURLToPath(import.meta.url);
/** `.ts` under vitest (running from src), `.js` from dist. */
const OWN_EXTENSION = extname(HERE);

/** Files in the kinds folder that are not kinds. */
function isKindFile(file: string, ext: string): boolean {
  if (!file.endsWith(ext) || file.endsWith('.d.ts')) return false;
  const name = basename(file, ext);
  return !(name === 'registry' || name === 'index' || name.includes('.test') || name.includes('.spec'));
}

/** Where to look; tests point it at a folder of their own. */
export interface RegistryOptions {
  dir?: string;
  ext?: string;
  /**
   * List the kinds without importing them: each kind's module is imported by `load([...])`, so a run of
   * http checks does not load the drivers' wrappers, schemas and helpers of eleven other kinds.
   */
  lazy?: boolean;
}

/**
 * Discover the kinds beside this module and import them (all, or with `lazy` only those passed to
 * `load`); throws an error naming the file when a module does not default-export a definition whose
 * `kind` equals its file name.
 * @example const registry = await loadRegistry(); registry.get('http')?.summary
 */
export async function loadRegistry(opts: RegistryOptions = {}): Promise<KindRegistry> {
  const dir = opts.dir ?? dirname(HERE);
  const ext = opts.ext ?? OWN_EXTENSION;
  const entries = await readdir(dir, { withFileTypes: true });
  const files = new Map(
    entries
      .filter((e) => e.isFile() && isKindFile(e.name, ext))
      .map((e) => [basename(e.name, ext), join(dir, e.name)] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const names = [...files.keys()];
  const loaded = new Map<string, CheckDefinition<unknown, unknown>>();
  const loading = new Map<string, Promise<void>>();
  const importKind = (name: string): Promise<void> => {
    let pending = loading.get(name);
    if (!pending) {
      pending = importDefinition(files.get(name)!, name).then((def) => {
        loaded.set(name, def);
      });
      loading.set(name, pending);
    }
    return pending;
  };
  const registry: KindRegistry = {
    get(kind) {
      const def = loaded.get(kind);
      if (def || !files.has(kind)) return def;
      throw new Error(`check kind "${kind}" is not loaded; call registry.load() with it first`);
    },
    names: () => [...names],
    async load(kinds) {
      await Promise.all([...new Set(kinds)].filter((k) => files.has(k)).map(importKind));
    },
  };
  if (!opts.lazy) await registry.load!(names);
  return registry;
}

async function importDefinition(path: string, name: string): Promise<CheckDefinition<unknown, unknown>> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new Error(`check kind module ${path} failed to load: ${(err as Error).message}`);
  }
  const def = mod.default as Partial<CheckDefinition<unknown, unknown>> | undefined;
  if (!def || typeof def !== 'object' || typeof def.run !== 'function') {
    throw new Error(`check kind module ${path} must \`export default defineCheck({...})\``);
  }
  if (def.kind !== name) {
    throw new Error(
      `check kind module ${path} declares kind "${String(def.kind)}"; a kind must be named after its file ("${name}")`,
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
