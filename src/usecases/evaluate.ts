import { type RunReport, toRunReport } from '../engine/report.js';
import type { RunRecord } from '../engine/store.js';
import type { TamperedRow } from '../model/audit.js';
import type { Checklist } from '../model/checklist.js';
import type { CheckOutcome } from '../model/state.js';
import { decideUntil, type Evaluation } from '../model/verdict.js';
import type { UseCaseContext } from './context.js';

/** The stored verdict of a checklist for one environment, without running anything. */
export interface StoredEvaluation {
  evaluation: Evaluation;
  report: RunReport;
  /** The latest stored run its audit event vouches for (its outcomes gave the check items their status). */
  latest: RunRecord | undefined;
  /** State rows the chain does not vouch for, left out of the verdict (also in `report.tampered`). */
  tampered: TamperedRow[];
  /**
   * Until when (epoch ms, on the context's clock) the same facts give this evaluation: the next expiry,
   * due date or launch ahead (`decideUntil`); Infinity when none. Only `report.at` moves before then.
   */
  until: number;
}

/** Which checklist and environment to evaluate, and the latest run when the caller already has it. */
export interface StoredInput {
  checklist: Checklist;
  environment: string;
  latest?: RunRecord | undefined;
  /** With `latest`: the run rows found tampered while looking it up (checkedLatestRun). */
  latestTampered?: TamperedRow[];
}

/**
 * Evaluate from stored state: check items from the latest stored run, manual items from the stored
 * attestations, waivers and sign-offs, at the context's clock. Runs no check and needs no role
 * beyond reading. `latest` skips the run lookup when the caller already has it.
 * @example const { evaluation } = await evaluateStored(ctx, { checklist, environment: 'production' })
 */
export async function evaluateStored(ctx: UseCaseContext, input: StoredInput): Promise<StoredEvaluation> {
  return evaluateFacts(ctx, input.checklist, input.environment, await loadStoredFacts(ctx, input));
}

/** What a stored evaluation reads from the store: the vouched latest run, the audit head, the state. */
export interface StoredFacts {
  latest: RunRecord | undefined;
  head: Awaited<ReturnType<UseCaseContext['store']['auditHead']>>;
  tampered: TamperedRow[];
  state: Awaited<ReturnType<UseCaseContext['store']['loadState']>>;
}

/** Read what `evaluateStored` decides from (a caller may keep it until the next state change). */
export async function loadStoredFacts(ctx: UseCaseContext, input: StoredInput): Promise<StoredFacts> {
  const { checklist, environment } = input;
  const [checked, state] = await Promise.all([
    'latest' in input
      ? ctx.store
          .auditHead()
          .then((head) => ({ run: input.latest, tampered: input.latestTampered ?? [], head }))
      : ctx.store.checkedLatestRun(checklist.id, environment),
    ctx.store.loadState(checklist.id, environment),
  ]);
  return {
    latest: checked.run,
    head: checked.head,
    tampered: [...checked.tampered, ...(state.tampered ?? [])],
    state,
  };
}

/** The verdict from facts read by `loadStoredFacts`, at the context's clock (expiries count now). */
export function evaluateFacts(
  ctx: UseCaseContext,
  checklist: Checklist,
  environment: string,
  facts: StoredFacts,
): StoredEvaluation {
  const { latest, head, tampered } = facts;
  const outcomes = new Map<string, CheckOutcome>((latest?.outcomes ?? []).map((o) => [o.item, o]));
  const now = ctx.now();
  const { attestations, waivers, signoffs } = facts.state;
  const { evaluation, until } = decideUntil({
    checklist,
    environment,
    outcomes,
    attestations,
    waivers,
    signoffs,
    now,
  });
  const report = toRunReport(checklist, evaluation, {
    at: now,
    ...(latest?.id !== undefined ? { run: latest.id } : {}),
    audit: head,
    tampered,
  });
  return { evaluation, report, latest, tampered, until };
}
