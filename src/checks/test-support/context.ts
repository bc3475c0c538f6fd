import { tmpdir } from 'node:os';
import type { CheckContext } from '../../engine/check.js';

/**
 * A CheckContext as the engine builds one. Without a signal, one that never fires (tests that want a
 * timeout pass their own, e.g. aborted once the server has the request).
 */
export function checkContext(over: Partial<CheckContext> = {}): CheckContext {
  return {
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    baseDir: tmpdir(),
    env: {},
    ...over,
  };
}

/** An AbortSignal that fires as a timeout does (reason TimeoutError), and the function that fires it. */
export function timeoutSignal(): { signal: AbortSignal; fire: () => void } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    fire: () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
  };
}
