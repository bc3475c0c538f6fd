/**
 * Concurrency bounds for a run: a global limit and a per-host limit, so 5,000 checks against one server
 * never hold more than `perHost` connections to it while checks of other hosts still go ahead.
 */

/** A counting semaphore with a FIFO queue. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else this.active--;
  }
}

/** Bounds for a run. */
export interface LimiterOptions {
  /** At most this many tasks at once (default 64). */
  concurrency?: number;
  /** At most this many tasks at once per host key (default 8). */
  perHost?: number;
}

/** Runs tasks under the bounds. */
export interface Limiter {
  /** Run `task` once a global slot and a slot for `host` (if any) are free. */
  run<T>(host: string | undefined, task: () => Promise<T>): Promise<T>;
}

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_PER_HOST = 8;

/**
 * Create a limiter. The host slot is taken before the global one, so tasks queued behind a busy host
 * never sit on global slots other hosts could use.
 * @example const limit = createLimiter({ perHost: 8 }); await limit.run('example.com:443', () => probe());
 */
export function createLimiter(opts: LimiterOptions = {}): Limiter {
  const global = new Semaphore(positive(opts.concurrency, DEFAULT_CONCURRENCY));
  const perHost = positive(opts.perHost, DEFAULT_PER_HOST);
  const hosts = new Map<string, Semaphore>();
  return {
    async run(host, task) {
      let hostSem: Semaphore | undefined;
      if (host !== undefined) {
        hostSem = hosts.get(host);
        if (!hostSem) {
          hostSem = new Semaphore(perHost);
          hosts.set(host, hostSem);
        }
        await hostSem.acquire();
      }
      try {
        await global.acquire();
        try {
          return await task();
        } finally {
          global.release();
        }
      } finally {
        if (hostSem) {
          hostSem.release();
          // Forget idle hosts so a long-running service does not keep one entry per host ever seen.
          if (hostSem.idle && host !== undefined) hosts.delete(host);
        }
      }
    },
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
