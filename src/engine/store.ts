import type { Attestation, CheckOutcome, Signoff, Waiver } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';

/**
 * The persistence port. Implemented once in `src/store/` over Kysely, with SQLite and PostgreSQL
 * adapters. Every state change appends an audit event in the same transaction.
 */

/** One evaluation of a whole checklist for one environment. */
export interface RunRecord {
  id?: number;
  checklist: string;
  environment: string;
  digest: string;
  startedAt: string;
  finishedAt: string;
  verdict: Verdict;
  summary: StatusSummary;
  /** Outcomes of the items that have checks (manual items are derived from state on read). */
  outcomes: CheckOutcome[];
  /** Who or what started it: `cli`, `api:<token name>`, `scheduler`. */
  trigger: string;
}

/** One sample of a windowed check. */
export interface Sample {
  checklist: string;
  environment: string;
  item: string;
  at: string;
  ok: boolean;
  message?: string;
}

export type AuditEventType =
  | 'checklist.imported'
  | 'run.completed'
  | 'item.attested'
  | 'waiver.granted'
  | 'waiver.expired'
  | 'signoff.given'
  | 'signoff.invalidated'
  | 'token.created'
  | (string & {});

/** What a caller appends; the store adds `seq`, `at` (if absent), `prev_hash` and `hash`. */
export interface AuditInput {
  type: AuditEventType;
  actor: string;
  checklist?: string;
  environment?: string;
  /** Event details; must already be free of secrets. */
  data: Record<string, unknown>;
  at?: string;
}

export interface AuditEvent extends Required<Omit<AuditInput, 'checklist' | 'environment'>> {
  seq: number;
  checklist: string | null;
  environment: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  /** The first event that does not fit the chain, and why. */
  firstBad?: { seq: number; reason: string };
}

export type TokenRole = 'viewer' | 'operator' | 'approver' | 'admin';

export interface TokenRecord {
  id: number;
  name: string;
  role: TokenRole;
  signoffRoles: string[];
  createdAt: string;
}

/** The state the verdict needs besides check outcomes. */
export interface ChecklistState {
  attestations: Attestation[];
  waivers: Waiver[];
  signoffs: Signoff[];
}

export interface Page {
  limit?: number;
  before?: number;
}

export interface Store {
  /** Record the checklist's current digest; appends `checklist.imported` when it is new. */
  recordChecklist(
    c: { id: string; name: string; digest: string; file?: string },
    actor: string,
  ): Promise<void>;
  /** Save a run with its outcomes and its `run.completed` event, atomically. Returns the run id. */
  saveRun(run: RunRecord): Promise<number>;
  latestRun(checklist: string, environment: string): Promise<RunRecord | undefined>;
  listRuns(checklist: string, environment: string | undefined, page?: Page): Promise<RunRecord[]>;

  addSamples(samples: Sample[]): Promise<void>;
  listSamples(checklist: string, environment: string, item: string, since: string): Promise<Sample[]>;
  /** Delete samples older than `before`; returns how many. */
  pruneSamples(before: string): Promise<number>;

  addAttestation(a: Attestation): Promise<void>;
  addWaiver(w: Waiver): Promise<void>;
  addSignoff(s: Signoff): Promise<void>;
  loadState(checklist: string, environment: string): Promise<ChecklistState>;
  listWaivers(checklist?: string): Promise<Waiver[]>;

  appendAudit(event: AuditInput): Promise<AuditEvent>;
  listAudit(opts: { after?: number; limit?: number }): Promise<AuditEvent[]>;
  verifyAudit(): Promise<AuditVerification>;

  createToken(
    t: { name: string; role: TokenRole; signoffRoles: string[]; hash: string },
    actor: string,
  ): Promise<TokenRecord>;
  findToken(hash: string): Promise<TokenRecord | undefined>;

  /** Store reachable (for /health/ready). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
