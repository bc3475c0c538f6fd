import { formatDuration } from '../model/duration.js';
import { isoTime } from '../model/iso-time.js';
import type { CheckOutcome } from '../model/state.js';
import type { CheckContext, Observation } from './check.js';
import { anyBounded, evaluateBounded } from './condition-pool.js';
import { evaluateConditions } from './conditions.js';
import { type Deadline, startDeadline } from './deadlines.js';
import { type Attempt, outcomeOf } from './outcome.js';
import type { PreparedCheck } from './prepare.js';
import { noQueueReason, type RunnerDispatch } from './runners.js';

/**
 * One check's run as one object: its attempts (each under its deadline, a check that ignores its signal
 * abandoned once the deadline passes or the run is cancelled), its retries, and its outcome, reported by
 * callback. A run has one per check, so what a check costs before V8 optimizes the engine (a run's first
 * thousands of checks) is what this does: per attempt one object, two callbacks for the kind's promise
 * and one for its deadline; no promise, async frame or microtask hop of the engine's own (bench/README
 * "branch warm8", "branch exec11").
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
async function remoteAttempt(check: PreparedCheck, ctx: ExecuteContext): Promise<Attempt> {
  const { label, job } = check.runner!;
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

/** Conditions whose cost depends on the observation get what is left of the check's timeout since `started`. */
const budgetLeft = (check: PreparedCheck, started: number): number =>
  check.timeoutMs - (performance.now() - started);

/**
 * The verdict on what a local attempt observed (evaluateBounded's promise when a condition is costly,
 * given what is left of the check's timeout since the attempt `started`: read only then).
 */
function judged(check: PreparedCheck, observation: Observation, started: number): Attempt | Promise<Attempt> {
  if (observation === null || typeof observation !== 'object') {
    return { status: 'error', message: `the ${check.def.kind} check returned no observation` };
  }
  // Nearly every check has only cheap conditions: judged here, with no promise and no extra tick.
  if (!anyBounded(check.conditions)) {
    const verdict = evaluateConditions(check.def, check.conditions, observation, { known: check.known });
    return { status: verdict.status, message: verdict.message, observation };
  }
  const budgetMs = budgetLeft(check, started);
  return evaluateBounded(check.def, check.conditions, observation, { known: check.known, budgetMs }).then(
    (verdict) => ({ status: verdict.status, message: verdict.message, observation }),
  );
}

/** What a local attempt that threw (or was abandoned) gives. */
function failed(
  check: PreparedCheck,
  ctx: ExecuteContext,
  timedOut: boolean,
  err: unknown,
  budgetMs: number,
): Attempt | Promise<Attempt> {
  // Whatever the check threw after its signal fired, the reason is the timeout or the cancellation.
  if (timedOut) return { status: 'error', message: `timed out after ${formatDuration(check.timeoutMs)}` };
  if (ctx.signal?.aborted) return { status: 'error', message: 'run cancelled before this check finished' };
  if (isCheckFailure(err)) {
    return evaluateBounded(check.def, check.conditions, err.partial, {
      failure: errorMessage(err),
      known: check.known,
      budgetMs,
    }).then((verdict) => ({ status: verdict.status, message: verdict.message, observation: err.partial }));
  }
  return { status: 'error', message: `${check.def.kind} check crashed: ${errorMessage(err)}` };
}

/**
 * Run one prepared check with its retries: `outcome` gets its outcome, then `ended` is called; or, when
 * something unexpected throws (shaping the outcome, a judgement's own failure handling), `broke` gets
 * the error instead. Exactly one of `ended` and `broke`, once.
 * @example new CheckRun(prepared, ctx, (o) => outcomes.push(o), () => {}, console.error).start();
 */
export class CheckRun {
  readonly #check: PreparedCheck;
  readonly #ctx: ExecuteContext;
  readonly #outcome: (outcome: CheckOutcome) => void;
  readonly #ended: () => void;
  readonly #broke: (err: unknown) => void;
  readonly #started = performance.now();
  readonly #at: string;
  #attempts = 0;
  /** The running attempt's deadline and start; `#settled` once its result (or its end) is known. */
  #deadline: Deadline | undefined = undefined;
  #attemptStarted = 0;
  #settled = false;

  constructor(
    check: PreparedCheck,
    ctx: ExecuteContext,
    outcome: (outcome: CheckOutcome) => void,
    ended: () => void,
    broke: (err: unknown) => void,
  ) {
    this.#check = check;
    this.#ctx = ctx;
    this.#outcome = outcome;
    this.#ended = ended;
    this.#broke = broke;
    // A slot's checks start within a few seconds: their times are made from the second's text (iso-time.ts).
    this.#at = isoTime(ctx.now());
  }

  /** Start the next attempt. Never throws: whatever goes wrong ends in `broke`. */
  start(): void {
    const check = this.#check;
    const n = ++this.#attempts;
    if (check.runner) {
      remoteAttempt(check, this.#ctx).then(
        (result) => this.#next(result),
        (err) => this.#broke(err),
      );
      return;
    }
    this.#attemptStarted = performance.now();
    this.#settled = false;
    const deadline = startDeadline(check.timeoutMs, this.#ctx.signal);
    this.#deadline = deadline;
    const signal = deadline.signal;
    if (signal.aborted) {
      // Cancelled before it started: the kind is not called.
      this.#threw(new Abandoned(), n);
      return;
    }
    // The deadline stops an attempt that ignores its signal: its result comes now, and what the check
    // gives later is ignored (the attempt number no longer matches, or it is settled).
    deadline.onStop = () => this.#threw(new Abandoned(), n);
    const ctx = this.#ctx;
    const context: CheckContext = {
      signal,
      timeoutMs: check.timeoutMs,
      baseDir: ctx.baseDir,
      env: ctx.env,
      now: ctx.now,
    };
    let running: Promise<Observation>;
    try {
      running = check.def.run(check.target, check.options, context);
    } catch (err) {
      this.#threw(err, n);
      return;
    }
    Promise.resolve(running).then(
      (observation) => this.#observed(observation, n),
      (err) => this.#threw(err, n),
    );
  }

  /** Whether attempt `n`'s result still counts (it is the current one and not settled), marking it settled. */
  #takes(n: number): boolean {
    if (n !== this.#attempts || this.#settled) return false;
    this.#settled = true;
    return true;
  }

  #observed(observation: Observation, n: number): void {
    if (!this.#takes(n)) return;
    let result: Attempt | Promise<Attempt>;
    try {
      result = judged(this.#check, observation, this.#attemptStarted);
    } catch (err) {
      // A judgement that throws (or rejects) is the check's failure, as if the check had thrown it.
      this.#failed(err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => this.#judgedAs(r),
        (err) => this.#failed(err),
      );
    } else {
      this.#judgedAs(result);
    }
  }

  #threw(err: unknown, n: number): void {
    if (this.#takes(n)) this.#failed(err);
  }

  #failed(err: unknown): void {
    let result: Attempt | Promise<Attempt>;
    try {
      result = failed(
        this.#check,
        this.#ctx,
        this.#deadline!.timedOut,
        err,
        budgetLeft(this.#check, this.#attemptStarted),
      );
    } catch (thrown) {
      this.#release();
      this.#broke(thrown);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => this.#judgedAs(r),
        (thrown) => {
          this.#release();
          this.#broke(thrown);
        },
      );
    } else {
      this.#judgedAs(result);
    }
  }

  /** The attempt is over: it no longer holds its deadline (released once its result is known). */
  #release(): void {
    const deadline = this.#deadline;
    if (deadline === undefined) return;
    this.#deadline = undefined;
    deadline.onStop = undefined;
    deadline.release();
  }

  #judgedAs(result: Attempt): void {
    this.#release();
    this.#next(result);
  }

  /** After each attempt: retried on `fail` and `error` while retries are left, else the outcome. */
  #next(result: Attempt): void {
    const check = this.#check;
    if (result.status !== 'pass' && this.#attempts <= check.retries) {
      const signal = this.#ctx.signal;
      pause(check.retryDelayMs, signal).then(
        () => {
          if (signal?.aborted) this.#finish(result);
          else this.start();
        },
        (err) => this.#broke(err),
      );
      return;
    }
    this.#finish(result);
  }

  #finish(result: Attempt): void {
    let outcome: CheckOutcome;
    try {
      outcome = outcomeOf(this.#check, this.#ctx, result, this.#attempts, this.#started, this.#at);
      this.#outcome(outcome);
    } catch (err) {
      this.#broke(err);
      return;
    }
    this.#ended();
  }
}
