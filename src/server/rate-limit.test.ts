import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows `limit` hits per window per key, then refuses until the window ends', () => {
    let now = 0;
    const rl = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3, 4].map(() => rl.hit('a').ok)).toEqual([true, true, true, false]);
    expect(rl.hit('b').ok).toBe(true);
    now = 30_000;
    expect(rl.hit('a')).toEqual({ ok: false, retryAfterS: 30 });
    now = 60_000;
    expect(rl.hit('a').ok).toBe(true);
  });

  it('reports a key as blocked without counting', () => {
    let now = 0;
    const rl = new RateLimiter(2, 10_000, () => now);
    expect(rl.blocked('ip').blocked).toBe(false);
    rl.hit('ip');
    rl.hit('ip');
    expect(rl.blocked('ip')).toEqual({ blocked: true, retryAfterS: 10 });
    expect(rl.blocked('ip').blocked).toBe(true);
    now = 10_000;
    expect(rl.blocked('ip').blocked).toBe(false);
  });

  it('gives back a hit within its window, never below zero', () => {
    const now = 0;
    const rl = new RateLimiter(1, 10_000, () => now);
    expect(rl.hit('a').ok).toBe(true);
    rl.release('a');
    rl.release('a');
    expect(rl.hit('a').ok).toBe(true);
    expect(rl.hit('a').ok).toBe(false);
  });
});
