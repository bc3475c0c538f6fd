import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { type LoadedBundle, loadBundle } from './code-cache.js';
import type { RunEntry } from './run-entry.js';

/**
 * `gonogo run`'s V8 flags, set at its start (before any of its code is compiled: V8 refuses a code cache
 * made under other flags, so the build sets them too before it makes the run bundle's cache).
 *
 * A run is a batch: it builds its outcomes, verdict and report once, then exits. V8's default heap growth
 * (the old space may grow to several times what is live before the next full collection; a 50,000-item
 * run had two in all) let it fill with the promoted garbage of in-flight checks: ~80 MB of that run's
 * peak RSS. Growing by a quarter of what is live at most keeps the peak near the live heap, for a few more
 * full collections (no CPU difference measured: bench/README "branch warm3", 50%; "branch warmmem", 25%:
 * ~15 MB less at 50,000 items).
 */
export const RUN_FLAGS: readonly string[] = ['--heap-growing-percent=25'];

/** Set RUN_FLAGS, but for one the user gave node (NODE_OPTIONS or node's own arguments): theirs to keep. */
export function setRunFlags(): void {
  const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.replaceAll('_', '-');
  for (const flag of RUN_FLAGS) {
    const name = flag.replace(/^--(no-)?/, '').replace(/=.*$/, '');
    if (!given.includes(name)) setFlagsFromString(flag);
  }
}

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

/** `gonogo run`'s start: its flags, then its bundle (see loadRunBundle). */
export function startRun(bundle: URL): RunEntry | undefined {
  setRunFlags();
  return loadRunBundle(fileURLToPath(bundle))?.exports;
}
