import { isoTime } from '../model/iso-time.js';

/** Structured logging: one JSON object per line. Callers pass fields that are already free of secrets. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger whose lines may wait in a buffer: `flush()` writes them out now. */
export interface BufferedLogger extends Logger {
  flush(): void;
}

/**
 * A logger writing JSON lines (`{"time","level","msg",...}`) to a stream, stderr in production.
 * With `buffered`, the lines of one turn of the event loop go out in one write at its end (stderr to
 * a file or a pipe is written synchronously: a write per request line costs the server more than the
 * line itself); each line keeps the time it was logged at. Call `flush()` before the process exits
 * (the composition root does, on exit).
 */
export function jsonLogger(
  out: { write(chunk: string): unknown },
  clock: () => Date = () => new Date(),
  opts: { buffered?: boolean } = {},
): BufferedLogger {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    out.write(chunk);
  };
  const line = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const text = `${JSON.stringify({ time: isoTime(clock()), level, msg, ...fields })}\n`;
    if (!opts.buffered) {
      out.write(text);
      return;
    }
    pending += text;
    // A burst never waits for the end of the turn with more than 64 KiB in memory.
    if (pending.length >= 65_536) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    info: (msg, f) => line('info', msg, f),
    warn: (msg, f) => line('warn', msg, f),
    error: (msg, f) => line('error', msg, f),
    flush,
  };
}

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
