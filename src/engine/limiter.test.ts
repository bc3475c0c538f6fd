import { describe, expect, it } from 'vitest';
import { runBounded, startBounded } from './limiter.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function tracker() {
  const inFlight = new Map<string, number>();
  const max = new Map<string, number>();
  const started: string[] = [];
  return {
    async task(key: string, id = key) {
      started.push(id);
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
    started,
  };
}

describe('runBounded', () => {
  it.each([
    { concurrency: 64, perHost: 8, hosts: { a: 500 }, maxA: 8, maxAll: 8 },
    { concurrency: 10, perHost: 8, hosts: { a: 200, b: 50, c: 50 }, maxA: 8, maxAll: 10 },
    { concurrency: 3, perHost: 8, hosts: { a: 40 }, maxA: 3, maxAll: 3 },
    { concurrency: undefined, perHost: undefined, hosts: { a: 100, b: 100 }, maxA: 8, maxAll: 16 },
  ])(
    'bounds $hosts with concurrency=$concurrency perHost=$perHost',
    async ({ concurrency, perHost, hosts, maxA, maxAll }) => {
      const t = tracker();
      const items = Object.entries(hosts).flatMap(([host, n]) => Array.from({ length: n }, () => host));
      let done = 0;
      await runBounded(
        items,
        (host) => host,
        async (host) => {
          await t.task(host);
          done++;
        },
        { concurrency, perHost },
      );
      expect(done).toBe(items.length);
      expect(t.max.get('a')).toBe(maxA);
      expect(t.max.get('*')).toBe(maxAll);
      for (const host of Object.keys(hosts)) expect(t.max.get(host)).toBeLessThanOrEqual(perHost ?? 8);
    },
  );

  it('bounds items without a host by the global limit only', async () => {
    const t = tracker();
    const items = Array.from({ length: 30 }, (_, i) => i);
    await runBounded(
      items,
      () => undefined,
      () => t.task('none'),
      { concurrency: 12, perHost: 2 },
    );
    expect(t.max.get('*')).toBe(12);
  });

  it('lets other hosts through while one host is saturated', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const finished: string[] = [];
    const items = [...Array.from({ length: 10 }, () => 'slow'), 'fast', 'other'];
    const all = runBounded(
      items,
      (host) => host,
      async (host) => {
        if (host === 'slow') await gate;
        finished.push(host);
      },
      { concurrency: 64, perHost: 2 },
    );
    // The fast hosts finish while every slow check waits behind the gate.
    while (finished.length < 2) await tick();
    expect(finished.sort()).toEqual(['fast', 'other']);
    open();
    await all;
    expect(finished).toHaveLength(12);
  });

  it('starts the items of one host in their order', async () => {
    const t = tracker();
    const items = Array.from({ length: 20 }, (_, i) => i);
    await runBounded(
      items,
      () => 'h',
      (i) => t.task('h', String(i)),
      { perHost: 3 },
    );
    expect(t.started).toEqual(items.map(String));
  });

  it('gives hosts turns instead of draining the first host first', async () => {
    const order: string[] = [];
    const items = [...Array.from({ length: 4 }, () => 'a'), ...Array.from({ length: 4 }, () => 'b')];
    await runBounded(
      items,
      (host) => host,
      async (host) => {
        order.push(host);
      },
      { concurrency: 1 },
    );
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('runs every item even when one throws, then rejects with the first error', async () => {
    const ran: number[] = [];
    const all = runBounded(
      [1, 2, 3, 4],
      () => 'h',
      async (n) => {
        ran.push(n);
        if (n === 2) throw new Error('boom 2');
        if (n === 3) throw new Error('boom 3');
      },
      { concurrency: 1 },
    );
    await expect(all).rejects.toThrow('boom 2');
    expect(ran).toEqual([1, 2, 3, 4]);
  });

  it('treats a task that throws synchronously like one that rejects', async () => {
    const ran: number[] = [];
    const all = runBounded(
      [1, 2],
      () => undefined,
      (n) => {
        ran.push(n);
        if (n === 1) throw new Error('sync');
        return Promise.resolve();
      },
    );
    await expect(all).rejects.toThrow('sync');
    expect(ran).toEqual([1, 2]);
  });

  it('resolves at once for no items', async () => {
    await expect(
      runBounded(
        [],
        () => 'h',
        async () => undefined,
      ),
    ).resolves.toBeUndefined();
  });
});

describe('startBounded (tasks that report by callback)', () => {
  it('runs a long list whose tasks end before start returns, without recursing once per item', async () => {
    // Each task ends inside start: a pump that started the next task from inside that callback would
    // nest one call per item and overflow the stack long before 200,000.
    const order: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    await startBounded(
      items,
      (i) => (i % 2 ? 'a' : 'b'),
      (i, done) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        order.push(i);
        inFlight--;
        done();
      },
      { concurrency: 3, perHost: 2 },
    );
    expect(order).toHaveLength(items.length);
    expect(new Set(order).size).toBe(items.length);
    expect(maxInFlight).toBe(1);
  });

  it('keeps its bounds when tasks end later, by callback', async () => {
    const t = tracker();
    const items = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 'a' : 'b'));
    await startBounded(
      items,
      (host) => host,
      (host, done, failed) => {
        t.task(host).then(() => done(), failed);
      },
      { concurrency: 5, perHost: 3 },
    );
    expect(t.started).toHaveLength(60);
    expect(t.max.get('a')).toBe(3);
    expect(t.max.get('*')).toBe(5);
  });

  it('a task that fails (by callback, or by throwing in start) rejects once all have ended', async () => {
    const ran: number[] = [];
    const all = startBounded(
      [1, 2, 3, 4],
      () => 'h',
      (n, done, failed) => {
        ran.push(n);
        if (n === 2) failed(new Error('failed 2'));
        else if (n === 3) throw new Error('threw 3');
        else setImmediate(done);
      },
      { concurrency: 1 },
    );
    await expect(all).rejects.toThrow('failed 2');
    expect(ran).toEqual([1, 2, 3, 4]);
  });
});
