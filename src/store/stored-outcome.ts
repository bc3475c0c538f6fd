import { canonicalJson, canonicalMember } from '../model/canonical-json.js';
import { jsonText } from '../model/json-text.js';
import type { CheckOutcome } from '../model/state.js';
import { iso, keepable } from './rows.js';
import type { RunResultsTable } from './schema.js';

/**
 * `iso` for the outcomes of one save, each distinct time normalised once: a run's outcomes share a few
 * thousand times (a dozen to the millisecond), each normalised twice (its row, then the digest). `iso`
 * remembers only the last time, and the digest takes the outcomes by item, their times in no order: at
 * 50,000 outcomes both passes were ~60 ms of Date.parse and toISOString against ~4 ms of lookups here.
 */
export function isoOfSave(): (value: string) => string {
  const normal = new Map<string, string>();
  return (value) => {
    let text = normal.get(value);
    if (text === undefined) {
      text = iso(value, 'at');
      normal.set(value, text);
    }
    return text;
  };
}

/** An outcome's row of run_results (the observed values' text is JSON.stringify's, shared parts once). */
export function resultRow(
  runId: number,
  o: CheckOutcome,
  isoAt: (value: string) => string,
): Pick<RunResultsTable, keyof RunResultsTable> {
  return {
    run_id: runId,
    item: o.item,
    status: o.status,
    message: keepable(o.message) ?? null,
    observed: o.observed === undefined ? null : (jsonText(o.observed) ?? null),
    duration_ms: o.durationMs ?? null,
    at: o.at ? isoAt(o.at) : null,
  };
}

/**
 * The canonical text of one outcome as its stored row reads back (canonicalJson of outcomeOfRow of
 * resultRow), for the outcomes digest: each field present exactly when the row's column is not NULL,
 * with the value reading it back gives (`message` through keepable, `durationMs` through Number, `at`
 * through the save's normalisation); a field the row leaves NULL is left out. The observed values are
 * the outcome's own: the JSON text stored is JSON.stringify of them, plain JSON data (shaped by the
 * engine, or parsed from a runner's JSON), whose canonical form is that of its parse. Written member by
 * member in canonical key order (at, durationMs, item, message, observed, status), with no object built
 * per outcome (bench/README "branch save20"); stored-outcome.test.ts holds it equal to the row read back.
 */
export function storedOutcomeText(o: CheckOutcome, isoAt: (value: string) => string): string {
  const { item, status } = o;
  const message = keepable(o.message) ?? undefined;
  const { observed } = o;
  const duration = o.durationMs ?? null;
  const durationMs = duration === null ? undefined : Number(duration);
  const at = o.at ? isoAt(o.at) : undefined;
  // Object.prototype given a toJSON applies to the object canonicalJson would have been given: its path.
  if (typeof (Object.prototype as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson({ item, status, message, observed, durationMs, at });
  let text = '{';
  text = withMember(text, '"at":', at, 'at');
  text = withMember(text, '"durationMs":', durationMs, 'durationMs');
  text = withMember(text, '"item":', item, 'item');
  text = withMember(text, '"message":', message, 'message');
  text = withMember(text, '"observed":', observed, 'observed');
  text = withMember(text, '"status":', status, 'status');
  return `${text}}`;
}

/** `text` (an object's text so far) and member `key`'s, as canonicalJson writes it (or leaves it out). */
function withMember(text: string, name: string, value: unknown, key: string): string {
  const member = canonicalMember(value, key);
  if (member === undefined) return text;
  return text.length === 1 ? text + name + member : `${text},${name}${member}`;
}
