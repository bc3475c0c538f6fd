import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

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
export const RUN_FLAGS: readonly RunFlag[] = [
  { name: 'heap-growing-percent', value: '25', byDefault: '0' },
  { name: 'liftoff-only', value: 'true', byDefault: 'false' },
  { name: 'wasm-tier-up', value: 'false', byDefault: 'true' },
  { name: 'wasm-dynamic-tiering', value: 'false', byDefault: 'true' },
];

/** A V8 flag the run sets: its value, V8's default, and the text that says the user gave it (its name). */
interface RunFlag {
  name: string;
  value: string;
  byDefault: string;
  givenAs?: string;
}

/**
 * The young generation's size, held from the moment the run's code is compiled (run-entry.ts `main`), before
 * its checklist is read. V8 doubles its semi-spaces after each scavenge that keeps most of what it copies, up
 * to 16 MB each; reading a 50,000-item checklist did that, and the young generation then took 32 MB of the
 * run's peak RSS (its largest block) while holding 1–12 MB. Not growing it at all (a factor of 1: the 4 MB in
 * all node starts a run with) measured ~30 MB less at the peak for the same CPU (bench/README "branch
 * mem10"). The semi-space sizes themselves are read only as the heap is made (warm9), and a user who gives
 * any of them (`--max-semi-space-size`, ...) keeps V8's growth. Set while no code cache is read: a cold
 * run's parser bundle compiles under V8's defaults (underV8Defaults).
 */
export const YOUNG_FLAGS: readonly RunFlag[] = [
  { name: 'semi-space-growth-factor', value: '1', byDefault: '2', givenAs: 'semi-space' },
];

/**
 * `gonogo audit verify`'s young generation (issue 15, bench/README "branch verify14"): verify reads the whole
 * chain a page at a time and drops each row as it is checked, ~260 MB allocated for 100,000 events with a
 * page or two live at a time. V8's semi-spaces start at 1 MB and double after each scavenge that keeps much of
 * what it copies: the pages in flight were copied, and promoted, by many small collections on the way up to
 * 16 MB, each growth new pages to fault in. Growing straight to the largest semi-space (the factor is clamped to
 * it) cost ~0.87× the CPU of a fresh process's verify, ~9 MB less at the peak. Read as V8 sizes its young
 * generation, so it may be set while the process runs; a user who gives a semi-space flag keeps V8's growth.
 */
export const VERIFY_FLAGS: readonly RunFlag[] = [
  { name: 'semi-space-growth-factor', value: '16', byDefault: '2', givenAs: 'semi-space' },
];

/**
 * What V8 is told to set `flags` (`set`, RUN_FLAGS by default) and to put them back (`restore`), but for a
 * flag the user gave node (NODE_OPTIONS in `env`, or node's own arguments `execArgv`): theirs to keep.
 */
export function runFlagTexts(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
  flags: readonly RunFlag[] = RUN_FLAGS,
): {
  set: string[];
  restore: string[];
} {
  const given = `${env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`.replaceAll('_', '-');
  flags = flags.filter((flag) => !given.includes(flag.givenAs ?? flag.name));
  return {
    set: flags.map((flag) => flagText(flag.name, flag.value)),
    restore: flags.map((flag) => flagText(flag.name, flag.byDefault)),
  };
}

/**
 * Set `flags` (RUN_FLAGS by default; see runFlagTexts). Returns what puts the flags it set back to V8's defaults (so a code
 * cache made afterwards in this process, as the build makes the run bundle's, is one a later process
 * accepts). `setFlags` is V8's setter (a test records what it is given instead).
 */
export function setRunFlags(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
  flags: readonly RunFlag[] = RUN_FLAGS,
): () => void {
  const { set, restore } = runFlagTexts(env, execArgv, flags);
  for (const text of set) setFlags(text);
  return () => {
    for (const text of restore) setFlags(text);
  };
}

/** YOUNG_FLAGS' texts while they hold (holdYoungGeneration), to put back around a code cache's load. */
let young: { set: string[]; restore: string[] } | undefined;

/**
 * Set YOUNG_FLAGS for the rest of this process (`gonogo run` only: the process exits after its run). Once:
 * a second call changes nothing.
 */
export function holdYoungGeneration(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if (young) return;
  young = runFlagTexts(env, execArgv, YOUNG_FLAGS);
  for (const text of young.set) setFlags(text);
}

/** How many checks a run has at least for its young generation to be grown once as they start (growYoungGeneration). */
export const GROW_YOUNG_AT = 20_000;

/** The young generation's size in bytes, as V8 reports it (its semi-spaces' committed size). */
const youngSize = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

/** Calls `gcEnded` after each GC (a PerformanceObserver's `gc` entries); returns what stops it. */
function watchGc(gcEnded: () => void): () => void {
  const observer = new PerformanceObserver(gcEnded);
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/**
 * Grow the held young generation (holdYoungGeneration) once, to twice its size, when a run of at least
 * GROW_YOUNG_AT checks starts them (bench/README "branch gc19"): V8's growth factor is set back to 2 until
 * the first collection after which the young generation is larger, then to 1 again, so that it stays at
 * that size to the end (V8 never shrinks it in a busy run). With 64 checks in flight, a 4 MB young
 * generation is collected every ~5 ms and catches most of them alive; 8 MB halves the scavenges and what
 * they copy while the checks run (−45%, −18 MB at 50,000 items) for ~3 MB more at the peak. Only as the
 * checks start: during the checklist's load and the checks' prepare nearly everything survives, and a
 * larger young generation then only copies more (grown before prepare, a 50,000-item run peaked ~40 MB
 * higher). Smaller runs keep 4 MB: at 500 and 5,000 items the growth measured no gain and one more
 * mark-compact. Nothing when the young generation is not held (a user's semi-space flag: theirs to keep).
 * `setFlags`, `size` and `watch` are V8's setter, its young-generation size and a GC watch (tests inject).
 */
export function growYoungGeneration(
  checks: number,
  setFlags: (flags: string) => void = setFlagsFromString,
  size: () => number = youngSize,
  watch: (gcEnded: () => void) => () => void = watchGc,
): void {
  if (checks < GROW_YOUNG_AT || !young?.set.length) return;
  const before = size();
  setFlags('--semi-space-growth-factor=2');
  const stop = watch(() => {
    if (size() <= before) return;
    stop();
    for (const text of young?.set ?? []) setFlags(text);
  });
}

/**
 * A long run's old generation (GROW_YOUNG_AT checks or more): after a mark-compact while its checks run, it
 * may grow by half of what is live before the next, not a quarter (RUN_FLAGS). The checks' mark-compact of a
 * warm 50,000-item run (at 52-60 MB, 34-38 MB live) left a limit that the closing stretch reached: one more
 * mark-compact just before exit, marking the ~45 MB that the report needs to free 5-11 MB (in every traced
 * run; bench/README "branch gcend20"). With half, the checks' last one leaves room for the rest of the run:
 * none in the closing stretch, its CPU ~5% lower, for ~4 MB more at the peak. Set as the checks start
 * (growOldGeneration); put back with RUN_FLAGS' `heap-growing-percent`, which names the same flag: a user who
 * gives it keeps theirs.
 */
export const LONG_RUN_FLAGS: readonly RunFlag[] = [
  { name: 'heap-growing-percent', value: '50', byDefault: '0' },
];

/**
 * Set LONG_RUN_FLAGS when a run of at least GROW_YOUNG_AT checks starts them (the run's setRunFlags
 * restore puts them back). `setFlags` is V8's setter (a test records what it is given instead).
 */
export function growOldGeneration(
  checks: number,
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if (checks < GROW_YOUNG_AT) return;
  for (const text of runFlagTexts(env, execArgv, LONG_RUN_FLAGS).set) setFlags(text);
}

/**
 * The young generation's floor when node was started with one (`gonogo serve` and `runner` are: app/respawn.ts
 * SERVER_NODE_FLAGS), as [set, restore] texts. V8 reads it only as a heap is made, so putting it back to its
 * default for a while changes nothing of this heap's; but V8 hashes it into a code cache's flags.
 */
function startFlagTexts(execArgv: readonly string[]): { set: string[]; restore: string[] } {
  const given = execArgv
    .map((arg) => /^--min[-_]semi[-_]space[-_]size=(\d+)$/.exec(arg)?.[1])
    .filter((value) => value !== undefined);
  return {
    set: given.map((value) => `--min-semi-space-size=${value}`),
    restore: given.map(() => '--min-semi-space-size=0'),
  };
}

/** How many underV8Defaults are under way (the flags are put back when the first starts, set when the last ends). */
let underway = 0;

/**
 * `work` with YOUNG_FLAGS and the young generation's floor node was started with put back to V8's defaults,
 * set again after (whether it returns or throws): V8 refuses a code cache made under other flags, and the
 * parser bundle's (read by a cold run or by the server, in this thread or a worker: flags are the process's)
 * was made under the defaults. A worker started meanwhile makes its heap with V8's default young generation.
 * Without such flags, just `work`.
 */
export async function underV8Defaults<T>(
  work: () => Promise<T>,
  setFlags: (flags: string) => void = setFlagsFromString,
  execArgv: readonly string[] = process.execArgv,
): Promise<T> {
  const started = startFlagTexts(execArgv);
  const set = [...(young?.set ?? []), ...started.set];
  if (set.length === 0) return work();
  if (underway++ === 0) for (const text of [...(young?.restore ?? []), ...started.restore]) setFlags(text);
  try {
    return await work();
  } finally {
    if (--underway === 0) for (const text of set) setFlags(text);
  }
}

/** V8's text for a flag's value: a boolean is `--name` or `--no-name` (V8 refuses `--name=false`). */
function flagText(name: string, value: string): string {
  if (value === 'true') return `--${name}`;
  if (value === 'false') return `--no-${name}`;
  return `--${name}=${value}`;
}
