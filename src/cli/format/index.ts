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

const DIR = new URL('./', import.meta.url);
/** Modules of this folder that are not formats. */
const HELPERS = new Set(['index', 'formatter']);

/**
 * The format plugins beside this file (`text.js`, `junit.js`...), found the way the CLI finds its
 * commands: every module of this folder but the helpers is a format named after its file. Only the names
 * are read here; a format's module loads when it is asked for (a run renders one format, not four).
 */
export const FORMAT_NAMES: readonly string[] = readdirSync(DIR)
  .filter((f) => /^[a-z][a-z-]*\.(js|ts)$/.test(f))
  .map((f) => f.replace(/\.(js|ts)$/, ''))
  .filter((name) => !HELPERS.has(name))
  .sort();

const EXTENSION = new URL(import.meta.url).pathname.endsWith('.ts') ? 'ts' : 'js';
const loaded = new Map<string, Promise<Formatter>>();

/** The format plugin of that name, or a ConfigError (exit 2) listing the known ones. */
export function getFormat(name: string): Promise<Formatter> {
  if (!FORMAT_NAMES.includes(name)) {
    return Promise.reject(
      new ConfigError(`unknown format "${name}"; use one of: ${FORMAT_NAMES.join(', ')}`, 'format'),
    );
  }
  let format = loaded.get(name);
  if (!format) {
    format = import(new URL(`${name}.${EXTENSION}`, DIR).href).then((mod: { default?: unknown }) => {
      if (!isFormatter(mod.default) || mod.default.name !== name) {
        throw new Error(`format module ${name}.${EXTENSION} must export default a Formatter named "${name}"`);
      }
      return mod.default;
    });
    loaded.set(name, format);
  }
  return format;
}

/**
 * Render a run report in one of the output formats (`text`, `json`, `junit`, `markdown`).
 * Shared by `gonogo run` and `gonogo status`.
 * @example process.stdout.write(await renderReport('markdown', report, { color: false }));
 */
export async function renderReport(
  format: FormatName,
  report: RunReport,
  opts: RenderOptions,
): Promise<string> {
  return (await getFormat(format)).render(report, opts);
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
