import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatDuration } from '../model/duration.js';
import type { CheckDefinition, Observation } from './check.js';
import { CONDITION_WORKER, type ConditionJob, type ConditionWorkerData, READY } from './condition-worker.js';
import {
  type Condition,
  type ConditionOutcome,
  type ConditionRequest,
  type ConditionVerdict,
  evaluateConditions,
  evaluateHere,
  judgeConditions,
} from './conditions.js';
import type { KnownSecrets } from './redact.js';

/**
 * Time-limited evaluation of the conditions whose cost depends on the observation (`bounded`: a
 * comprehension over observed data, a regular expression). cel-js evaluates synchronously and nothing
 * can interrupt a regular expression in the thread that runs it, so these run in worker threads that are
 * terminated when their time is up: the event loop (the server's `/health/live`, the other checks) goes
 * on meanwhile. The other conditions, nearly all of them, stay in the calling thread.
 */

/** However little of the check's timeout is left, a condition gets this long (start-up of a worker). */
export const MIN_CONDITION_MS = 1_000;

/** Workers at most: checks with such conditions rarely run at once, and the machine has few cores. */
const WORKERS = 2;

/** A worker's heap: a `map` building huge lists fails the condition, not the process. */
const WORKER_HEAP_MB = 256;

/**
 * From the TypeScript sources (tests, `npm run gonogo`) a worker cannot load .ts modules by itself: this
 * registers tsx in it first. A build runs JavaScript only and never takes this path.
 */
const TYPESCRIPT_WORKER = new URL('../../scripts/typescript-worker.mjs', import.meta.url);

interface Job {
  message: ConditionJob;
  limitMs: number;
  resolve: (outcome: ConditionOutcome) => void;
  timer?: NodeJS.Timeout;
  worker?: Worker;
  settled: boolean;
}

/** Worker threads evaluating conditions, each one job at a time, terminated when a job runs too long. */
export class ConditionPool {
  readonly #script: URL | undefined;
  readonly #idle: Worker[] = [];
  /** Started, not yet ready (loading the CEL engine): jobs wait for them untimed. */
  readonly #starting = new Set<Worker>();
  readonly #current = new Map<Worker, Job>();
  readonly #queue: Job[] = [];

  constructor(script: URL = CONDITION_WORKER) {
    // Without the worker's module (a damaged install) conditions are evaluated in this thread.
    this.#script = existsSync(fileURLToPath(script)) ? script : undefined;
  }

  /** The outcome of one condition, or `timedOut` when it did not finish within `limitMs`. */
  evaluate(
    def: CheckDefinition<unknown, unknown>,
    request: ConditionRequest,
    limitMs: number,
  ): Promise<ConditionOutcome> {
    if (!this.#script) return Promise.resolve(evaluateHere(request));
    return new Promise((resolve) => {
      const message: ConditionJob = {
        kind: def.kind,
        variables: def.variables,
        expr: request.condition.expr,
        context: request.context,
      };
      // The time counts from when a ready worker takes the job: starting a worker (loading the CEL engine,
      // compiling TypeScript from the sources) is not the condition's cost.
      const job: Job = { message, limitMs, resolve, settled: false };
      this.#queue.push(job);
      this.#pump();
    });
  }

  #settle(job: Job, outcome: ConditionOutcome): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    job.resolve(outcome);
  }

  #expire(job: Job): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    if (job.worker) this.#discard(job.worker);
    this.#settle(job, { timedOut: formatDuration(job.limitMs) });
    this.#pump();
  }

  #discard(worker: Worker): void {
    this.#current.delete(worker);
    const idle = this.#idle.indexOf(worker);
    if (idle >= 0) this.#idle.splice(idle, 1);
    void worker.terminate();
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop();
      if (!worker) {
        const busy = this.#current.size + this.#starting.size;
        if (busy < WORKERS && busy < this.#queue.length + this.#current.size) this.#spawn();
        return;
      }
      const job = this.#queue.shift()!;
      job.worker = worker;
      job.timer = setTimeout(() => this.#expire(job), job.limitMs);
      this.#current.set(worker, job);
      try {
        worker.postMessage(job.message);
      } catch (err) {
        this.#current.delete(worker);
        this.#idle.push(worker);
        this.#settle(job, { why: `could not hand the condition to its worker: ${(err as Error).message}` });
      }
    }
  }

  #spawn(): void {
    const script = this.#script!;
    const workerData: ConditionWorkerData = { conditionJob: true, script: script.href };
    const worker = new Worker(script.pathname.endsWith('.ts') ? TYPESCRIPT_WORKER : script, {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // A starting worker keeps the process up (its jobs are not timed yet); an idle one must not keep a
    // CLI run alive, and a job's timer keeps the process up while it runs.
    this.#starting.add(worker);
    worker.on('message', (outcome: ConditionOutcome | typeof READY) => {
      if (outcome === READY) {
        this.#starting.delete(worker);
        worker.unref();
        this.#idle.push(worker);
        this.#pump();
        return;
      }
      const job = this.#current.get(worker);
      this.#current.delete(worker);
      this.#idle.push(worker);
      if (job) this.#settle(job, outcome);
      this.#pump();
    });
    const lost = (why: string): void => {
      const failedToStart = this.#starting.delete(worker);
      const job = this.#current.get(worker);
      this.#discard(worker);
      if (job) this.#settle(job, { why: `the condition could not be evaluated: ${why}` });
      if (failedToStart) {
        // A worker that cannot start says so for every waiting job, instead of being started again forever.
        for (const waiting of this.#queue.splice(0)) {
          this.#settle(waiting, {
            why: `the condition could not be evaluated: its worker did not start: ${why}`,
          });
        }
      }
      this.#pump();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`its worker exited with code ${code}`));
  }
}

let shared: ConditionPool | undefined;

/**
 * Whether any condition needs the time-limited evaluation of evaluateBounded; when none does, a caller
 * may call evaluateConditions itself, synchronously (the same verdict, without a promise per check).
 */
export function anyBounded(conditions: readonly Condition[]): boolean {
  for (let i = 0; i < conditions.length; i++) if (conditions[i]!.bounded) return true;
  return false;
}

/**
 * evaluateConditions with the `bounded` conditions evaluated in worker threads within `budgetMs` (the
 * rest of the check's timeout, at least MIN_CONDITION_MS): one that runs out of time makes the item
 * `error` saying so, and never holds up the event loop.
 */
export async function evaluateBounded(
  def: CheckDefinition<unknown, unknown>,
  conditions: readonly Condition[],
  observation: Observation,
  opts: { failure?: string; known?: KnownSecrets; budgetMs: number },
): Promise<ConditionVerdict> {
  if (!anyBounded(conditions)) return evaluateConditions(def, conditions, observation, opts);
  shared ??= new ConditionPool();
  const budgetMs = Math.max(opts.budgetMs, MIN_CONDITION_MS);
  const deadline = performance.now() + budgetMs;
  const judging = judgeConditions(def, conditions, observation, opts);
  let step = judging.next();
  while (!step.done) {
    const limitMs = Math.max(Math.round(deadline - performance.now()), 1);
    const outcome = await shared.evaluate(def, step.value, limitMs);
    step = judging.next('timedOut' in outcome ? { timedOut: formatDuration(budgetMs) } : outcome);
  }
  return step.value;
}
