import type { Observation } from './check.js';

export { RUNNER_LABEL, runnerLabelProblem } from '../model/check-options.js';

/**
 * The ports of runners in private networks (DESIGN.md "Scale" → "Runners in private networks"). A check
 * with `runner: LABEL` is observed by a `gonogo runner` holding that label and judged here: the engine
 * hands the job to a RunnerDispatch and evaluates the check's conditions on the observation it gets
 * back. The queue behind both ports (pg-boss on the PostgreSQL store) lives in src/store/runner-queue.ts;
 * the engine never imports it.
 */

/**
 * What a runner receives for one check, and nothing else: no other item, no store URL, no condition.
 * `${NAME}` references the checklist's environment block does not define are left as written, for the
 * runner to expand from its own process environment (so secrets never travel: they live where the
 * systems are).
 */
export interface RunnerJob {
  /** The item's id, for the runner's log. */
  item: string;
  kind: string;
  /** The target as written, the environment block's values expanded. */
  target: unknown;
  /** The kind's own options, likewise (the common options are not sent: the server applies them). */
  options: Record<string, unknown>;
  /** One attempt's limit: the check's `timeout`. */
  timeoutMs: number;
  /** Variables the checklist names secret (front matter `secrets:`): the runner redacts their values too. */
  secretNames: string[];
  /** `secret: false` on an `env` check: the runner reports the value itself, not its fingerprint. */
  secret?: false;
}

/**
 * What a runner observed, redacted on the runner with the engine's rules: a full observation, or a
 * partial one with the failure that cut it short (refused, timeout), or an error when it could not run.
 */
export type RunnerAnswer = { observed: Observation; failure?: string } | { error: string };

/** Sends runner-bound checks to their label's queue and waits for the answer (the run's side). */
export interface RunnerDispatch {
  /**
   * Queue `job` for `label` and resolve with the runner's answer; never rejects. A job no runner claims
   * within `job.timeoutMs` resolves `{error: 'no runner with label L answered within T'}`.
   */
  observe(label: string, job: RunnerJob, signal?: AbortSignal): Promise<RunnerAnswer>;
}

/** A job handed to a runner by `claim`. */
export interface ClaimedJob {
  id: string;
  label: string;
  job: RunnerJob;
}

/** Hands jobs to runners and takes their answers (the server's side, behind the runner API). */
export interface RunnerBroker {
  /**
   * Up to `max` jobs from the queues of `labels`, waiting up to `waitMs` for one to arrive (long poll);
   * an empty list when none did or `signal` aborted.
   */
  claim(
    labels: readonly string[],
    opts: { waitMs: number; max: number; signal?: AbortSignal },
  ): Promise<ClaimedJob[]>;
  /**
   * Record the answer to a claimed job of one of `labels`; resolves to the job's label, or undefined when
   * the job is no longer held (completed already, expired and handed to another runner, cancelled): the
   * first answer wins, exactly once.
   */
  complete(id: string, labels: readonly string[], answer: RunnerAnswer): Promise<string | undefined>;
}

/** The reason a `runner:` item is `error` where no queue exists (the SQLite store). */
export function noQueueReason(label: string): string {
  return `runner: ${label} needs the PostgreSQL store (--db postgres://…): runners take their jobs from a queue in PostgreSQL, and this store is SQLite`;
}
