import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function tracker() {
  const inFlight = new Map<string, number>();
  const max = new Map<string, number>();
  return {
    async task(key: string) {
      for (const k of [key, '*']) {
        const n = (inFlight.get(k) ?? 0) + 1;
        inFlight.set(k, n);
        max.set(k, Math.max(max.get(k) ?? 0, n));
      }
      await tick();
      await tick();
      for (const k of [key, '*']) inFlight.set(k, inFlight.get(k)! - 1);
      return key;
    },
    max,
  };
}

describe('createLimiter', () => {
  it.each([
    { concurrency: 64, perHost: 8, hosts: { a: 500 }, maxA: 8, maxAll: 8 },
    { concurrency: 10, perHost: 8, hosts: { a: 200, b: 50, c: 50 }, maxA: 8, maxAll: 10 },
    { concurrency: 3, perHost: 8, hosts: { a: 40 }, maxA: 3, maxAll: 3 },
    { concurrency: undefined, perHost: undefined, hosts: { a: 100, b: 100 }, maxA: 8, maxAll: 16 },
  ])(
    'bounds $hosts with concurrency=$concurrency perHost=$perHost',
    async ({ concurrency, perHost, hosts, maxA, maxAll }) => {
      const limit = createLimiter({ concurrency, perHost });
      const t = tracker();
      const jobs = Object.entries(hosts).flatMap(([host, n]) =>
        Array.from({ length: n }, () => limit.run(host, () => t.task(host))),
      );
      const done = await Promise.all(jobs);
      expect(done).toHaveLength(jobs.length);
      expect(t.max.get('a')).toBe(maxA);
      expect(t.max.get('*')).toBe(maxAll);
      for (const host of Object.keys(hosts)) expect(t.max.get(host)).toBeLessThanOrEqual(perHost ?? 8);
    },
  );

  it('lets other hosts through while one host is saturated', async () => {
    const limit = createLimiter({ concurrency: 64, perHost: 2 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const blocked = Array.from({ length: 10 }, () => limit.run('slow', () => gate));
    await expect(limit.run('fast', async () => 'done')).resolves.toBe('done');
    await expect(limit.run(undefined, async () => 'global only')).resolves.toBe('global only');
    open();
    await Promise.all(blocked);
  });

  it('releases slots when a task throws', async () => {
    const limit = createLimiter({ concurrency: 1, perHost: 1 });
    await expect(limit.run('h', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run('h', async () => 'next')).resolves.toBe('next');
  });
});
