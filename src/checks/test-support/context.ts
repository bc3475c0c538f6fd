import { tmpdir } from 'node:os';
import { expect } from 'vitest';
import { type CheckContext, CheckFailure } from '../../engine/check.js';

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

/** Await a check that must not observe: it rejects with a CheckFailure, which is returned for assertions. */
export async function failure(promise: Promise<unknown>): Promise<CheckFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckFailure);
  return err as CheckFailure;
}
