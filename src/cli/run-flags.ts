import { setFlagsFromString } from 'node:v8';

/**
 * `gonogo run`'s V8 flags, each with V8's default to put back: they hold while the checks run and the
 * report is written, not while code is compiled. V8 refuses a code cache made under other flags (it
 * hashes every flag that is not at its default), and the run's code (dist/app/run.cjs) and the parser
 * a cold run loads (dist/parser/read-checklist.cjs) come with caches the build made under V8's defaults.
 *
 * A run is a batch: it builds its outcomes, verdict and report once, then exits. V8's default heap growth
 * (the old space may grow to several times what is live before the next full collection; a 50,000-item
 * run had two in all) let it fill with the promoted garbage of in-flight checks: ~80 MB of that run's
 * peak RSS. Growing by a quarter of what is live at most keeps the peak near the live heap, for a few more
 * full collections (no CPU difference measured: bench/README "branch warm3", 50%; "branch warmmem", 25%:
 * ~15 MB less at 50,000 items).
 *
 * Only flags V8 reads as it compiles or sizes its next collection belong here. The GC's threading flags
 * abort the process when changed while V8 runs: `--no-parallel-marking` set here ended a warm
 * 50,000-item run at its first mark-compact (a V8 CHECK, SIGTRAP), `--single-threaded-gc` does the same
 * to a smaller script; the semi-space sizes are read once, at start (bench/README "branch warm9", which
 * also has the tiering flags tried: none measured better).
 *
 * undici parses responses with llhttp compiled to WebAssembly. Once a few thousand responses have made its
 * functions hot, V8 compiles them again with TurboFan: ~25 MB of compiler memory outside the heap for
 * ~0.5 s, which set a 50,000-item run's peak RSS. Liftoff's code (the first tier) parses these responses
 * as cheaply (bench/README "branch mem9"). `liftoff-only` also turns off the two tiering flags, and putting
 * it back does not turn them on again: they are listed so that they are put back too, after it.
 */
export const RUN_FLAGS: readonly { name: string; value: string; byDefault: string }[] = [
  { name: 'heap-growing-percent', value: '25', byDefault: '0' },
  { name: 'liftoff-only', value: 'true', byDefault: 'false' },
  { name: 'wasm-tier-up', value: 'false', byDefault: 'true' },
  { name: 'wasm-dynamic-tiering', value: 'false', byDefault: 'true' },
];

/**
 * What V8 is told to set RUN_FLAGS (`set`) and to put them back (`restore`), but for a flag the user gave
 * node (NODE_OPTIONS in `env`, or node's own arguments `execArgv`): theirs to keep.
 */
export function runFlagTexts(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
): {
  set: string[];
  restore: string[];
} {
  const given = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`.replaceAll('_', '-');
  const flags = RUN_FLAGS.filter((flag) => !given.includes(flag.name));
  return {
    set: flags.map((flag) => flagText(flag.name, flag.value)),
    restore: flags.map((flag) => flagText(flag.name, flag.byDefault)),
  };
}

/**
 * Set RUN_FLAGS (see runFlagTexts). Returns what puts the flags it set back to V8's defaults (so a code
 * cache made afterwards in this process, as the build makes the run bundle's, is one a later process
 * accepts). `setFlags` is V8's setter (a test records what it is given instead).
 */
export function setRunFlags(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): () => void {
  const { set, restore } = runFlagTexts(env, execArgv);
  for (const text of set) setFlags(text);
  return () => {
    for (const text of restore) setFlags(text);
  };
}

/** V8's text for a flag's value: a boolean is `--name` or `--no-name` (V8 refuses `--name=false`). */
function flagText(name: string, value: string): string {
  if (value === 'true') return `--${name}`;
  if (value === 'false') return `--no-${name}`;
  return `--${name}=${value}`;
}
