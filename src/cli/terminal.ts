import type { Io } from './context.js';

/** Width for output that is not a terminal (pipes, CI logs): wide enough for ids, narrow enough to read. */
export const DEFAULT_WIDTH = 100;
/** Below this, a status chip, an indent and a word no longer fit: narrower terminals get this. */
const MIN_WIDTH = 40;

/**
 * Columns the text report may use: `COLUMNS` when set to a number (the user's word wins), else the
 * terminal's width, else DEFAULT_WIDTH.
 */
export function terminalWidth(io: Pick<Io, 'env' | 'isTTY' | 'columns'>): number {
  const fromEnv = Number.parseInt(io.env.COLUMNS ?? '', 10);
  const cols =
    Number.isFinite(fromEnv) && fromEnv > 0
      ? fromEnv
      : io.isTTY && io.columns && io.columns > 0
        ? io.columns
        : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, cols);
}
