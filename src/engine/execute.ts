import type { Attributes } from '@opentelemetry/api';
import { formatDuration } from '../model/duration.js';
import type { CheckOutcome } from '../model/state.js';
import type { Observation } from './check.js';
import { anyBounded, evaluateBounded } from './condition-pool.js';
import { evaluateConditions } from './conditions.js';
import { type Deadline, startDeadline } from './deadlines.js';
import { runBounded } from './limiter.js';
import { type Attempt, outcomeOf } from './outcome.js';
import type { PreparedCheck } from './prepare.js';
import { noQueueReason, type RunnerDispatch } from './runners.js';
import { ATTR, endCheckSpan, hostAttributes, inSpan, tracingActive } from './tracing.js';

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
  /**
   * false when nobody reads the observed values (a sample keeps only pass/fail and the message): they
   * are then dropped instead of shaped (redacted, cut) for output. Default true.
   */
  keepObserved?: boolean;
  /** Where `runner:` checks are sent; absent (the SQLite store), such a check is `error` saying why. */
  runners?: RunnerDispatch;
}

/** Bounds and progress for a batch. */
export interface ExecuteOptions extends ExecuteContext {
  concurrency?: number;
  perHost?: number;
  /** Called after each item, in completion order. */
  onProgress?(outcome: CheckOutcome, done: number, total: number): void;
  /** Attributes every check span carries (checklist id, environment). */
  spanAttributes?: Attributes;
}

/** A check span's attributes: item, kind and target host (never the target itself, which may hold secrets). */
export function checkAttributes(
  check: Pick<PreparedCheck, 'item' | 'def' | 'host'>,
  common?: Attributes,
): Attributes {
  return {
    ...common,
    [ATTR.item]: check.item.id,
    [ATTR.kind]: check.def.kind,
    ...hostAttributes(check.host),
  };
}

export { MAX_OBSERVED_STRING, shapeObserved } from './outcome.js';

export class Abandoned extends Error {}

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

export function isCheckFailure(err: unknown): err is Error & { partial: Observation } {
  return (
    err instanceof Error &&
    err.name === 'CheckFailure' &&
    typeof (err as { partial?: unknown }).partial === 'object' &&
    (err as { partial?: unknown }).partial !== null
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * One attempt of a `runner:` check: the runner observes (its own timeout, its environment), this side
 * judges the conditions on what it returned. Waiting is bounded by the dispatch (claim within the
 * check's timeout, then the job's expiry), so no second limit is set here.
 */
async function remoteAttempt(
  check: PreparedCheck & { runner: NonNullable<PreparedCheck['runner']> },
  ctx: ExecuteContext,
): Promise<Attempt> {
  const { label, job } = check.runner;
  if (!ctx.runners) return { status: 'error', message: noQueueReason(label) };
  const answer = await ctx.runners.observe(label, job, ctx.signal);
  if ('error' in answer) return { status: 'error', message: answer.error };
  const verdict = await evaluateBounded(check.def, check.conditions, answer.observed, {
    ...(answer.failure !== undefined ? { failure: answer.failure } : {}),
    known: check.known,
    budgetMs: check.timeoutMs,
  });
  return { status: verdict.status, message: verdict.message, observation: answer.observed, remote: true };
}

/**
 * One attempt's limits: its deadline (a signal shared with attempts that started about the same time,
 * see deadlines.ts), and abandoning a check that ignores its signal once the deadline passes or the run
 * is cancelled.
 */
export class AttemptLimit {
  readonly #deadline: Deadline;

  constructor(timeoutMs: number, run: AbortSignal | undefined) {
    this.#deadline = startDeadline(timeoutMs, run);
  }

  get signal(): AbortSignal {
    return this.#deadline.signal;
  }

  get timedOut(): boolean {
    return this.#deadline.timedOut;
  }

  /**
   * Settle with what `start` returns, or reject once the attempt must stop (a check ignoring its signal
   * is abandoned). A synchronous throw from `start` rejects too.
   */
  settle<T>(start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.watch(start, resolve, reject));
  }

  /**
   * settle() without a promise of its own: `onValue` with what `start` gives, or `onError` with its
   * error (a synchronous throw too) or with Abandoned once the attempt must stop; exactly one of them,
   * once. The run's path (runCheck) uses this: one promise and one microtask hop less per check, which
   * in a run's first thousands of checks (interpreted code) is measurable (bench/README "branch warm8").
   */
  watch<T>(start: () => Promise<T>, onValue: (value: T) => void, onError: (err: unknown) => void): void {
    if (this.#deadline.signal.aborted) {
      onError(new Abandoned());
      return;
    }
    let over = false;
    const fail = (err: unknown) => {
      if (over) return;
      over = true;
      onError(err);
    };
    this.#deadline.onStop = () => fail(new Abandoned());
    let running: Promise<T>;
    try {
      running = start();
    } catch (err) {
      fail(err);
      return;
    }
    Promise.resolve(running).then((value) => {
      if (over) return;
      over = true;
      onValue(value);
    }, fail);
  }

  dispose(): void {
    this.#deadline.release();
  }
}

/** Conditions whose cost depends on the observation get what is left of the check's timeout. */
function budgetLeft(check: PreparedCheck, started: number): number {
  return check.timeoutMs - (performance.now() - started);
}

/** The verdict on what a local attempt observed (evaluateBounded's promise when a condition is costly). */
function judged(check: PreparedCheck, observation: Observation, started: number): Attempt | Promise<Attempt> {
  if (observation === null || typeof observation !== 'object') {
    return { status: 'error', message: `the ${check.def.kind} check returned no observation` };
  }
  // Nearly every check has only cheap conditions: judged here, with no promise and no extra tick.
  if (!anyBounded(check.conditions)) {
    const verdict = evaluateConditions(check.def, check.conditions, observation, { known: check.known });
    return { status: verdict.status, message: verdict.message, observation };
  }
  return evaluateBounded(check.def, check.conditions, observation, {
    known: check.known,
    budgetMs: budgetLeft(check, started),
  }).then((verdict) => ({ status: verdict.status, message: verdict.message, observation }));
}

/** What a local attempt that threw (or was abandoned) gives. */
function failed(
  check: PreparedCheck,
  ctx: ExecuteContext,
  limit: AttemptLimit,
  err: unknown,
  started: number,
): Attempt | Promise<Attempt> {
  // Whatever the check threw after its signal fired, the reason is the timeout or the cancellation.
  if (limit.timedOut)
    return { status: 'error', message: `timed out after ${formatDuration(check.timeoutMs)}` };
  if (ctx.signal?.aborted) return { status: 'error', message: 'run cancelled before this check finished' };
  if (isCheckFailure(err)) {
    return evaluateBounded(check.def, check.conditions, err.partial, {
      failure: errorMessage(err),
      known: check.known,
      budgetMs: budgetLeft(check, started),
    }).then((verdict) => ({ status: verdict.status, message: verdict.message, observation: err.partial }));
  }
  return { status: 'error', message: `${check.def.kind} check crashed: ${errorMessage(err)}` };
}

/**
 * One attempt, its result given to `done` (or an unexpected error to `fail`) exactly once. Callbacks,
 * not an async function: no promise, async frame or tick of its own per check (bench/README "branch
 * warm8"). A check that ignores its signal is still abandoned at its deadline (AttemptLimit.watch).
 */
function attempt(
  check: PreparedCheck,
  ctx: ExecuteContext,
  done: (result: Attempt) => void,
  fail: (err: unknown) => void,
): void {
  if (check.runner) {
    remoteAttempt(check as Parameters<typeof remoteAttempt>[0], ctx).then(done, fail);
    return;
  }
  const started = performance.now();
  const limit = new AttemptLimit(check.timeoutMs, ctx.signal);
  const context = {
    signal: limit.signal,
    timeoutMs: check.timeoutMs,
    baseDir: ctx.baseDir,
    env: ctx.env,
    now: ctx.now,
  };
  // The limit is released once the attempt's result is known (its conditions judged), as a `finally`.
  const broke = (err: unknown): void => {
    limit.dispose();
    fail(err);
  };
  // A judgement that throws (or rejects) is the check's failure, as if the check had thrown it.
  const end = (result: Attempt | Promise<Attempt>, rejected: (err: unknown) => void): void => {
    if (result instanceof Promise) {
      result.then((r) => {
        limit.dispose();
        done(r);
      }, rejected);
      return;
    }
    limit.dispose();
    done(result);
  };
  const ended = (err: unknown): void => {
    let result: Attempt | Promise<Attempt>;
    try {
      result = failed(check, ctx, limit, err, started);
    } catch (thrown) {
      broke(thrown);
      return;
    }
    end(result, broke);
  };
  limit.watch(
    () => check.def.run(check.target, check.options, context),
    (observation) => {
      let result: Attempt | Promise<Attempt>;
      try {
        result = judged(check, observation, started);
      } catch (err) {
        ended(err);
        return;
      }
      end(result, ended);
    },
    ended,
  );
}

/**
 * Run one prepared check with its retries; resolves to its outcome (never rejects).
 * @example const outcome = await runCheck(prepared, { baseDir: '.', env: process.env, now: () => new Date() });
 */
export function runCheck(check: PreparedCheck, ctx: ExecuteContext): Promise<CheckOutcome> {
  return new Promise<CheckOutcome>((resolve, reject) => {
    const started = performance.now();
    const at = ctx.now().toISOString();
    let attempts = 1;
    // After each attempt: retried on `fail` and `error` while retries are left, else the outcome.
    const next = (result: Attempt): void => {
      if (result.status !== 'pass' && attempts <= check.retries) {
        // Whatever throws here rejects the check's promise, as it did in the async function it was.
        pause(check.retryDelayMs, ctx.signal)
          .then(() => {
            if (ctx.signal?.aborted) {
              finish(result);
              return;
            }
            attempts++;
            attempt(check, ctx, next, reject);
          })
          .catch(reject);
        return;
      }
      finish(result);
    };
    const finish = (result: Attempt): void => {
      try {
        resolve(outcomeOf(check, ctx, result, attempts, started, at));
      } catch (err) {
        reject(err);
      }
    };
    attempt(check, ctx, next, reject);
  });
}

/**
 * Run checks concurrently: at most `concurrency` (64) at once and `perHost` (8) per host key.
 * Returns one outcome per check, keyed by item id. The list is read before this returns its promise:
 * a caller may empty it then, so that each check can be collected as soon as it has run.
 */
export async function executeChecks(
  checks: readonly PreparedCheck[],
  opts: ExecuteOptions,
): Promise<Map<string, CheckOutcome>> {
  const outcomes = new Map<string, CheckOutcome>();
  let done = 0;
  // The count, not the list: runBounded lets each check go once it has started, and nothing here may
  // keep the list (and every check of a 50,000-item run) alive until the last one ends.
  const total = checks.length;
  const traced = tracingActive();
  // One function for every outcome (the outcome names its item): no closure and no async frame per check.
  const record = (outcome: CheckOutcome): void => {
    outcomes.set(outcome.item, outcome);
    done++;
    try {
      opts.onProgress?.(outcome, done, total);
    } catch {
      // A progress display that throws must not lose the run.
    }
  };
  const one = (check: PreparedCheck): Promise<void> => {
    if (opts.signal?.aborted) {
      record({
        item: check.item.id,
        status: 'error',
        message: 'run cancelled before this check started',
        at: opts.now().toISOString(),
      });
      return Promise.resolve();
    }
    if (!traced) return runCheck(check, opts).then(record);
    return inSpan('gonogo.check', checkAttributes(check, opts.spanAttributes), async (span) => {
      const o = await runCheck(check, opts);
      endCheckSpan(span, o);
      return o;
    }).then(record);
  };
  await runBounded(checks, (check) => check.host, one, {
    concurrency: opts.concurrency,
    perHost: opts.perHost,
  });
  return outcomes;
}
