import type { Checklist, Item } from './checklist.js';
import { evidenceDigest } from './evidence.js';
import type { Attestation, CheckOutcome, Signoff, Waiver } from './state.js';
import {
  emptySummary,
  type ItemStatus,
  NON_BLOCKING_STATUSES,
  type StatusSummary,
  type Verdict,
} from './status.js';

/** Why the verdict is NO-GO (or, for `flag`, something the launch owner should know). */
export interface Reason {
  code:
    | 'item-fail'
    | 'item-error'
    | 'item-pending'
    | 'signoff-missing'
    | 'signoff-stale'
    | 'signoff-evidence-changed'
    | 'waiver-expired'
    | 'attestation-expired';
  message: string;
  item?: string;
  role?: string;
}

/** One item after every input has been applied. */
export interface EvaluatedItem {
  id: string;
  title: string;
  kind: Item['kind'];
  section: string[];
  status: ItemStatus;
  blocking: boolean;
  message: string;
  observed: Record<string, unknown> | null;
  /** Resolved due date (YYYY-MM-DD) or null. */
  due: string | null;
  overdue: boolean;
  owner: string | null;
  /** Flags a person should see: `waiver-expired`, `attestation-expired`. */
  flags: string[];
  attestation?: Attestation;
  waiver?: Waiver;
  /** How long the item's check took, when it ran (JUnit `time`). */
  durationMs?: number;
}

/** Everything the verdict depends on. The same inputs always give the same evaluation. */
export interface VerdictInputs {
  checklist: Checklist;
  environment: string;
  /** Check outcomes by item id (items with a check and no outcome are pending: "not run yet"). */
  outcomes: ReadonlyMap<string, CheckOutcome>;
  attestations: readonly Attestation[];
  waivers: readonly Waiver[];
  signoffs: readonly Signoff[];
  now: Date;
}

export interface Evaluation {
  verdict: Verdict;
  environment: string;
  items: EvaluatedItem[];
  summary: StatusSummary;
  reasons: Reason[];
  /** Required sign-off roles and who signed the current digest. */
  signoffs: SignoffState[];
  /** The evidence digest of this evaluation (what a sign-off now would record). */
  evidence: string;
}

/** One required sign-off role: the sign-off that counts, or the stale one. */
export interface SignoffState {
  role: string;
  signed: Signoff | null;
  stale: Signoff | null;
  /** Whether the sign-off was given on the evidence seen now; null when it recorded none (older ones). */
  currentEvidence: boolean | null;
}

/** Reasons that inform but do not block GO. */
const FLAG_REASONS: ReadonlySet<Reason['code']> = new Set([
  'waiver-expired',
  'attestation-expired',
  'signoff-evidence-changed',
]);

/** Whether a reason blocks GO (the others are notes: expired waivers and attestations, changed evidence). */
export const isBlockingReason = (r: Reason): boolean => !FLAG_REASONS.has(r.code);

/** The signer as people know them: the person when recorded, else who signed. */
export const signerOf = (s: Signoff): string => s.person ?? s.by;

const DAY = 86_400_000;

/** Resolve an item's due date (YYYY-MM-DD) from its DueSpec and the launch date. */
export function resolveDue(item: Item, launch: string | undefined): string | null {
  const due = item.due;
  if (!due) return null;
  if (due.date) return due.date;
  if (due.offsetDays !== undefined && launch) {
    const base = Date.parse(`${launch}T00:00:00Z`);
    if (Number.isNaN(base)) return null;
    return new Date(base + due.offsetDays * DAY).toISOString().slice(0, 10);
  }
  return null;
}

/** Latest record for an item (by `at`), so a newer attestation or waiver replaces an older one. */
function latestByItem<T extends { item: string; at: string }>(records: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of records) {
    const prev = out.get(r.item);
    if (!prev || prev.at <= r.at) out.set(r.item, r);
  }
  return out;
}

const isExpired = (expiresAt: string | undefined, now: Date) =>
  expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();

/**
 * The verdict rule (DESIGN.md): GO iff every blocking item is pass, waived or skipped, and every
 * required sign-off role has a valid sign-off for the current digest and environment.
 * Pure: no I/O, the clock is `inputs.now`.
 * @example decide({ checklist, environment: 'production', outcomes: new Map(), attestations: [], waivers: [], signoffs: [], now: new Date() }).verdict
 */
export function decide(inputs: VerdictInputs): Evaluation {
  const { checklist, environment, now } = inputs;
  const inEnv = <T extends { environment: string; checklist: string }>(r: T) =>
    r.environment === environment && r.checklist === checklist.id;
  const attestations = latestByItem(inputs.attestations.filter(inEnv));
  const waivers = latestByItem(inputs.waivers.filter(inEnv));
  const signoffs = inputs.signoffs.filter(inEnv);

  const signoffState: SignoffState[] = checklist.signoffs.map((role) => {
    const forRole = signoffs.filter((s) => s.role === role).sort((a, b) => (a.at < b.at ? 1 : -1));
    const signed = forRole.find((s) => s.digest === checklist.digest) ?? null;
    const stale = signed ? null : (forRole[0] ?? null);
    return { role, signed, stale, currentEvidence: null };
  });
  const signedRoles = new Map(signoffState.map((s) => [s.role, s]));

  const reasons: Reason[] = [];
  const summary = emptySummary();
  // Sign-off slots are evaluated last: whether a sign-off counts can depend on the evidence digest
  // (policy.resign_on_change), which is taken over every other item.
  const evaluateItem = (item: Item): EvaluatedItem => {
    const flags: string[] = [];
    let status: ItemStatus;
    let message = '';
    let observed: Record<string, unknown> | null = null;
    const attestation = attestations.get(item.id);
    const waiver = waivers.get(item.id);

    if (item.skip !== undefined) {
      status = 'skipped';
      message = `not applicable: ${item.skip}`;
    } else if (item.kind === 'signoff') {
      const s = item.role ? signedRoles.get(item.role) : undefined;
      if (s?.signed) {
        status = 'pass';
        message = `signed by ${signerOf(s.signed)} at ${s.signed.at}`;
        if (s.currentEvidence === false) message += ' (signed on different evidence)';
      } else {
        status = 'pending';
        message = !s?.stale
          ? 'awaiting sign-off'
          : s.stale.digest === checklist.digest
            ? `sign-off by ${signerOf(s.stale)} was signed on different evidence: sign again`
            : `sign-off by ${signerOf(s.stale)} is for an earlier version`;
      }
    } else if (item.check) {
      const outcome = inputs.outcomes.get(item.id);
      status = outcome?.status ?? 'pending';
      message = outcome?.message ?? (outcome ? '' : 'not run yet');
      observed = outcome?.observed ?? null;
    } else if (attestation && !isExpired(attestation.expiresAt, now)) {
      if (item.kind === 'field' && !attestation.value) {
        status = 'pending';
        message = 'attested without a value; this field needs --value';
      } else {
        status = 'pass';
        message = `attested by ${attestation.by}: ${attestation.evidence}`;
        if (attestation.value) message = `${attestation.value} (attested by ${attestation.by})`;
      }
    } else if (attestation) {
      status = 'pending';
      message = `attestation by ${attestation.by} expired at ${attestation.expiresAt}`;
      flags.push('attestation-expired');
    } else if (item.checked && item.kind !== 'field') {
      status = 'pass';
      message = 'checked in the document';
    } else {
      status = 'pending';
      message = item.kind === 'field' ? 'value not filled in' : 'awaiting attestation';
    }

    if (waiver && status !== 'pass' && status !== 'skipped') {
      if (!isExpired(waiver.expiresAt, now)) {
        message = `waived until ${waiver.expiresAt} (${waiver.owner}): ${waiver.reason}; real status ${status}${message ? `: ${message}` : ''}`;
        status = 'waived';
      } else {
        flags.push('waiver-expired');
      }
    }

    const durationMs = item.check ? inputs.outcomes.get(item.id)?.durationMs : undefined;
    const due = resolveDue(item, checklist.launch);
    const overdue =
      due !== null &&
      !NON_BLOCKING_STATUSES.has(status) &&
      Date.parse(`${due}T23:59:59.999Z`) < now.getTime();

    summary[status] += 1;
    if (item.blocking && item.kind !== 'signoff' && !NON_BLOCKING_STATUSES.has(status)) {
      const what = `${item.id}: ${item.title}`;
      const code = status === 'fail' ? 'item-fail' : status === 'error' ? 'item-error' : 'item-pending';
      reasons.push({ code, item: item.id, message: `${status}: ${what}${message ? ` — ${message}` : ''}` });
      if (flags.includes('waiver-expired') && waiver) {
        reasons.push({
          code: 'waiver-expired',
          item: item.id,
          message: `waiver for ${item.id} expired at ${waiver.expiresAt} (owner ${waiver.owner})`,
        });
      }
    }
    return {
      id: item.id,
      title: item.title,
      kind: item.kind,
      section: item.section,
      status,
      blocking: item.blocking,
      message,
      observed,
      due,
      overdue,
      owner: item.owner ?? null,
      flags,
      ...(attestation ? { attestation } : {}),
      ...(waiver ? { waiver } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    };
  };
  const evaluated = checklist.items.map((item) => (item.kind === 'signoff' ? undefined : evaluateItem(item)));
  const evidence = evidenceDigest(evaluated.filter((i): i is EvaluatedItem => i !== undefined));
  for (const s of signoffState) {
    const given = s.signed ?? s.stale;
    s.currentEvidence = given?.evidence === undefined ? null : given.evidence === evidence;
    if (s.signed && s.currentEvidence === false && checklist.policy.resign_on_change) {
      s.stale = s.signed;
      s.signed = null;
    }
  }
  const items = checklist.items.map((item, i) => evaluated[i] ?? evaluateItem(item));

  for (const s of signoffState) {
    if (s.signed) {
      if (s.currentEvidence === false) {
        reasons.push({
          code: 'signoff-evidence-changed',
          role: s.role,
          message: `sign-off for ${s.role} by ${signerOf(s.signed)} was signed on different evidence (it still counts; policy.resign_on_change would require signing again)`,
        });
      }
      continue;
    }
    if (s.stale?.digest === checklist.digest) {
      reasons.push({
        code: 'signoff-stale',
        role: s.role,
        message: `sign-off for ${s.role} by ${signerOf(s.stale)} is stale: signed on different evidence, and policy.resign_on_change requires signing again`,
      });
    } else if (s.stale) {
      reasons.push({
        code: 'signoff-stale',
        role: s.role,
        message: `sign-off for ${s.role} by ${signerOf(s.stale)} is stale: the checklist changed since (signed ${s.stale.digest.slice(0, 19)}, now ${checklist.digest.slice(0, 19)})`,
      });
    } else {
      reasons.push({ code: 'signoff-missing', role: s.role, message: `missing sign-off: ${s.role}` });
    }
  }

  const blocked = reasons.some(isBlockingReason);
  return {
    verdict: blocked ? 'NO-GO' : 'GO',
    environment,
    items,
    summary,
    reasons,
    signoffs: signoffState,
    evidence,
  };
}
