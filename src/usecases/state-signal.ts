import type { AuditEventType } from '../engine/store.js';

/** A state change a use case made: what was recorded, for which checklist and environment. */
export interface StateChange {
  type: AuditEventType;
  checklist?: string;
  environment?: string;
}

/** A listener of state changes; what it throws is its own business and never fails the use case. */
export type StateListener = (change: StateChange) => void;

/**
 * "State changed": use cases emit it after every write, caches (the server's preflight answers)
 * subscribe to it instead of being cleared by hand in each handler. One per process or server,
 * passed in where it is needed: never a global.
 */
export class StateSignal {
  private readonly listeners = new Set<StateListener>();

  /** Listen; returns the function that stops listening. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell every listener. A listener that throws does not stop the others. */
  emit(change: StateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A cache that fails to clear must not turn a stored change into a refusal.
      }
    }
  }
}
