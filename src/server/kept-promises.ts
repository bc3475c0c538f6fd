import type { StateChange, StateSignal } from '../usecases/index.js';

/** A kept entry: the promised value, and whatever the owner decides by (an instant, a digest...). */
export interface KeptEntry<V> {
  value: Promise<V>;
}

export interface KeptPromisesOptions<E> {
  /** At most this many entries: keeping one more first calls `evict` (default: forget them all). */
  max: number;
  /** Make room when `max` entries are kept (it may delete any of `entries`). */
  evict?: (entries: Map<string, E>) => void;
  /** State changes that drop entries: every entry, or those `drops` names. */
  changes?: StateSignal | undefined;
  drops?: (change: StateChange, key: string) => boolean;
}

/**
 * Promised values kept per key while they hold (the owner says until when, by `holds`), made once for
 * all concurrent callers (the promise is kept from the start: single flight), forgotten when their
 * promise fails, and dropped at the state changes the server's `StateSignal` announces. The preflight
 * answers' store reads (Gate), the badge facts and the dashboard's rendered pages are kept by it.
 */
export class KeptPromises<V, E extends KeptEntry<V> = KeptEntry<V>> {
  readonly #entries = new Map<string, E>();

  constructor(private readonly opts: KeptPromisesOptions<E>) {
    const { changes, drops } = opts;
    changes?.subscribe((change) => {
      if (!drops) this.#entries.clear();
      else for (const key of this.#entries.keys()) if (drops(change, key)) this.#entries.delete(key);
    });
  }

  /** The entry of `key` when one is kept and `holds` says it still does. */
  peek(key: string, holds: (entry: E) => boolean): E | undefined {
    const entry = this.#entries.get(key);
    return entry && holds(entry) ? entry : undefined;
  }

  /** Keep `entry` under `key` (in place of any other) until it no longer holds or its promise fails. */
  keep(key: string, entry: E): E {
    if (this.#entries.size >= this.opts.max) {
      if (this.opts.evict) this.opts.evict(this.#entries);
      else this.#entries.clear();
    }
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry;
  }

  /** The entry of `key` that still holds, else the one `make` makes now, kept. */
  get(key: string, holds: (entry: E) => boolean, make: () => E): E {
    return this.peek(key, holds) ?? this.keep(key, make());
  }

  /** Forget every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
