import type { WatchStore } from '../../engine/store.js';

/** Default lease lifetime: a dead leader is replaced within about this long. */
export const DEFAULT_LEASE_TTL_MS = 10_000;

/** Options of LeaderLease. */
export interface LeaderOptions {
  store: Pick<WatchStore, 'acquireLease' | 'releaseLease'>;
  /** This replica's name, unique among replicas (host, pid and a random part by default). */
  holder: string;
  /** Lease name: one leader per name (default `scheduler`). */
  name?: string;
  ttlMs?: number;
  /**
   * Wall-clock time for lease expiry. Deliberately not GONOGO_NOW: a rehearsal clock that stands still
   * would keep a dead leader's lease alive forever.
   */
  clock?: () => Date;
}

/**
 * Leader election through a lease row in the store: renewed every ttl/3, taken over by another replica
 * once it has expired. Every backend goes through the same code path (on SQLite the lone process simply
 * always wins). A leader that cannot renew stops leading before its lease can pass to someone else.
 */
export class LeaderLease {
  readonly holder: string;
  readonly name: string;
  readonly ttlMs: number;
  readonly #store: LeaderOptions['store'];
  readonly #clock: () => Date;
  /** Until when this replica may act as leader (ms since epoch); 0 = not leader. */
  #leadUntil = 0;
  #nextAttempt = 0;
  #currentHolder: string | undefined;
  #attempts = 0;

  constructor(opts: LeaderOptions) {
    this.holder = opts.holder;
    this.name = opts.name ?? 'scheduler';
    this.ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#store = opts.store;
    this.#clock = opts.clock ?? (() => new Date());
  }

  /** Whether this replica leads now. */
  isLeader(): boolean {
    return this.#clock().getTime() < this.#leadUntil;
  }

  /** Lease attempts made so far (acquire or renew), so callers can tell a tick that tried from one that did not. */
  get attempts(): number {
    return this.#attempts;
  }

  /** Who held the lease at the last attempt (this replica or another), if known. */
  get currentHolder(): string | undefined {
    return this.#currentHolder;
  }

  /**
   * Acquire or renew the lease when due (every ttl/3); returns whether this replica leads. A store error
   * is thrown to the caller, and leadership ends on its own when the lease would have run out.
   */
  async tick(): Promise<boolean> {
    const now = this.#clock();
    if (now.getTime() < this.#nextAttempt) return this.isLeader();
    this.#nextAttempt = now.getTime() + this.ttlMs / 3;
    this.#attempts++;
    const lease = await this.#store.acquireLease(this.name, this.holder, this.ttlMs, now);
    this.#currentHolder = lease.holder;
    // Stop leading a third of the ttl before the lease expires, so a slow renewal never overlaps a successor.
    this.#leadUntil = lease.holder === this.holder ? Date.parse(lease.expiresAt) - this.ttlMs / 3 : 0;
    return this.isLeader();
  }

  /** Give the lease up (clean shutdown), so another replica takes over at once. */
  async release(): Promise<void> {
    const was = this.#leadUntil > 0;
    this.#leadUntil = 0;
    if (was) await this.#store.releaseLease(this.name, this.holder);
  }
}
