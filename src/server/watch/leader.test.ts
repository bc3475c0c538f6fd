import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../engine/store.js';
import { perBlock, sqliteBackend } from '../../store/test-support/backends.js';
import { LeaderLease } from './leader.js';

/** Leader election through the store's lease row, on a clock the test moves. */
describe('LeaderLease', () => {
  const shared = perBlock(sqliteBackend.make);
  let store: Store;
  let t = Date.parse('2026-03-01T10:00:00Z');
  const clock = () => new Date(t);
  beforeAll(async () => {
    ({ store } = await shared.store('leader'));
  });

  it('leads alone, renews every ttl/3, and hands over when the leader stops renewing', async () => {
    const a = new LeaderLease({ store, holder: 'a', ttlMs: 3000, clock });
    const b = new LeaderLease({ store, holder: 'b', ttlMs: 3000, clock });
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    expect(b.currentHolder).toBe('a');
    for (let i = 0; i < 5; i++) {
      t += 1000;
      expect(await a.tick()).toBe(true);
      expect(await b.tick()).toBe(false);
    }
    // a dies (no more ticks): it stops counting itself leader before its lease can pass to b...
    t += 2000;
    expect(a.isLeader()).toBe(false);
    expect(await b.tick()).toBe(false);
    // ...and b takes over once the lease has expired.
    t += 1001;
    expect(await b.tick()).toBe(true);
    expect(await a.tick()).toBe(false);
  });

  it('gives the lease up on release, so another replica leads at once', async () => {
    const c = new LeaderLease({ store, name: 'other', holder: 'c', ttlMs: 60_000, clock });
    const d = new LeaderLease({ store, name: 'other', holder: 'd', ttlMs: 60_000, clock });
    expect(await c.tick()).toBe(true);
    expect(await d.tick()).toBe(false);
    await c.release();
    t += 20_001; // d's next attempt is due after ttl/3
    expect(await d.tick()).toBe(true);
  });
});
