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
  /**
   * Claim many slots at once (one statement, not one per item): for each claim, in order, whether this
   * call claimed it; false when it was already claimed (by anyone). Each claim holds as `claimSlot`'s.
   */
  claimSlots(claims: readonly SlotClaim[]): Promise<boolean[]>;
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
  /** When the oldest delivery still waiting to be delivered (pending, retrying, sending) was queued. */
  oldestUndelivered(): Promise<string | undefined>;
  /** The delivery log, newest first. */
  listDeliveries(opts?: { checklist?: string; limit?: number; before?: number }): Promise<DeliveryRecord[]>;
}
