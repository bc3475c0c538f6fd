import { type RunReport, toRunReport } from '../engine/report.js';
import type { RunRecord } from '../engine/store.js';
import type { Checklist } from '../model/checklist.js';
import type { CheckOutcome } from '../model/state.js';
import { decide, type Evaluation } from '../model/verdict.js';
import type { UseCaseContext } from './context.js';

/** The stored verdict of a checklist for one environment, without running anything. */
export interface StoredEvaluation {
  evaluation: Evaluation;
  report: RunReport;
  /** The latest stored run (its outcomes gave the check items their status), if any. */
  latest: RunRecord | undefined;
}

/**
 * Evaluate from stored state: check items from the latest stored run, manual items from the stored
 * attestations, waivers and sign-offs, at the context's clock. Runs no check and needs no role
 * beyond reading. `latest` skips the run lookup when the caller already has it.
 * @example const { evaluation } = await evaluateStored(ctx, { checklist, environment: 'production' })
 */
export async function evaluateStored(
  ctx: UseCaseContext,
  input: { checklist: Checklist; environment: string; latest?: RunRecord | undefined },
): Promise<StoredEvaluation> {
  const { checklist, environment } = input;
  const [latest, state] = await Promise.all([
    'latest' in input ? input.latest : ctx.store.latestRun(checklist.id, environment),
    ctx.store.loadState(checklist.id, environment),
  ]);
  const outcomes = new Map<string, CheckOutcome>((latest?.outcomes ?? []).map((o) => [o.item, o]));
  const now = ctx.now();
  const evaluation = decide({ checklist, environment, outcomes, ...state, now });
  const report = toRunReport(checklist, evaluation, {
    at: now,
    ...(latest?.id !== undefined ? { run: latest.id } : {}),
  });
  return { evaluation, report, latest };
}
