/** Structured logging: one JSON object per line. Callers pass fields that are already free of secrets. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing JSON lines (`{"time","level","msg",...}`) to a stream, stderr in production. */
export function jsonLogger(
  out: { write(chunk: string): unknown },
  clock: () => Date = () => new Date(),
): Logger {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) => {
    out.write(`${JSON.stringify({ time: clock().toISOString(), level, msg, ...fields })}\n`);
  };
  return {
    info: (msg, f) => line('info', msg, f),
    warn: (msg, f) => line('warn', msg, f),
    error: (msg, f) => line('error', msg, f),
  };
}

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
