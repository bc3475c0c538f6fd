/**
 * Concurrency bounds for a run: a global limit and a per-host limit, so 5,000 checks against one server
 * never hold more than `perHost` connections to it while checks of other hosts still go ahead.
 *
 * Work waits as plain array entries, not as pending promises: a run of 5,000 checks holds promises only
 * for the few checks in flight, so the heap (and the garbage collector's work) does not grow with the
 * length of the queue.
 */

/** Bounds for a run. */
export interface LimiterOptions {
  /** At most this many tasks at once (default 64). */
  concurrency?: number;
  /** At most this many tasks at once per host key (default 8). */
  perHost?: number;
}

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_PER_HOST = 8;

/** The waiting items of one host key, in order, and how many of them run. */
interface Lane<T> {
  items: T[];
  next: number;
  active: number;
  limit: number;
}

/**
 * Run `task` once for every item, at most `concurrency` at once and at most `perHost` at once per host
 * key (`hostOf`; undefined = the global limit only). Items of one host start in their order; hosts with
 * waiting items take turns, so a saturated host never holds slots other hosts could use. Resolves when
 * every task has settled; rejects with the first task's error, if any, once all have settled.
 * @example await runBounded(checks, (c) => c.host, (c) => probe(c), { perHost: 8 });
 */
export function runBounded<T>(
  items: readonly T[],
  hostOf: (item: T) => string | undefined,
  task: (item: T) => Promise<unknown>,
  opts: LimiterOptions = {},
): Promise<void> {
  const limit = positive(opts.concurrency, DEFAULT_CONCURRENCY);
  const perHost = positive(opts.perHost, DEFAULT_PER_HOST);
  const lanes = new Map<string | undefined, Lane<T>>();
  for (const item of items) {
    const key = hostOf(item);
    let lane = lanes.get(key);
    if (!lane) {
      lane = { items: [], next: 0, active: 0, limit: key === undefined ? limit : perHost };
      lanes.set(key, lane);
    }
    lane.items.push(item);
  }
  // Lanes with a waiting item and a free slot, in turn order (a Set keeps insertion order).
  const ready = new Set(lanes.values());
  let active = 0;
  let remaining = items.length;
  let failed = false;
  let failure: unknown;

  return new Promise<void>((resolve, reject) => {
    if (remaining === 0) return resolve();
    const settled = (lane: Lane<T>) => {
      lane.active--;
      active--;
      remaining--;
      if (lane.next < lane.items.length) ready.add(lane);
      if (remaining === 0) {
        if (failed) reject(failure);
        else resolve();
      } else {
        pump();
      }
    };
    const fail = (err: unknown) => {
      if (!failed) {
        failed = true;
        failure = err;
      }
    };
    const pump = () => {
      while (active < limit && ready.size > 0) {
        const lane = ready.values().next().value as Lane<T>;
        ready.delete(lane);
        const item = lane.items[lane.next]!;
        lane.items[lane.next++] = undefined as T; // let it go once started
        lane.active++;
        active++;
        // Back in line behind the other hosts while it has work and room.
        if (lane.next < lane.items.length && lane.active < lane.limit) ready.add(lane);
        let running: Promise<unknown>;
        try {
          running = Promise.resolve(task(item));
        } catch (err) {
          running = Promise.reject(err);
        }
        running.then(
          () => settled(lane),
          (err: unknown) => {
            fail(err);
            settled(lane);
          },
        );
      }
    };
    pump();
  });
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
