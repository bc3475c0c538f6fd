import type { ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { childPids } from './cli.js';

/** Whether `child` has exited (by a code or a signal). */
const ended = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/**
 * End `child` and resolve once it exited: SIGTERM (a server drains, a runner finishes its jobs), then, if it
 * is still there after `graceMs`, SIGKILL to the processes it started (the server under gonogo's launcher,
 * app/respawn.ts) and to it.
 * @example await endChild(serve.child);
 */
export async function endChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (ended(child) || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  if ((await Promise.race([exited, late])) === 'late') {
    for (const pid of childPids(child.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone in the meantime
      }
    }
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/**
 * End `child` (see endChild) when the test that started it finishes, whether it passed or failed midway;
 * a test that stops it itself finds it ended. Outside a test (a child started in `beforeAll`) this does
 * nothing: the file's `afterAll` stops that one.
 * @example const child = spawn(process.execPath, [...CLI, 'run', 'big.md']); endWithTest(child);
 */
export function endWithTest(child: ChildProcess): void {
  try {
    onTestFinished(() => endChild(child), 30_000);
  } catch {
    // Not inside a test: vitest refuses the hook.
  }
}
