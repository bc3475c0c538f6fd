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
/** The signals `direct` is on the process for. */
const hearing = new Set<StopSignal>();
const seen = {
  direct: { SIGTERM: 0, SIGINT: 0 },
  forwarded: { SIGTERM: 0, SIGINT: 0 },
  counted: { SIGTERM: 0, SIGINT: 0 },
};

function arrived(from: 'direct' | 'forwarded', signal: StopSignal): void {
  seen[from][signal] += 1;
  const times = Math.max(seen.direct[signal], seen.forwarded[signal]);
  if (times > seen.counted[signal]) {
    seen.counted[signal] = times;
    // Nobody listens (the command is starting, or has stopped): the signal does what it does to any process.
    if (listeners.size === 0) {
      process.off(signal, direct);
      hearing.delete(signal);
      process.kill(process.pid, signal);
      return;
    }
    for (const listener of [...listeners]) listener(signal);
  }
  hearDirect();
}

const direct = (signal: StopSignal) => arrived('direct', signal);

/**
 * Hear the process's own deliveries while someone listens, and after that while a forwarded signal's own
 * delivery is still to come. systemd signals the launcher and the child one after the other: the child may
 * have stopped listening (its command done) by the time its own copy arrives, and that copy, counted
 * already, must not kill it as a new signal would (the launcher would then end killed, not with exit 0).
 */
function hearDirect(): void {
  for (const signal of STOP_SIGNALS) {
    const wanted = listeners.size > 0 || seen.forwarded[signal] > seen.direct[signal];
    if (wanted && !hearing.has(signal)) process.on(signal, direct);
    else if (!wanted && hearing.has(signal)) process.off(signal, direct);
    if (wanted) hearing.add(signal);
    else hearing.delete(signal);
  }
}

/**
 * Call `listener` for each SIGTERM or SIGINT this process is sent (counted as above). Returns what stops
 * listening; once nobody listens, the signals are the process's defaults again (but for the copy of a
 * forwarded signal still to come, which counts for nothing).
 */
export function onStopSignal(listener: Listener): () => void {
  listeners.add(listener);
  hearDirect();
  return () => {
    listeners.delete(listener);
    hearDirect();
  };
}

/** A stop signal the launcher received and forwards (app/respawn.ts). */
export function forwardedStopSignal(signal: StopSignal): void {
  arrived('forwarded', signal);
}
