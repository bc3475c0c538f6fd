import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { CheckDefinition, VariableDecl } from './check.js';
import { type ConditionOutcome, compileCondition, evaluateHere } from './conditions.js';

/**
 * The thread that evaluates time-limited conditions (condition-pool.ts). The worker runs this very module,
 * wherever it is (src/ from the sources, whichever chunk a bundler put it in), so no path to a separate
 * script has to survive a build; loaded anywhere else it only exports its own address. It is given a condition's text,
 * the variables of its kind and the CEL values it reads; it compiles the condition (cached, as in the
 * calling thread) and answers with the outcome. When it runs out of time it is terminated, which is the
 * one way to stop a regular expression or a comprehension that is still going.
 */

/** One evaluation asked of the worker. */
export interface ConditionJob {
  kind: string;
  variables: Record<string, VariableDecl>;
  expr: string;
  context: Record<string, unknown>;
}

/** Stand-ins for the kinds: compileCondition caches per definition object, so keep one per kind. */
const definitions = new Map<string, CheckDefinition<unknown, unknown>>();

function definitionOf(job: ConditionJob): CheckDefinition<unknown, unknown> {
  const key = `${job.kind}\n${JSON.stringify(job.variables)}`;
  let def = definitions.get(key);
  if (!def) {
    def = { kind: job.kind, variables: job.variables } as unknown as CheckDefinition<unknown, unknown>;
    definitions.set(key, def);
  }
  return def;
}

function evaluate(job: ConditionJob): ConditionOutcome {
  let outcome: ConditionOutcome;
  try {
    const condition = compileCondition(definitionOf(job), job.expr);
    outcome = evaluateHere({ condition, context: job.context });
  } catch (err) {
    outcome = { why: (err as Error).message };
  }
  // Only whether it held travels back: any other value (a list, a map) is just "not true or false".
  if ('value' in outcome && typeof outcome.value !== 'boolean') return { value: null };
  return outcome;
}

/** The module a worker runs to evaluate conditions: this one. */
export const CONDITION_WORKER = new URL(import.meta.url);

/** What a condition worker is started with. */
export interface ConditionWorkerData {
  conditionJob: true;
  /** This module's address, for the TypeScript bootstrap of the sources (scripts/typescript-worker.mjs). */
  script: string;
}

/** A worker says it is ready once this module (and the CEL engine) are loaded: its jobs are timed from then. */
export const READY = 'ready';

if (!isMainThread && (workerData as Partial<ConditionWorkerData> | null)?.conditionJob === true) {
  parentPort?.on('message', (job: ConditionJob) => {
    parentPort?.postMessage(evaluate(job));
  });
  parentPort?.postMessage(READY);
}
