import type { AuditStore } from './store/audit.js';
import type { RunsStore, Sample } from './store/runs.js';
import type { StateStore } from './store/state.js';
import type { TokensStore } from './store/tokens.js';
import type { WatchStore } from './store/watch.js';

/**
 * The persistence port, one interface per aggregate (runs, state, audit, tokens, watch), in
 * `engine/store/`. Implemented once in `src/store/` over Kysely, with SQLite and PostgreSQL adapters.
 * Every state change appends its audit event in the same transaction.
 */

export type * from './store/audit.js';
export { StoreInputError, StoreUnavailableError } from './store/errors.js';
export type * from './store/runs.js';
export type * from './store/state.js';
export type * from './store/tokens.js';
export type * from './store/watch.js';

/** Callbacks the composition root hands the store to observe it (metrics); the store knows no metrics library. */
export interface StoreObserver {
  /** An audited write committed: the new audit head and how long the transaction took (lock wait included). */
  auditAppended?(headSeq: number, seconds: number): void;
  /** Samples of windowed checks were stored (by a run or by the scheduler between runs). */
  samplesAdded?(samples: readonly Sample[]): void;
}

/** Connection pool usage (PostgreSQL; SQLite has no pool). */
export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
}

/** The whole store: every aggregate, plus what the service needs to run it. */
export interface Store extends RunsStore, StateStore, AuditStore, TokensStore, WatchStore {
  /** Store reachable (for /health/ready). */
  ping(): Promise<boolean>;
  /** Attach an observer (the service's metrics); the last one attached wins. */
  observe?(observer: StoreObserver): void;
  /** Pool usage now, when the backend has a pool. */
  poolUsage?(): PoolUsage | undefined;
  close(): Promise<void>;
}
