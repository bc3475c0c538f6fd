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
  /** In the ready queue now. */
  queued: boolean;
  /** What a task of this lane calls when it settles: made once per lane, not once per task. */
  done: () => void;
  failed: (err: unknown) => void;
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
  return startBounded(
    items,
    hostOf,
    (item, done, failed) => {
      let running: Promise<unknown>;
      try {
        running = Promise.resolve(task(item));
      } catch (err) {
        running = Promise.reject(err);
      }
      running.then(done, failed);
    },
    opts,
  );
}

/**
 * runBounded for a task that reports by callback: `start(item, done, failed)` calls exactly one of the
 * two once the task is over (either may be called before `start` returns). The run's checks use this:
 * no promise per task (bench/README "branch exec11"). A `start` that throws is the task failing.
 */
export function startBounded<T>(
  items: readonly T[],
  hostOf: (item: T) => string | undefined,
  start: (item: T, done: () => void, failed: (err: unknown) => void) => void,
  opts: LimiterOptions = {},
): Promise<void> {
  const limit = positive(opts.concurrency, DEFAULT_CONCURRENCY);
  const perHost = positive(opts.perHost, DEFAULT_PER_HOST);
  let active = 0;
  let remaining = items.length;
  let failed = false;
  let failure: unknown;
  // Lanes with waiting items and room to start one, in the order they became so (a lane already in the
  // queue keeps its place); taken from `head`, the array compacted when half of it is spent.
  let ready: Lane<T>[] = [];
  let head = 0;
  // A task that ends while it starts calls back into pump: the loop already running goes on instead
  // (no recursion as deep as the list when every task ends at once, as in a cancelled run).
  let pumping = false;
  const enqueue = (lane: Lane<T>) => {
    if (lane.queued) return;
    lane.queued = true;
    ready.push(lane);
  };

  return new Promise<void>((resolve, reject) => {
    const settled = (lane: Lane<T>) => {
      lane.active--;
      active--;
      remaining--;
      if (lane.next < lane.items.length) enqueue(lane);
      if (remaining === 0) {
        if (failed) reject(failure);
        else resolve();
      } else {
        pump();
      }
    };
    const lanes = new Map<string | undefined, Lane<T>>();
    // Indexed: run once per run, unoptimized, `for...of` allocated a result object per check.
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const key = hostOf(item);
      let lane = lanes.get(key);
      if (!lane) {
        // What a task of this lane calls when it ends: made once per lane, not once per task.
        const made: Lane<T> = {
          items: [],
          next: 0,
          active: 0,
          limit: key === undefined ? limit : perHost,
          queued: false,
          done: () => settled(made),
          failed: (err: unknown) => {
            if (!failed) {
              failed = true;
              failure = err;
            }
            settled(made);
          },
        };
        lane = made;
        lanes.set(key, lane);
        enqueue(lane);
      }
      lane.items.push(item);
    }
    if (remaining === 0) return resolve();
    const pump = () => {
      if (pumping) return;
      pumping = true;
      while (active < limit && head < ready.length) {
        const lane = ready[head]!;
        ready[head++] = undefined as unknown as Lane<T>;
        if (head > 32 && head * 2 > ready.length) {
          ready = ready.slice(head);
          head = 0;
        }
        lane.queued = false;
        const item = lane.items[lane.next]!;
        lane.items[lane.next++] = undefined as T; // let it go once started
        lane.active++;
        active++;
        if (lane.next < lane.items.length && lane.active < lane.limit) enqueue(lane);
        try {
          start(item, lane.done, lane.failed);
        } catch (err) {
          lane.failed(err);
        }
      }
      pumping = false;
    };
    pump();
  });
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
