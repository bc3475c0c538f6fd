/** A request in flight: told when its signal aborts. */
export interface InFlight {
  aborted(): void;
}

/**
 * The requests in flight on `signal`, told in the order they started when it aborts. Attempts that start
 * together share one AbortSignal (engine/deadlines.ts): each request joins its signal's set, the set alone
 * listens to the signal. Adding and removing a Set entry costs a fraction of an emitter's listener (and
 * of an AbortSignal's), and a run's first thousands of requests run before their code is optimized.
 */
const inFlight = new WeakMap<AbortSignal, Set<InFlight>>();
export function requestsOn(signal: AbortSignal): Set<InFlight> {
  let requests = inFlight.get(signal);
  if (!requests) {
    const set = new Set<InFlight>();
    // A copy: a request that settles while told leaves the set; every one in flight is still told.
    signal.addEventListener(
      'abort',
      () => {
        for (const r of [...set]) r.aborted();
      },
      { once: true },
    );
    inFlight.set(signal, set);
    requests = set;
  }
  return requests;
}
