import type { RunReport } from '../../engine/report.js';
import type { ItemStatus } from '../../model/status.js';

/** Options every output format receives. */
export interface RenderOptions {
  /** ANSI colour is allowed (a terminal, not NO_COLOR). Only the text format uses it. */
  color: boolean;
  /** Columns a line may use (the terminal's width); only the text format lays out to it. Default 80. */
  width?: number;
}

/**
 * An output format: `src/cli/format/<name>.ts` default-exports one and the index finds it by file name,
 * so adding a format touches one file and its test.
 */
export interface Formatter {
  /** Equals the file name (`junit.ts` -> `junit`); the index refuses a mismatch. */
  name: string;
  /** One line for `--help`. */
  summary: string;
  render(report: RunReport, opts: RenderOptions): string;
  /**
   * The same text as `render`, in pieces whose concatenation is exactly that text: a format that can
   * produce its output bit by bit offers this, so a 50,000-item report is written without ever holding
   * the whole text (and its encoded copy) in memory. Optional: `render`'s one string serves otherwise.
   */
  pieces?(report: RunReport, opts: RenderOptions): Iterable<string>;
}

/** One item of a report. */
export type ReportItem = RunReport['items'][number];

/** Items grouped by their innermost section, in document order (sections keep first-seen order). */
export function groupBySection(items: readonly ReportItem[]): { title: string; items: ReportItem[] }[] {
  const groups = new Map<string, { title: string; items: ReportItem[] }>();
  for (const item of items) {
    const path = item.section.length > 0 ? item.section : [];
    // The full path is the key so two "Checks" sub-sections under different parents stay apart.
    const key = JSON.stringify(path);
    let group = groups.get(key);
    if (!group) {
      group = { title: path.at(-1) ?? '(no section)', items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}

/** Statuses in the order summaries list them (DESIGN.md "Item statuses"). */
export const STATUS_ORDER: readonly ItemStatus[] = ['pass', 'fail', 'error', 'pending', 'waived', 'skipped'];

/** The short digest people compare by eye: `sha256:` and the first 12 hex digits. */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  return `${algo ? `${algo}:` : ''}${(hex ?? '').slice(0, 12)}`;
}

/** `12 pass, 1 fail, 0 error, 20 pending, 0 waived, 0 skipped`. */
export function summaryLine(report: RunReport): string {
  return STATUS_ORDER.map((s) => `${report.summary[s]} ${s}`).join(', ');
}

const MAX_VALUE_CHARS = 60;

/** A compact rendering of one observed value, cut to a readable length. */
export function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' && !Number.isInteger(value))
    text = String(Math.round(value * 100) / 100);
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/**
 * The observed values worth showing next to a failure, as `name=value` pairs: first those the message
 * names (the condition that failed), then scalars, then structures. Empty strings say nothing, and
 * `text` repeats `body`, so they are left out.
 */
export function observedPairs(observed: Record<string, unknown> | null, message = '', limit = 8): string[] {
  if (!observed) return [];
  const entries = Object.entries(observed).filter(
    ([k, v]) => v !== undefined && v !== '' && !(k === 'text' && 'body' in observed),
  );
  const named = (k: string) => k !== '' && new RegExp(`\\b${k.replace(/[^\w]/g, '')}\\b`).test(message);
  const rank = ([k, v]: [string, unknown]) => (named(k) ? 0 : v === null || typeof v !== 'object' ? 1 : 2);
  entries.sort((a, b) => rank(a) - rank(b));
  return entries.slice(0, limit).map(([k, v]) => `${k}=${formatValue(v)}`);
}

/** Whether a sign-off role is satisfied, stale (signed an older digest) or missing. */
export function signoffState(s: RunReport['signoffs'][number]): 'signed' | 'stale' | 'missing' {
  if (s.by) return 'signed';
  return s.stale ? 'stale' : 'missing';
}

/** Who signed: the person, with the token (or name) they signed through when that differs. */
export function signerText(s: RunReport['signoffs'][number]): string {
  const person = s.person ?? s.by ?? '';
  return s.by && s.by !== person ? `${person} (via ${s.by})` : person;
}

/** The evidence a sign-off saw, short, and whether it changed since: ` · evidence 1a2b3c4d5e6f`. */
export function evidenceText(s: RunReport['signoffs'][number]): string {
  if (!s.evidence) return '';
  const short = s.evidence.replace(/^sha256:/, '').slice(0, 12);
  return ` · evidence ${short}${s.current_evidence === false ? ' (signed on different evidence)' : ''}`;
}

/** The report's items split into the launch gate (pre-launch) and the program after it (post-launch). */
export function byPhase(items: readonly ReportItem[]): { gate: ReportItem[]; after: ReportItem[] } {
  const gate: ReportItem[] = [];
  const after: ReportItem[] = [];
  for (const item of items) (item.phase === 'post-launch' ? after : gate).push(item);
  return { gate, after };
}

/** `After launch: 29 items, 3 overdue` (the program's one-line state). */
export function afterLaunchLine(report: RunReport, after: readonly ReportItem[]): string {
  const overdue = after.filter((i) => i.overdue).length;
  const when = report.launched
    ? `launched ${report.launch}`
    : report.launch
      ? `launch ${report.launch}`
      : 'no launch date';
  return `After launch: ${after.length} items, ${overdue} overdue (${when}; never block the verdict)`;
}
