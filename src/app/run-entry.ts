// The run bundle's entry (scripts/build.mjs builds it into dist/app/run.cjs, with its V8 code cache):
// `gonogo run` and everything it loads, as one CommonJS file. app/run-start.ts loads it.
import run from '../cli/commands/run.js';
import type { CliServices, Io } from '../cli/context.js';
import { runCommand } from '../cli/run-command.js';
import { holdYoungGeneration } from '../cli/run-flags.js';
import { execute, launch } from './launch.js';
import { parserBundleCache } from './parser-bundle.js';

/** The dispatcher for `run` alone: the same answers as cli/main.ts's for `run ...`. */
export async function dispatchRun(
  argv: string[],
  io: Io,
  services: () => Promise<CliServices>,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'run') throw new Error(`the run bundle runs \`gonogo run\`, not "${name}"`);
  return runCommand(run, rest, io, services);
}

/** `gonogo run ...` in this process, exiting with its code (app/main.ts). */
export const main = (argv: string[]): Promise<void> => {
  // The young generation stays as small as it starts, from before the checklist is read (run-flags.ts).
  holdYoungGeneration();
  return launch(argv, dispatchRun);
};

/** `gonogo run ...` with the given terminal: its exit code (the build runs it to write the code cache). */
export const cli = (argv: string[], io: Io): Promise<number> => execute(argv, io, dispatchRun);

/** Whether a cold run's parser came from its code cache (test/run-bundle.test.ts asks). */
export const parserCache = parserBundleCache;

/** What the bundle exports. */
export interface RunEntry {
  main: typeof main;
  cli: typeof cli;
  parserCache: typeof parserCache;
}
