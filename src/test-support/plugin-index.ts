import { readdirSync } from 'node:fs';
import { expect } from 'vitest';

/** A static plugin index: plugin name -> lazy import of its module. */
export type PluginIndex = Readonly<Record<string, () => Promise<{ default?: unknown }>>>;

/** The plugins of one family and how to tell them from the helper modules beside them. */
export interface PluginFamily {
  index: PluginIndex;
  /** The folder of the plugin files (and of the index). */
  folder: URL;
  /** Modules of the folder that are not plugins (the index itself, shared helpers); every other one is. */
  notPlugins: readonly string[];
  /** The name a plugin gives itself, when it gives one (a kind's `kind`, a format's `name`). */
  nameOf?(plugin: unknown): unknown;
}

/** Names of the TypeScript modules of a folder: no tests, no declarations, no subfolders. */
export function modulesOf(folder: URL): string[] {
  return readdirSync(folder)
    .filter((f) => /^[a-z][a-z0-9-]*\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.tsx?$/, ''))
    .sort();
}

/**
 * Fails when an index and its folder drift: a plugin file without an entry, an entry without a file, an
 * entry that loads another file than the one of its name, or a plugin that names itself differently.
 */
export async function expectIndexMatchesFolder(family: PluginFamily): Promise<void> {
  const plugins: string[] = [];
  const byFile = new Map<string, unknown>();
  for (const name of modulesOf(family.folder)) {
    if (family.notPlugins.includes(name)) continue;
    const file = readdirSync(family.folder).find((f) => f === `${name}.ts` || f === `${name}.tsx`)!;
    const mod = (await import(new URL(file, family.folder).href)) as { default?: unknown };
    plugins.push(name);
    byFile.set(name, mod.default);
  }
  const entries = Object.keys(family.index).sort();
  const missing = plugins.filter((p) => !entries.includes(p));
  const orphans = entries.filter((e) => !plugins.includes(e));
  expect(missing, 'plugin files without an entry in the index').toEqual([]);
  expect(orphans, 'index entries without a plugin file of that name').toEqual([]);
  for (const name of entries) {
    const loaded = (await family.index[name]!()).default;
    expect(loaded === byFile.get(name), `the entry "${name}" must import ./${name}.js`).toBe(true);
    if (family.nameOf) expect(family.nameOf(loaded), `the plugin of ${name}.ts names itself`).toBe(name);
  }
}
