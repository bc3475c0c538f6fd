import { formatDuration } from '../model/duration.js';
import type { CheckOutcome } from '../model/state.js';
import type { Observation } from './check.js';
import { evaluateConditions } from './conditions.js';
import { createLimiter } from './limiter.js';
import type { PreparedCheck } from './prepare.js';
import { redact, redactText, secretFingerprint } from './redact.js';

/**
 * Running prepared checks: concurrently under global and per-host bounds, each attempt under its own
 * timeout (a cleared timer joined with the run's signal), retried on `fail` and `error` alike
 * (a 503 during a deploy and a refused connection are equally transient), never throwing: every item
 * gets an outcome and the run goes on.
 */

/** What a check may use besides its target and options. */
export interface ExecuteContext {
  baseDir: string;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  signal?: AbortSignal;
}

/** Bounds and progress for a batch. */
export interface ExecuteOptions extends ExecuteContext {
  concurrency?: number;
  perHost?: number;
  /** Called after each item, in completion order. */
  onProgress?(outcome: CheckOutcome, done: number, total: number): void;
}

/** Observed strings longer than this are cut: 5,000 HTML bodies must not fill memory or the store. */
export const MAX_OBSERVED_STRING = 4096;

class Abandoned extends Error {}

/** Wait `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function isCheckFailure(err: unknown): err is Error & { partial: Observation } {
  return (
    err instanceof Error &&
    err.name === 'CheckFailure' &&
    typeof (err as { partial?: unknown }).partial === 'object' &&
    (err as { partial?: unknown }).partial !== null
  );
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** Observed values as they may leave the engine: secrets fingerprinted or redacted, long text cut. */
export function shapeObserved(check: PreparedCheck, observation: Observation): Record<string, unknown> {
  // Copied only when a secret variable adds to what this check knows (most checks have none).
  let known: Map<string, string> | undefined;
  const shaped: Record<string, unknown> = {};
  for (const name in observation) {
    const value = observation[name];
    if (value === undefined || !Object.hasOwn(observation, name)) continue;
    if (check.def.variables[name]?.secret && value !== null) {
      const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
      shaped[name] = secretFingerprint(text);
      known ??= new Map(check.known);
      known.set(text, shaped[name] as string);
    } else {
      shaped[name] = value;
    }
  }
  return redact(shaped, known ?? check.known, { maxString: MAX_OBSERVED_STRING }) as Record<string, unknown>;
}

interface Attempt {
  status: CheckOutcome['status'];
  message?: string;
  observation?: Observation;
}

/**
 * One attempt's signal: aborted by its own timer (reason: a TimeoutError, as AbortSignal.timeout gives)
 * or by the run's signal (its reason passed on). Unlike AbortSignal.timeout (+ AbortSignal.any), the
 * timer is cleared as soon as the attempt ends, so a run of 5,000 checks does not leave 5,000 pending
 * timers and signal pairs behind for ten seconds each.
 */
function attemptSignal(timeoutMs: number, run: AbortSignal | undefined) {
  const controller = new AbortController();
  let timedOut = false;
  let abandon: ((err: Abandoned) => void) | undefined;
  const abort = (reason: unknown) => {
    controller.abort(reason);
    abandon?.(new Abandoned());
  };
  const timer = setTimeout(() => {
    timedOut = true;
    abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  const onRunAbort = () => abort(run?.reason);
  if (run) {
    if (run.aborted) onRunAbort();
    else run.addEventListener('abort', onRunAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    /** Settle with `promise`, or reject once the attempt aborts (a check ignoring its signal is abandoned). */
    settle<T>(promise: Promise<T>): Promise<T> {
      if (controller.signal.aborted) return Promise.reject(new Abandoned());
      return new Promise<T>((resolve, reject) => {
        abandon = reject;
        promise.then(resolve, reject);
      });
    },
    dispose() {
      clearTimeout(timer);
      run?.removeEventListener('abort', onRunAbort);
    },
  };
}

async function attempt(check: PreparedCheck, ctx: ExecuteContext): Promise<Attempt> {
  const limit = attemptSignal(check.timeoutMs, ctx.signal);
  const { signal } = limit;
  try {
    const running = Promise.resolve().then(() =>
      check.def.run(check.target, check.options, {
        signal,
        timeoutMs: check.timeoutMs,
        baseDir: ctx.baseDir,
        env: ctx.env,
        now: ctx.now,
      }),
    );
    const observation = await limit.settle(running);
    if (observation === null || typeof observation !== 'object') {
      return { status: 'error', message: `the ${check.def.kind} check returned no observation` };
    }
    const verdict = evaluateConditions(check.def, check.conditions, observation, { known: check.known });
    return { ...verdict, observation };
  } catch (err) {
    // Whatever the check threw after its signal fired, the reason is the timeout or the cancellation.
    if (limit.timedOut())
      return { status: 'error', message: `timed out after ${formatDuration(check.timeoutMs)}` };
    if (ctx.signal?.aborted) return { status: 'error', message: 'run cancelled before this check finished' };
    if (isCheckFailure(err)) {
      const verdict = evaluateConditions(check.def, check.conditions, err.partial, {
        failure: errorMessage(err),
        known: check.known,
      });
      return { ...verdict, observation: err.partial };
    }
    return { status: 'error', message: `${check.def.kind} check crashed: ${errorMessage(err)}` };
  } finally {
    limit.dispose();
  }
}

/**
 * Run one prepared check with its retries; resolves to its outcome (never rejects).
 * @example const outcome = await runCheck(prepared, { baseDir: '.', env: process.env, now: () => new Date() });
 */
export async function runCheck(check: PreparedCheck, ctx: ExecuteContext): Promise<CheckOutcome> {
  const started = performance.now();
  const at = ctx.now().toISOString();
  let result: Attempt = { status: 'error', message: 'not run' };
  let attempts = 0;
  for (let i = 0; i <= check.retries; i++) {
    if (i > 0) {
      await pause(check.retryDelayMs, ctx.signal);
      if (ctx.signal?.aborted) break;
    }
    attempts++;
    result = await attempt(check, ctx);
    if (result.status === 'pass') break;
  }
  let message = result.message;
  if (message !== undefined) {
    // Condition messages carry their values already redacted; failure messages get the known secrets too.
    message = redactText(message, check.known);
    if (attempts > 1 && result.status !== 'pass') message += ` (after ${attempts} attempts)`;
  }
  return {
    item: check.item.id,
    status: result.status,
    ...(message !== undefined ? { message } : {}),
    ...(result.observation && Object.keys(result.observation).length > 0
      ? { observed: shapeObserved(check, result.observation) }
      : {}),
    durationMs: Math.round(performance.now() - started),
    at,
  };
}

/**
 * Run checks concurrently: at most `concurrency` (64) at once and `perHost` (8) per host key.
 * Returns one outcome per check, keyed by item id.
 */
export async function executeChecks(
  checks: readonly PreparedCheck[],
  opts: ExecuteOptions,
): Promise<Map<string, CheckOutcome>> {
  const limiter = createLimiter({ concurrency: opts.concurrency, perHost: opts.perHost });
  const outcomes = new Map<string, CheckOutcome>();
  let done = 0;
  await Promise.all(
    checks.map(async (check) => {
      const outcome = await limiter.run(check.host, async (): Promise<CheckOutcome> => {
        if (opts.signal?.aborted) {
          return {
            item: check.item.id,
            status: 'error',
            message: 'run cancelled before this check started',
            at: opts.now().toISOString(),
          };
        }
        return runCheck(check, opts);
      });
      outcomes.set(check.item.id, outcome);
      done++;
      try {
        opts.onProgress?.(outcome, done, checks.length);
      } catch {
        // A progress display that throws must not lose the run.
      }
    }),
  );
  return outcomes;
}
