import type { RunReport } from '../engine/report.js';
import { ConfigError } from '../model/errors.js';

/** What `--only` keeps of a report: everything, or the blocking problems alone. */
export type OnlyFilter = 'all' | 'failing';

const ONLY_VALUES: readonly OnlyFilter[] = ['all', 'failing'];

/** The `--only` value as a typed filter; anything else is a usage error (exit 2) naming the choices. */
export function parseOnly(value: string | undefined): OnlyFilter {
  if (value === undefined) return 'all';
  if ((ONLY_VALUES as readonly string[]).includes(value)) return value as OnlyFilter;
  throw new ConfigError(`unknown --only "${value}"; use one of: ${ONLY_VALUES.join(', ')}`, 'only');
}

const BLOCKING_CODES = new Set(['item-fail', 'item-error', 'item-pending']);

/**
 * The report cut to what stands between the launch and GO: items a blocking reason names and sign-offs
 * not (validly) given. Verdict, summary and reasons stay whole, so the counts still tell the full story.
 */
export function applyOnly(report: RunReport, only: OnlyFilter): RunReport {
  if (only === 'all') return report;
  const blocking = new Set(
    report.reasons.filter((r) => BLOCKING_CODES.has(r.code) && r.item).map((r) => r.item as string),
  );
  return {
    ...report,
    items: report.items.filter((i) => blocking.has(i.id)),
    signoffs: report.signoffs.filter((s) => !s.by),
  };
}
