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
  /** The last event (seq and hash): anchor it outside the database to detect a rewritten chain. */
  head?: { seq: number; hash: string };
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

/** A named lease (leader election): who holds it, until when (ISO time). */
export interface Lease {
  name: string;
  holder: string;
  expiresAt: string;
}

/** A scheduled slot: a run (`what: 'run'`) or a sample of one item, at `slot` (ISO time). */
export interface SlotClaim {
  checklist: string;
  environment: string;
  /** `run`, or the id of the windowed item sampled. */
  what: string;
  slot: string;
  holder: string;
  at: string;
}

/** Where a notification goes, without its URL (which may hold a token): a key and a label. */
export interface DeliveryInput {
  /** Stable event id (sha256 of type, checklist, environment, subject, slot). */
  eventId: string;
  event: string;
  checklist: string;
  environment: string;
  /** `slack:<hash>` / `webhook:<hash>` of the target URL: never the URL. */
  target: string;
  /** For people: `slack hooks.slack.com`, `webhook hooks.example.com`. */
  targetLabel: string;
  /** The event JSON (free of secrets). */
  payload: string;
  at: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'retrying' | 'delivered' | 'failed';

/** One row of the delivery log. */
export interface DeliveryRecord extends DeliveryInput {
  id: number;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  responseCode: number | null;
  /** When the next attempt may start (pending/retrying), or until when a sender holds it (sending). */
  nextAttemptAt: string;
  updatedAt: string;
}

/** The result of one delivery attempt. */
export interface DeliveryAttempt {
  status: 'delivered' | 'retrying' | 'failed';
  attempts: number;
  lastError: string | null;
  responseCode: number | null;
  nextAttemptAt: string;
  at: string;
}

/** A versioned value the watch loop keeps (the last notified evaluation of a checklist). */
export interface WatchState {
  value: string;
  version: number;
}

/**
 * What the service's watch loop needs from the store: leases for leader election, slot claims so no
 * run is scheduled twice, and the notification outbox with its delivery log.
 */
export interface WatchStore {
  /**
   * Take or renew the lease `name` for `holder` until `now + ttlMs`, unless another holder's lease has
   * not expired. Returns the lease as it stands afterwards (compare its holder).
   */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease>;
  /** Give the lease up now (on clean shutdown), if `holder` holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Claim a slot; false when it was already claimed (by anyone). */
  claimSlot(claim: SlotClaim): Promise<boolean>;
  /** Delete slot claims older than `before`; returns how many. */
  pruneSlots(before: string): Promise<number>;
  loadWatchState(key: string): Promise<WatchState | undefined>;
  /**
   * Replace the state at `key` if its version is still `expectedVersion` (0 = absent) and, in the same
   * transaction, queue `deliveries` (an event already queued for a target is skipped). False when
   * another writer replaced the state first; nothing is queued then.
   */
  commitWatchState(
    key: string,
    value: string,
    expectedVersion: number,
    deliveries: DeliveryInput[],
    now: Date,
  ): Promise<boolean>;
  /** Deliveries waiting for an attempt at `now` (pending, retrying, or a sender's hold ran out). */
  dueDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]>;
  /** Take delivery `id` for one attempt, held until `holdUntil`; undefined when someone else has it. */
  claimDelivery(id: number, now: Date, holdUntil: Date): Promise<DeliveryRecord | undefined>;
  recordDeliveryAttempt(id: number, attempt: DeliveryAttempt): Promise<void>;
  /** The delivery log, newest first. */
  listDeliveries(opts?: { checklist?: string; limit?: number; before?: number }): Promise<DeliveryRecord[]>;
}

export interface Store extends WatchStore {
  /** Record the checklist's current digest; appends `checklist.imported` when it is new. */
  recordChecklist(
    c: { id: string; name: string; digest: string; file?: string; at?: string },
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
    t: { name: string; role: TokenRole; signoffRoles: string[]; hash: string; at?: string },
    actor: string,
  ): Promise<TokenRecord>;
  findToken(hash: string): Promise<TokenRecord | undefined>;

  /** Store reachable (for /health/ready). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
