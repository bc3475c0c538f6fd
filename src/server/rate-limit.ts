/**
 * Fixed-window counters keyed by client (IP or token). In-process: each replica limits on its own,
 * which is enough to stop brute force and runaway clients; a shared limit belongs at the proxy.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Count one hit for `key`; returns whether it is within the limit and when the window resets. */
  hit(key: string): { ok: boolean; retryAfterS: number } {
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    w.count += 1;
    return {
      ok: w.count <= this.limit,
      retryAfterS: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
    };
  }

  /** Give back one hit of `key` in its current window (a request that turned out not to count). */
  release(key: string): void {
    const w = this.windows.get(key);
    if (w && w.count > 0 && this.clock() - w.start < this.windowMs) w.count -= 1;
  }

  /** Whether `key` is over the limit now, without counting a hit. */
  blocked(key: string): { blocked: boolean; retryAfterS: number } {
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) return { blocked: false, retryAfterS: 0 };
    return {
      blocked: w.count >= this.limit,
      retryAfterS: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
    };
  }

  // Old windows are dropped in bulk so a scan of many one-off clients cannot grow the map forever.
  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
