import type { Kysely } from 'kysely';
import { canonicalJson } from '../model/audit.js';
import { jsonListDigest } from '../model/list-digest.js';
import type { Database } from './schema.js';
import { EVENT_OF, outcomeOfRow } from './state-binding.js';
import { compiledPerLength } from './verify-pages.js';
import { type FullEvent, isText, js, RESULT_COLUMNS, rowOf, standsAsRead } from './verify-rows.js';

/**
 * What `audit verify` writes for a run row (issue 15, branch verify7): the run check built a record, an
 * object per outcome, a sorted copy of each and a Hash object per run (~20 µs a run, the largest part of
 * verify's own work). Here a run row is written straight into the hashed text its `run.completed` event
 * would have, from the row's and its outcomes' columns; equal to the event's spliced text, the row is
 * what the event recorded, as the full comparison (verify-state.ts) would find. Each text is written only
 * from values of the types gonogo stores; any other value leaves it to the full comparison.
 */

type Values = readonly unknown[];

/** A run_results row (RESULT_COLUMNS) as canonicalJson writes the outcome outcomeOfRow reads from it. */
export function storedOutcomeText(r: Values): string {
  const [, item, status, message, observed, durationMs, at] = r;
  if (
    !isText(item) ||
    !isText(status) ||
    (message !== null && !isText(message)) ||
    (observed !== null && !isText(observed)) ||
    (at !== null && !isText(at))
  )
    return canonicalJson(outcomeOfRow(rowOf(RESULT_COLUMNS, r) as never));
  // The outcome's keys in canonical order: at, durationMs, item, message, observed, status.
  let text = at !== null ? `{"at":${js(at)},` : '{';
  if (durationMs !== null) text += `"durationMs":${js(Number(durationMs))},`;
  text += `"item":${js(item)}`;
  if (message !== null) text += `,"message":${js(message)}`;
  if (observed !== null) text += `,"observed":${canonicalJson(JSON.parse(observed))}`;
  return `${text},"status":${js(status)}}`;
}

const byItem = (a: Values, b: Values) => {
  const x = a[1] as string;
  const y = b[1] as string;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** outcomesDigest (state-binding.ts) of the outcomes read from these run_results rows. */
export function storedOutcomesDigest(results: readonly Values[]): string {
  // Sorted as outcomesDigest sorts the outcomes (by item, in code-unit order; stable).
  return jsonListDigest([...results].sort(byItem), storedOutcomeText);
}

/**
 * The data text a run row (RUN_COLUMNS) would have in its `run.completed` event, written by gonogo with
 * `outcomes` its outcomes' digest; undefined when a column is not of the type gonogo writes or the summary
 * is not JSON (the full comparison names what is wrong).
 */
export function runDataText(r: Values, outcomes: string): string | undefined {
  const [id, , checklist, environment, digest, startedAt, finishedAt, verdict, summary, trigger] = r;
  if (
    typeof id !== 'number' ||
    !isText(checklist) ||
    !isText(environment) ||
    !isText(digest) ||
    !isText(startedAt) ||
    !isText(finishedAt) ||
    !isText(verdict) ||
    !isText(summary) ||
    !isText(trigger)
  )
    return undefined;
  let summaryText: string;
  try {
    summaryText = canonicalJson(JSON.parse(summary));
  } catch {
    return undefined;
  }
  return (
    `{"digest":${js(digest)},"outcomes":${js(outcomes)},"run":${js(id)},"startedAt":${js(startedAt)},` +
    `"summary":${summaryText},"trigger":${js(trigger)},"verdict":${js(verdict)}}`
  );
}

/**
 * The hashed text (no prev_hash) a run row (RUN_COLUMNS) would have as its `run.completed` event at
 * `seq`, written by gonogo (actor = trigger; runDataText), undefined where runDataText is.
 */
export function runEventText(r: Values, seq: number, outcomes: string): string | undefined {
  const data = runDataText(r, outcomes);
  if (data === undefined) return undefined;
  const [, , checklist, environment, , , finishedAt, , , trigger] = r;
  return (
    `{"actor":${js(trigger)},"at":${js(finishedAt)},"checklist":${js(checklist)},"data":${data},` +
    `"environment":${js(environment)},"seq":${seq},"type":"${EVENT_OF.runs}"}`
  );
}

/** Whether a run row read in full (RUN_COLUMNS) is what its event read in full recorded (standsAsRead). */
export const runStandsAsRead = (r: Values, e: FullEvent, outcomes: string) =>
  standsAsRead(r, r[9], r[6], runDataText(r, outcomes), e);

/** The read of some runs' outcomes (run_results rows, RESULT_COLUMNS), compiled once per number of runs. */
export const outcomesOf = (db: Kysely<Database>) =>
  compiledPerLength((ids) =>
    db.selectFrom('run_results').select(RESULT_COLUMNS).where('run_id', 'in', ids).compile(),
  );
