import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type LoadedBundle, loadBundle } from './code-cache.js';
import type { RunEntry } from './run-entry.js';

/**
 * The run bundle (`file`, dist/app/run.cjs): `gonogo run` and all it loads as one CommonJS file, compiled
 * from its V8 code cache when one fits (code-cache.ts), so a run does not compile its ~70 ES modules
 * from scratch (Node 20 caches no code for ES modules). Undefined without the bundle (from the sources)
 * or when it cannot be loaded: the caller then runs the command through the dispatcher.
 */
export function loadRunBundle(file: string): LoadedBundle<RunEntry> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return loadBundle<RunEntry>(file);
  } catch {
    return undefined;
  }
}

/**
 * `gonogo run`'s start: its bundle (see loadRunBundle). Its V8 flags are set later, once its code is
 * loaded (cli/run-flags.ts): the bundle's code cache and the parser's were made under V8's defaults.
 */
export function startRun(bundle: URL): RunEntry | undefined {
  return loadRunBundle(fileURLToPath(bundle))?.exports;
}
