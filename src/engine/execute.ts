import type { Attributes } from '@opentelemetry/api';
import type { CheckOutcome } from '../model/state.js';
import { Abandoned, CheckRun, type ExecuteContext } from './check-run.js';
import { type Deadline, startDeadline } from './deadlines.js';
import { startBounded } from './limiter.js';
import type { PreparedCheck } from './prepare.js';
import { ATTR, endCheckSpan, hostAttributes, inSpan, tracingActive } from './tracing.js';

export {
  Abandoned,
  type ExecuteContext,
  errorMessage,
  isCheckFailure,
  pause,
} from './check-run.js';

/**
 * Running prepared checks: concurrently under global and per-host bounds, each attempt under its own
 * timeout (a cleared timer joined with the run's signal), retried on `fail` and `error` alike
 * (a 503 during a deploy and a refused connection are equally transient), never throwing: every item
 * gets an outcome and the run goes on.
 */

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

/**
 * One attempt's limits for a runner's job (runner-work.ts): its deadline (a signal shared with attempts
 * that started about the same time, see deadlines.ts), and abandoning a check that ignores its signal
 * once the deadline passes or the run is cancelled.
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
   * is abandoned). A synchronous throw from `start` rejects too. (The runner's path; a run's checks
   * use CheckRun, which does the same without a promise of its own.)
   */
  settle<T>(start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#deadline.signal.aborted) {
        reject(new Abandoned());
        return;
      }
      // A promise settles once: what the check gives after it was abandoned is ignored.
      this.#deadline.onStop = () => reject(new Abandoned());
      Promise.resolve(start()).then(resolve, reject);
    });
  }

  dispose(): void {
    this.#deadline.release();
  }
}

/**
 * Run one prepared check with its retries; resolves to its outcome (never rejects).
 * @example const outcome = await runCheck(prepared, { baseDir: '.', env: process.env, now: () => new Date() });
 */
export function runCheck(check: PreparedCheck, ctx: ExecuteContext): Promise<CheckOutcome> {
  return new Promise<CheckOutcome>((resolve, reject) => {
    new CheckRun(check, ctx, resolve, ignore, reject).start();
  });
}

const ignore = (): void => {};

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
  // Each check reports to `record`, then to its lane (`ended`): no promise of the engine's per check.
  const start = (check: PreparedCheck, ended: () => void, broke: (err: unknown) => void): void => {
    if (opts.signal?.aborted) {
      record({
        item: check.item.id,
        status: 'error',
        message: 'run cancelled before this check started',
        at: opts.now().toISOString(),
      });
      ended();
      return;
    }
    if (!traced) {
      new CheckRun(check, opts, record, ended, broke).start();
      return;
    }
    inSpan('gonogo.check', checkAttributes(check, opts.spanAttributes), async (span) => {
      const o = await runCheck(check, opts);
      endCheckSpan(span, o);
      return o;
    })
      .then(record)
      .then(ended, broke);
  };
  await startBounded(checks, (check) => check.host, start, {
    concurrency: opts.concurrency,
    perHost: opts.perHost,
  });
  return outcomes;
}
