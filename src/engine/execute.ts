import type { Attributes } from '@opentelemetry/api';
import { formatDuration } from '../model/duration.js';
import { hasOwnKeys } from '../model/own-keys.js';
import type { CheckOutcome } from '../model/state.js';
import type { Observation } from './check.js';
import { anyBounded, evaluateBounded } from './condition-pool.js';
import { evaluateConditions } from './conditions.js';
import { type Deadline, startDeadline } from './deadlines.js';
import { runBounded } from './limiter.js';
import type { PreparedCheck } from './prepare.js';
import { type KnownSecrets, redactField, redactText, secretFingerprint } from './redact.js';
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

/** Observed strings longer than this are cut: 5,000 HTML bodies must not fill memory or the store. */
export const MAX_OBSERVED_STRING = 4096;

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

/** Names of the variables a kind declares secret (most kinds: none), computed once per kind. */
const secretNames = new WeakMap<object, string[]>();
function secretsOf(def: PreparedCheck['def']): string[] {
  let names = secretNames.get(def);
  if (!names) {
    names = Object.keys(def.variables).filter((name) => def.variables[name]!.secret);
    secretNames.set(def, names);
  }
  return names;
}

/** Observed values as they may leave the engine: secrets fingerprinted or redacted, long text cut. */
export function shapeObserved(check: PreparedCheck, observation: Observation): Record<string, unknown> {
  // Secret variables are shown as fingerprints, and their values are redacted wherever else they appear
  // (the known secrets are copied only when a secret variable adds to them; most checks have none).
  let known: KnownSecrets = check.known;
  let fingerprints: Map<string, string> | undefined;
  // `secret: false` in the check: the author says the value is a setting, not a secret (NODE_ENV).
  const declaredPublic = (check.options as { secret?: unknown } | undefined)?.secret === false;
  for (const name of declaredPublic ? [] : secretsOf(check.def)) {
    const value = observation[name];
    if (value === undefined || value === null || !Object.hasOwn(observation, name)) continue;
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    const shown = secretFingerprint(text);
    fingerprints ??= new Map();
    fingerprints.set(name, shown);
    const extended = new Map(known);
    extended.set(text, shown);
    known = extended;
  }
  const shaped: Record<string, unknown> = {};
  for (const name in observation) {
    const value = observation[name];
    if (value === undefined || !Object.hasOwn(observation, name)) continue;
    shaped[name] = fingerprints?.get(name) ?? redactField(name, value, known, MAX_OBSERVED_STRING);
  }
  return shaped;
}

/** A runner's observation, shaped on the runner: cut and redacted again with what this side knows. */
function shapeRemote(check: PreparedCheck, observation: Observation): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const name of Object.keys(observation)) {
    shaped[name] = redactField(name, observation[name], check.known, MAX_OBSERVED_STRING);
  }
  return shaped;
}

interface Attempt {
  status: CheckOutcome['status'];
  message?: string;
  observation?: Observation;
  /** The observation came from a runner, already shaped there (fingerprints, redaction). */
  remote?: boolean;
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
    if (this.#deadline.signal.aborted) return Promise.reject(new Abandoned());
    return new Promise<T>((resolve, reject) => {
      this.#deadline.onStop = () => reject(new Abandoned());
      try {
        Promise.resolve(start()).then(resolve, reject);
      } catch (err) {
        reject(err);
      }
    });
  }

  dispose(): void {
    this.#deadline.release();
  }
}

/** Conditions whose cost depends on the observation get what is left of the check's timeout. */
function budgetLeft(check: PreparedCheck, started: number): number {
  return check.timeoutMs - (performance.now() - started);
}

async function attempt(check: PreparedCheck, ctx: ExecuteContext): Promise<Attempt> {
  if (check.runner) return remoteAttempt(check as Parameters<typeof remoteAttempt>[0], ctx);
  const started = performance.now();
  const limit = new AttemptLimit(check.timeoutMs, ctx.signal);
  const context = {
    signal: limit.signal,
    timeoutMs: check.timeoutMs,
    baseDir: ctx.baseDir,
    env: ctx.env,
    now: ctx.now,
  };
  try {
    const observation = await limit.settle(() => check.def.run(check.target, check.options, context));
    if (observation === null || typeof observation !== 'object') {
      return { status: 'error', message: `the ${check.def.kind} check returned no observation` };
    }
    // Nearly every check has only cheap conditions: judged here, with no promise and no extra tick.
    const verdict = anyBounded(check.conditions)
      ? await evaluateBounded(check.def, check.conditions, observation, {
          known: check.known,
          budgetMs: budgetLeft(check, started),
        })
      : evaluateConditions(check.def, check.conditions, observation, { known: check.known });
    return { status: verdict.status, message: verdict.message, observation };
  } catch (err) {
    // Whatever the check threw after its signal fired, the reason is the timeout or the cancellation.
    if (limit.timedOut)
      return { status: 'error', message: `timed out after ${formatDuration(check.timeoutMs)}` };
    if (ctx.signal?.aborted) return { status: 'error', message: 'run cancelled before this check finished' };
    if (isCheckFailure(err)) {
      const verdict = await evaluateBounded(check.def, check.conditions, err.partial, {
        failure: errorMessage(err),
        known: check.known,
        budgetMs: budgetLeft(check, started),
      });
      return { status: verdict.status, message: verdict.message, observation: err.partial };
    }
    return { status: 'error', message: `${check.def.kind} check crashed: ${errorMessage(err)}` };
  } finally {
    limit.dispose();
  }
}

const NOT_RUN: Attempt = Object.freeze({ status: 'error', message: 'not run' });

/**
 * Run one prepared check with its retries; resolves to its outcome (never rejects).
 * @example const outcome = await runCheck(prepared, { baseDir: '.', env: process.env, now: () => new Date() });
 */
export async function runCheck(check: PreparedCheck, ctx: ExecuteContext): Promise<CheckOutcome> {
  const started = performance.now();
  const at = ctx.now().toISOString();
  let result: Attempt = NOT_RUN;
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
  const item = check.item.id;
  const status = result.status;
  let message: string | undefined;
  if (result.message !== undefined) {
    // Condition messages carry their values already redacted; failure messages get the known secrets too.
    message = redactText(result.message, check.known);
    if (attempts > 1 && status !== 'pass') message += ` (after ${attempts} attempts)`;
  }
  let observed: Record<string, unknown> | undefined;
  if (ctx.keepObserved !== false && result.observation && hasOwnKeys(result.observation)) {
    observed = result.remote
      ? shapeRemote(check, result.observation)
      : shapeObserved(check, result.observation);
  }
  const durationMs = Math.round(performance.now() - started);
  // Built whole, one literal for each set of keys (always in this order): V8 then keeps every field in
  // the object itself; added key by key, the last ones went to a property array of their own (a run
  // keeps all its outcomes to the end: bench/README "branch mem50k").
  if (message === undefined) {
    return observed === undefined
      ? { item, status, durationMs, at }
      : { item, status, observed, durationMs, at };
  }
  return observed === undefined
    ? { item, status, message, durationMs, at }
    : { item, status, message, observed, durationMs, at };
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
