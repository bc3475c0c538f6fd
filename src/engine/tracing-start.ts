/**
 * The trace SDK's start, deferred to the first span. Loading and registering the SDK (app/tracing.ts)
 * costs ~80 ms of CPU, and most commands (`lint`, `status`, `suggest`...) make no span: the composition root
 * (app/main.ts) hands the start over here when an OTLP endpoint is set, and `inSpan` (tracing.ts) runs it,
 * once, before the first span. A command that makes no span never loads the SDK. This module imports
 * nothing, so handing the start over loads nothing either.
 */

let pending: (() => Promise<void>) | undefined;
let starting: Promise<void> | undefined;

/**
 * Run `start` (which registers the SDK) before the first span is made, instead of now.
 * @example deferTracingStart(async () => { tracing = (await import('./tracing.js')).startTracing(env); });
 */
export function deferTracingStart(start: () => Promise<void>): void {
  pending = start;
}

/** Whether a start waits for the first span, or is under way: spans will then be recorded. */
export function tracingStartAhead(): boolean {
  return pending !== undefined || starting !== undefined;
}

/**
 * The deferred start: run now if it has not run (once for all callers), the promise of it while it
 * runs, undefined once it has run or when there is none. A start that fails rejects every span waiting
 * for it, as it failed the command when the SDK started with the services.
 */
export function runDeferredTracingStart(): Promise<void> | undefined {
  if (pending) {
    const start = pending;
    pending = undefined;
    starting = start().finally(() => {
      starting = undefined;
    });
  }
  return starting;
}
