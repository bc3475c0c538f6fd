import type { AuditStore } from './store/audit.js';
import type { RunsStore } from './store/runs.js';
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

/** The whole store: every aggregate, plus what the service needs to run it. */
export interface Store extends RunsStore, StateStore, AuditStore, TokensStore, WatchStore {
  /** Store reachable (for /health/ready). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
