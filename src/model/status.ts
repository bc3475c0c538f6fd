/** The closed set of item statuses (DESIGN.md "Item statuses"). */
export const ITEM_STATUSES = ['pass', 'fail', 'error', 'pending', 'waived', 'skipped'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** A verdict is GO or NO-GO, never anything else. */
export type Verdict = 'GO' | 'NO-GO';

/** Statuses that never block GO. */
export const NON_BLOCKING_STATUSES: ReadonlySet<ItemStatus> = new Set(['pass', 'waived', 'skipped']);

/** Per-status counts, as in the `summary` of run JSON. */
export type StatusSummary = Record<ItemStatus, number>;

/** An all-zero summary. */
export function emptySummary(): StatusSummary {
  return { pass: 0, fail: 0, error: 0, pending: 0, waived: 0, skipped: 0 };
}
