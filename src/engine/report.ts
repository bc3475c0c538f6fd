import { describeTampered, type TamperedRow } from '../model/audit.js';
import type { Checklist } from '../model/checklist.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import type { EvaluatedItem, Evaluation, Reason } from '../model/verdict.js';

/**
 * The report every output format renders and `run --format json` / `status --format json` print
 * (DESIGN.md "Command line": at least verdict, environment, checklist, summary, items, reasons).
 */
export interface RunReport {
  verdict: Verdict;
  environment: string;
  checklist: { id: string; name: string; digest: string; file?: string };
  /** When the evaluation was made (the clock, so GONOGO_NOW shows here). */
  at: string;
  /** Store id of the run, when stored. */
  run?: number;
  summary: StatusSummary;
  /** `line`: where the item is written in the checklist (for CI annotations), when known. */
  items: (EvaluatedItem & { section: string[]; line?: number })[];
  reasons: Reason[];
  /**
   * Who signed what on which evidence: `by` (the actor: a person or a token's name), `person` (who
   * signed), `evidence` (the evidence digest they saw) and `current_evidence` (whether it is what the
   * evaluation sees now; null for sign-offs that recorded none).
   */
  signoffs: {
    role: string;
    by: string | null;
    person: string | null;
    at: string | null;
    stale: boolean;
    evidence: string | null;
    current_evidence: boolean | null;
  }[];
  /** The evidence digest of this evaluation: what a sign-off now would record. */
  evidence: string;
  /** Ids of the post-launch items: listed apart, never in `reasons` (DESIGN.md "Phases"). */
  after_launch: string[];
  /** Ids of the items past their due date (program items after launch, or anything with a `due:`). */
  overdue: string[];
  /** The launch date, when the checklist has one, and whether the clock has reached it. */
  launch: string | null;
  launched: boolean;
  /** Run duration, when checks ran. */
  durationMs?: number;
  /**
   * The audit head (last event's seq and hash) the verdict stands on: after the run's own event for a
   * run. Keep it elsewhere and `gonogo audit verify --head SEQ:HASH` proves the log still holds it.
   */
  audit?: { seq: number; hash: string };
  /** State rows the chain does not vouch for; they were left out of the verdict. Absent when none. */
  tampered?: (TamperedRow & { message: string })[];
}

/**
 * `{ ...item, line }`, copied key by key (the same keys in the same order). The spread gave most copies of
 * a long run a hidden class and descriptor array of their own (V8's object-clone path): ~0.7 KB an item
 * held until the report is written, and every copy a new shape for the JSON writer. Assigned one by one,
 * the copies share their shapes.
 */
function withLine(item: EvaluatedItem, line: number): EvaluatedItem & { line: number } {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(item)) copy[key] = item[key as keyof EvaluatedItem];
  copy.line = line;
  return copy as unknown as EvaluatedItem & { line: number };
}

/** Shape an evaluation as the JSON contract. */
export function toRunReport(
  checklist: Checklist,
  evaluation: Evaluation,
  meta: {
    at: Date;
    run?: number;
    durationMs?: number;
    audit?: { seq: number; hash: string } | undefined;
    tampered?: readonly TamperedRow[] | undefined;
  },
): RunReport {
  // decide() lists the checklist's items in order, each with its line: looked up by position first, by id
  // (a map built only then) for an evaluation listed otherwise.
  let lines: Map<string, number> | undefined;
  const lineOf = (item: EvaluatedItem, i: number): number | undefined => {
    const written = checklist.items[i];
    if (written?.id === item.id) return written.line;
    lines ??= new Map(checklist.items.map((it) => [it.id, it.line]));
    return lines.get(item.id);
  };
  return {
    verdict: evaluation.verdict,
    environment: evaluation.environment,
    checklist: {
      id: checklist.id,
      name: checklist.name,
      digest: checklist.digest,
      ...(checklist.file ? { file: checklist.file } : {}),
    },
    at: meta.at.toISOString(),
    ...(meta.run !== undefined ? { run: meta.run } : {}),
    summary: evaluation.summary,
    items: evaluation.items.map((item, i) => {
      const line = lineOf(item, i);
      // An item from decide() carries its line already, as its last key: the report shares it.
      return line === undefined || item.line === line ? item : withLine(item, line);
    }),
    reasons: evaluation.reasons,
    after_launch: evaluation.afterLaunch,
    overdue: evaluation.items.filter((i) => i.overdue).map((i) => i.id),
    launch: checklist.launch ?? null,
    launched: evaluation.launched,
    signoffs: evaluation.signoffs.map((s) => {
      const given = s.signed ?? s.stale;
      return {
        role: s.role,
        by: s.signed?.by ?? null,
        person: s.signed ? (s.signed.person ?? s.signed.by) : null,
        at: s.signed?.at ?? null,
        stale: !s.signed && s.stale !== null,
        evidence: given?.evidence ?? null,
        current_evidence: s.currentEvidence,
      };
    }),
    evidence: evaluation.evidence,
    ...(meta.durationMs !== undefined ? { durationMs: meta.durationMs } : {}),
    ...(meta.audit ? { audit: { seq: meta.audit.seq, hash: meta.audit.hash } } : {}),
    ...(meta.tampered && meta.tampered.length > 0
      ? { tampered: meta.tampered.map((t) => ({ ...t, message: `tampered state: ${describeTampered(t)}` })) }
      : {}),
  };
}
