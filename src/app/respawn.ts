import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { forwardedStopSignal, STOP_SIGNALS, type StopSignal } from '../cli/stop-signals.js';
import { SERVER_NODE_FLAGS } from './server-node-flags.js';

/** Re-exported: the benches read it from the built launcher (bench/server-flags.mjs). */
export { SERVER_NODE_FLAGS };

/**
 * The setting that replaces SERVER_NODE_FLAGS (app/config.ts documents it): node flags separated by spaces
 * (started with those), or `none` (no second process: the command runs in the one the user started). Blank
 * counts as unset, as every GONOGO_ variable's. Read here, not through config.ts: the launcher loads little.
 */
export const NODE_FLAGS_ENV = 'GONOGO_NODE_FLAGS';

/** Set in the child's environment (and removed from it at its start): it is the server, never re-executes. */
const CHILD_ENV = 'GONOGO_LAUNCHER_CHILD';

/** Node flags that say the user chose the heap's shape, or debugs this very process. */
const CHOSEN =
  /^--(?:no-)?(?:min[-_]semi[-_]space|max[-_]semi[-_]space|semi[-_]space|memory[-_]reducer)|^--inspect/;

/** Signals the launcher passes on; SIGTERM and SIGINT over the IPC channel (cli/stop-signals.ts), the rest as sent. */
const FORWARDED: readonly NodeJS.Signals[] = [...STOP_SIGNALS, 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

const isStopSignal = (signal: string): signal is StopSignal =>
  (STOP_SIGNALS as readonly string[]).includes(signal);

/** What a forwarded stop signal looks like on the IPC channel. */
interface SignalMessage {
  gonogoSignal: StopSignal;
}

/**
 * The node flags to run the command under in a child process, or undefined to run it here: on Windows, in
 * that child itself, when node was started with a flag of CHOSEN (in its arguments or NODE_OPTIONS), or
 * when NODE_FLAGS_ENV says `none`.
 */
export function serverNodeFlags(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[],
  platform: NodeJS.Platform,
): string[] | undefined {
  if (platform === 'win32' || env[CHILD_ENV] !== undefined) return undefined;
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((flag) => CHOSEN.test(flag))) return undefined;
  const flags = (env[NODE_FLAGS_ENV] ?? '').split(/\s+/).filter(Boolean);
  if (flags.length === 0) return [...SERVER_NODE_FLAGS];
  return flags.length === 1 && flags[0] === 'none' ? undefined : flags;
}

/**
 * Run `gonogo serve|runner ARGS` in a child node started with the server's flags (serverNodeFlags), the same
 * arguments, environment and stdio, and end as it ends: its exit code, or killed by the same signal.
 * Resolves false when the command is to run in this process: no flags are wanted, node cannot be started
 * (said on stderr), or this is the child (which then stops gracefully when its launcher disappears).
 * Otherwise it never resolves: the process exits with the child.
 */
export async function respawned(argv: readonly string[]): Promise<boolean> {
  if (process.env[CHILD_ENV] !== undefined) {
    delete process.env[CHILD_ENV];
    followLauncher();
    return false;
  }
  const flags = serverNodeFlags(process.env, process.execArgv, process.platform);
  const entry = process.argv[1];
  if (!flags || entry === undefined || argv.includes('--help') || argv.includes('-h')) return false;
  // Not detached: the child stays in the terminal's process group and session (Ctrl-Z stops both, a
  // hangup reaches both); a stop signal that reaches both is counted once (cli/stop-signals.ts).
  const child = spawn(process.execPath, [...flags, ...process.execArgv, entry, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  const started = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', (err) => {
      process.stderr.write(
        `gonogo: cannot start node with ${flags.join(' ')} (${err.message}); running without\n`,
      );
      resolve(false);
    });
  });
  if (!started) return false;
  const forward = (signal: NodeJS.Signals) => {
    if (isStopSignal(signal) && child.connected) {
      child.send({ gonogoSignal: signal } satisfies SignalMessage, (err: Error | null) => {
        if (err) child.kill(signal);
      });
    } else child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.once('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal) {
      // Killed: end the same way (with no handler left, the signal's default action); as PID 1, where
      // the kernel ignores it, 128 + its number, as a shell reports it.
      process.kill(process.pid, signal);
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
    process.exit(code ?? 1);
  });
  return new Promise<boolean>(() => {});
}

/**
 * In the child: take the stop signals the launcher forwards, and stop gracefully, as on SIGTERM, if the
 * launcher goes away without ending it (killed with SIGKILL): the channel is then closed. The channel does
 * not keep the process alive.
 */
function followLauncher(): void {
  const channel = process.channel;
  if (!channel) return;
  channel.unref();
  process.on('message', (message: Partial<SignalMessage> | null) => {
    const signal = message?.gonogoSignal;
    if (signal && isStopSignal(signal)) forwardedStopSignal(signal);
  });
  process.once('disconnect', () => forwardedStopSignal('SIGTERM'));
}
