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
}

/**
 * Discover and import every kind module; throws an error naming the file when a module does not
 * default-export a definition whose `kind` equals its file name.
 * @example const registry = await loadRegistry(); registry.get('http')?.summary
 */
export async function loadRegistry(opts: RegistryOptions = {}): Promise<KindRegistry> {
  const dir = opts.dir ?? dirname(HERE);
  const ext = opts.ext ?? OWN_EXTENSION;
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && isKindFile(e.name, ext))
    .map((e) => e.name)
    .sort();
  const defs = await Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      const name = basename(file, ext);
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
    }),
  );
  return registryFrom(defs);
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
