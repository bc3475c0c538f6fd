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
 */
export const RUN_FLAGS: readonly { name: string; value: string; byDefault: string }[] = [
  { name: 'heap-growing-percent', value: '25', byDefault: '0' },
];

/**
 * Set RUN_FLAGS, but for one the user gave node (NODE_OPTIONS in `env`, or node's own arguments
 * `execArgv`): theirs to keep. Returns what puts the flags it set back to V8's defaults (so a code cache
 * made afterwards in this process, as the build makes the run bundle's, is one a later process accepts).
 * `set` is V8's setter (a test records what it is given instead).
 */
export function setRunFlags(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
  set: (flags: string) => void = setFlagsFromString,
): () => void {
  const given = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`.replaceAll('_', '-');
  const mine = RUN_FLAGS.filter((flag) => !given.includes(flag.name));
  for (const flag of mine) set(`--${flag.name}=${flag.value}`);
  return () => {
    for (const flag of mine) set(`--${flag.name}=${flag.byDefault}`);
  };
}
