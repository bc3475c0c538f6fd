/**
 * SIGTERM and SIGINT for the long-lived commands (`serve`, `runner`): the first asks for a graceful stop,
 * a second one for an immediate one, so each signal must reach them exactly as often as it was sent.
 *
 * Started by gonogo's launcher (app/respawn.ts), the command runs in a child process, and a signal may
 * reach it twice: from the sender directly (a terminal's Ctrl-C goes to the whole process group; systemd's
 * default `KillMode=control-group` signals every process of the unit) and forwarded by the launcher, which
 * received it too. The two sources are counted apart, and a signal counts as sent as many times as the
 * source that saw it most often: Ctrl-C once is once (the child got it and the launcher forwarded it),
 * twice is twice; a signal sent to the launcher alone (`docker stop`, `kill PID`) is counted from the
 * forward; to the child alone, from its own delivery. No clock is involved.
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

type Listener = (signal: StopSignal) => void;

const listeners = new Set<Listener>();
const seen = {
  direct: { SIGTERM: 0, SIGINT: 0 },
  forwarded: { SIGTERM: 0, SIGINT: 0 },
  counted: { SIGTERM: 0, SIGINT: 0 },
};

function arrived(from: 'direct' | 'forwarded', signal: StopSignal): void {
  seen[from][signal] += 1;
  const times = Math.max(seen.direct[signal], seen.forwarded[signal]);
  if (times <= seen.counted[signal]) return;
  seen.counted[signal] = times;
  // Nobody listens yet (the command is starting): the signal does what it does to any process.
  if (listeners.size === 0) {
    process.kill(process.pid, signal);
    return;
  }
  for (const listener of [...listeners]) listener(signal);
}

const direct = (signal: StopSignal) => arrived('direct', signal);

/**
 * Call `listener` for each SIGTERM or SIGINT this process is sent (counted as above). Returns what stops
 * listening; once nobody listens, the signals are the process's defaults again.
 */
export function onStopSignal(listener: Listener): () => void {
  if (listeners.size === 0) for (const signal of STOP_SIGNALS) process.on(signal, direct);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) for (const signal of STOP_SIGNALS) process.off(signal, direct);
  };
}

/** A stop signal the launcher received and forwards (app/respawn.ts). */
export function forwardedStopSignal(signal: StopSignal): void {
  arrived('forwarded', signal);
}
