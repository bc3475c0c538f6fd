import { dispatch } from '../cli/main.js';
import { launch } from './launch.js';

export { tracingWanted } from './launch.js';

/**
 * Entry point of `bin/gonogo`: wire the layers, run the command, exit with its code. The layers are
 * imported when a command runs, not before: `gonogo --version` and `--help` load this module and the
 * dispatcher only (bench/startup.mjs measures it).
 *
 * `gonogo run` runs from the build's run bundle (dist/app/run.cjs, compiled from its V8 code cache:
 * app/run-start.ts) when there is one; from the sources, through the dispatcher.
 */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'run') {
    const bundle = (await import('./run-start.js')).startRun(new URL('./run.cjs', import.meta.url));
    if (bundle) return bundle.main(argv);
  }
  if ((argv[0] === 'serve' || argv[0] === 'runner') && (await (await import('./respawn.js')).respawned(argv)))
    return;
  return launch(argv, dispatch);
}
