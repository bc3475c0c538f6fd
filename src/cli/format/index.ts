import { readdirSync } from 'node:fs';
import type { RunReport } from '../../engine/report.js';
import { ConfigError } from '../../model/errors.js';
import type { Formatter, RenderOptions } from './formatter.js';

export type { Formatter, RenderOptions } from './formatter.js';

/** Built-in format names; any other module in this folder that default-exports a Formatter is found too. */
export type FormatName = 'text' | 'json' | 'junit' | 'markdown' | (string & {});

const isFormatter = (v: unknown): v is Formatter =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Formatter).name === 'string' &&
  typeof (v as Formatter).render === 'function';

/**
 * Discover the format plugins beside this file (`text.js`, `junit.js`...), the way the CLI finds its
 * commands: a module whose default export is a Formatter is a format, and its name must be its file name.
 */
async function discover(): Promise<Map<string, Formatter>> {
  const dir = new URL('./', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => /^[a-z][a-z-]*\.(js|ts)$/.test(f) && !f.startsWith('index.'))
    .sort();
  const found = new Map<string, Formatter>();
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { default?: unknown };
    if (!isFormatter(mod.default)) continue;
    const base = file.replace(/\.(js|ts)$/, '');
    if (mod.default.name !== base) {
      throw new Error(`format module ${file} is named "${mod.default.name}"; rename one so they match`);
    }
    found.set(base, mod.default);
  }
  return found;
}

const FORMATS = await discover();

/** Names of the available output formats, sorted. */
export const FORMAT_NAMES: readonly string[] = [...FORMATS.keys()];

/** The format plugin of that name, or a ConfigError (exit 2) listing the known ones. */
export function getFormat(name: string): Formatter {
  const format = FORMATS.get(name);
  if (!format) {
    throw new ConfigError(`unknown format "${name}"; use one of: ${FORMAT_NAMES.join(', ')}`, 'format');
  }
  return format;
}

/**
 * Render a run report in one of the output formats (`text`, `json`, `junit`, `markdown`).
 * Shared by `gonogo run` and `gonogo status`.
 * @example process.stdout.write(renderReport('markdown', report, { color: false }));
 */
export function renderReport(format: FormatName, report: RunReport, opts: RenderOptions): string {
  return getFormat(format).render(report, opts);
}

/**
 * Whether ANSI colour suits this output: FORCE_COLOR (not `0`) forces it on, NO_COLOR (non-empty)
 * turns it off (https://no-color.org), else only a terminal gets it.
 */
export function colorWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return isTTY;
}
