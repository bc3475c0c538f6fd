import { type Checklist, type Item, type Phase, phaseOf } from './checklist.js';
import { recurring } from './due-date.js';
import { evidenceDigest } from './evidence.js';
import type { Attestation, CheckOutcome, Signoff, Waiver } from './state.js';
import {
  emptySummary,
  type ItemStatus,
  NON_BLOCKING_STATUSES,
  type StatusSummary,
  type Verdict,
} from './status.js';
import { VerdictClock } from './verdict-clock.js';

export { resolveDue } from './due-date.js';

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
  /** `post-launch` items never block the verdict and never appear in `reasons`. */
  phase: Phase;
  status: ItemStatus;
  blocking: boolean;
  message: string;
  observed: Record<string, unknown> | null;
  /** Resolved due date (YYYY-MM-DD) or null. */
  due: string | null;
  overdue: boolean;
  owner: string | null;
  /** Flags a person should see: `waiver-expired`, `attestation-expired`. Read only (most items share one empty list). */
  flags: readonly string[];
  attestation?: Attestation;
  waiver?: Waiver;
  /** How long the item's check took, when it ran (JUnit `time`). */
  durationMs?: number;
  /** Criteria only: `go` (shown `met` when it holds) or `nogo` (shown `clear`). */
  polarity?: Item['polarity'];
  /** Recurring items: the period (`7d`); `due` is then the next time it falls due. */
  recurs?: string;
  /** Program work items: their track. */
  track?: string;
  /** Where the item is written in the checklist (reports, CI annotations); last, as reports list it. */
  line?: number;
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
  /** Ids of the post-launch items, listed apart from the launch gate. */
  afterLaunch: string[];
  /** Whether the clock has reached `launch` (false when there is none): post-launch items are then due. */
  launched: boolean;
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

/**
 * The flags of an item without any (nearly all of them): one frozen empty list shared by every evaluated
 * item, instead of an empty array each (~30 bytes an item, all held to the end of a run).
 */
const NO_FLAGS: readonly string[] = Object.freeze([]);

/** Latest record for an item (by `at`), so a newer attestation or waiver replaces an older one. */
function latestByItem<T extends { item: string; at: string }>(records: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of records) {
    const prev = out.get(r.item);
    if (!prev || prev.at <= r.at) out.set(r.item, r);
  }
  return out;
}

/**
 * The verdict rule (DESIGN.md): GO iff every blocking item is pass, waived or skipped, and every
 * required sign-off role has a valid sign-off for the current digest and environment.
 * Pure: no I/O, the clock is `inputs.now`.
 * @example decide({ checklist, environment: 'production', outcomes: new Map(), attestations: [], waivers: [], signoffs: [], now: new Date() }).verdict
 */
export function decide(inputs: VerdictInputs): Evaluation {
  return decideUntil(inputs).evaluation;
}

/**
 * `decide`, and until when its evaluation holds: `until` is the earliest instant (epoch ms) after
 * `inputs.now` at which a clock comparison of the rule changes its answer (a waiver or attestation
 * expiring, a due date passing, the launch date reached); Infinity when none is ahead. Until then the
 * same inputs give the same evaluation, so a caller may keep it (the server's preflight answers do).
 */
export function decideUntil(inputs: VerdictInputs): { evaluation: Evaluation; until: number } {
  const { checklist, environment } = inputs;
  const clock = new VerdictClock(inputs.now.getTime());
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
  const afterLaunch: string[] = [];
  const launchAt = checklist.launch ? Date.parse(`${checklist.launch}T00:00:00Z`) : Number.NaN;
  const launched = !Number.isNaN(launchAt) && clock.reached(launchAt);
  // Sign-off slots are evaluated last: whether a sign-off counts can depend on the evidence digest
  // (policy.resign_on_change), which is taken over every other item.
  const evaluateItem = (item: Item): EvaluatedItem => {
    let flags = NO_FLAGS;
    let status: ItemStatus;
    let message = '';
    let observed: Record<string, unknown> | null = null;
    const phase = phaseOf(item);
    const timing = recurring(item, checklist.launch, attestations.get(item.id));
    const attestation = timing.attestation;
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
    } else if (attestation && !clock.expired(attestation.expiresAt)) {
      if (item.kind === 'field' && !attestation.value) {
        status = 'pending';
        message = 'attested without a value; this field needs --value';
      } else {
        status = 'pass';
        message = `attested by ${attestation.by}: ${attestation.evidence}`;
        if (attestation.value) message = `${attestation.value} (attested by ${attestation.by})`;
      }
    } else if (attestation && item.recurs) {
      status = 'pending';
      message = `due again every ${item.recurs}: last attested by ${attestation.by} at ${attestation.at}`;
    } else if (attestation) {
      status = 'pending';
      message = `attestation by ${attestation.by} expired at ${attestation.expiresAt}`;
      flags = ['attestation-expired'];
    } else if (item.checked && item.kind !== 'field') {
      status = 'pass';
      message = 'checked in the document';
    } else {
      status = 'pending';
      message = item.kind === 'field' ? 'value not filled in' : 'awaiting attestation';
    }

    if (waiver && status !== 'pass' && status !== 'skipped') {
      if (!clock.expired(waiver.expiresAt)) {
        message = `waived until ${waiver.expiresAt} (${waiver.owner}): ${waiver.reason}; real status ${status}${message ? `: ${message}` : ''}`;
        status = 'waived';
      } else {
        flags = [...flags, 'waiver-expired'];
      }
    }

    const durationMs = item.check ? inputs.outcomes.get(item.id)?.durationMs : undefined;
    const due = timing.due;
    const overdue =
      due !== null &&
      !NON_BLOCKING_STATUSES.has(status) &&
      // Overdue from the first millisecond after the due day.
      clock.reached(Date.parse(`${due}T23:59:59.999Z`) + 1);

    summary[status] += 1;
    // The program after the launch is tracked (due, overdue), never a reason to hold the launch.
    if (phase === 'post-launch') afterLaunch.push(item.id);
    else if (item.blocking && item.kind !== 'signoff' && !NON_BLOCKING_STATUSES.has(status)) {
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
    const owner = item.owner ?? null;
    const line = item.line;
    // Built whole, one literal for each of the common sets of keys (a check's item: its duration and
    // line; any other: its line), in the order reports list them: V8 then keeps every field in the
    // object itself, where keys added one by one past the literal's went to a property array of their own
    // (~50 bytes an item, all held to the end of a run). Any other set is added key by key, as before.
    const plain =
      !attestation && !waiver && !item.polarity && !item.recurs && !item.track && line !== undefined;
    if (plain && durationMs !== undefined) {
      return {
        id: item.id,
        title: item.title,
        kind: item.kind,
        section: item.section,
        phase,
        status,
        blocking: item.blocking,
        message,
        observed,
        due,
        overdue,
        owner,
        flags,
        durationMs,
        line,
      };
    }
    if (plain) {
      return {
        id: item.id,
        title: item.title,
        kind: item.kind,
        section: item.section,
        phase,
        status,
        blocking: item.blocking,
        message,
        observed,
        due,
        overdue,
        owner,
        flags,
        line,
      };
    }
    const evaluated: EvaluatedItem = {
      id: item.id,
      title: item.title,
      kind: item.kind,
      section: item.section,
      phase,
      status,
      blocking: item.blocking,
      message,
      observed,
      due,
      overdue,
      owner,
      flags,
    };
    // Added one by one, in the order reports list them: a spread of `{}` or `{ x }` per optional field
    // built and copied a small object each (a third of a 50,000-item verdict's time).
    if (attestation) evaluated.attestation = attestation;
    if (waiver) evaluated.waiver = waiver;
    if (durationMs !== undefined) evaluated.durationMs = durationMs;
    if (item.polarity) evaluated.polarity = item.polarity;
    if (item.recurs) evaluated.recurs = item.recurs;
    if (item.track) evaluated.track = item.track;
    // Set here, last, so the report uses these objects as they are instead of a copy of each with its line.
    if (line !== undefined) evaluated.line = line;
    return evaluated;
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
  // Sign-off slots were evaluated last: list post-launch ids in the checklist's order all the same.
  if (afterLaunch.length > 1) {
    const position = new Map(checklist.items.map((item, i) => [item.id, i]));
    afterLaunch.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  }

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
  const evaluation: Evaluation = {
    verdict: blocked ? 'NO-GO' : 'GO',
    environment,
    items,
    summary,
    reasons,
    signoffs: signoffState,
    evidence,
    afterLaunch,
    launched,
  };
  return { evaluation, until: clock.next };
}

/**
 * The word a person reads for an item's status: an attested criterion is `met` (GO) or `clear` (NO-GO:
 * "not observed"), never a pass of the condition it names; every other status as it is.
 */
export function displayStatus(item: Pick<EvaluatedItem, 'status' | 'polarity'>): string {
  if (item.status !== 'pass' || !item.polarity) return item.status;
  return item.polarity === 'nogo' ? 'clear' : 'met';
}
