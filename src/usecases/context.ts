import type { RunnerDispatch } from '../engine/runners.js';
import type { Store } from '../engine/store.js';
import type { StateSignal } from './state-signal.js';

/** What every use case needs from outside: the store, the clock and where to announce changes. */
export interface UseCaseContext {
  store: Store;
  /** The clock (`GONOGO_NOW` when set). */
  now(): Date;
  /** Announces each state change; absent where nothing caches (the CLI). */
  changes?: StateSignal;
  /** The runner queue (PostgreSQL store only): every run sends its `runner:` checks there. */
  runners?: RunnerDispatch;
}
