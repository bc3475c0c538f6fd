import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryInput, Sample, Store } from '../engine/store.js';
import { judgeWindow } from '../engine/windows.js';
import { perBlock, storeBackends } from './test-support/backends.js';

/** The watch tables behave the same on both backends: one test body, run against each. */
const backends = await storeBackends();

const T0 = new Date('2026-03-01T10:00:00.000Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);

const delivery = (eventId: string, target = 'webhook:abc'): DeliveryInput => ({
  eventId,
  event: 'verdict.changed',
  checklist: 'launch',
  environment: 'production',
  target,
  targetLabel: 'webhook hooks.example.com',
  payload: JSON.stringify({ event: 'verdict.changed' }),
  at: T0.toISOString(),
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`watch store on ${backend.name}`, () => {
    const shared = perBlock(backend.make);
    let store: Store;
    let second: Store;

    beforeAll(async () => {
      const made = await shared.store('watch_store');
      store = made.store;
      // Two replicas are two connections on PostgreSQL. SQLite serves one process: a second connection
      // in the same process would block its event loop on the first one's write lock.
      second = backend.name === 'postgres' ? await shared.open(made.backend) : store;
    });

    it('gives a lease to one holder until it expires, then to another', async () => {
      expect((await store.acquireLease('scheduler', 'a', 10_000, T0)).holder).toBe('a');
      expect((await second.acquireLease('scheduler', 'b', 10_000, plus(1000))).holder).toBe('a');
      // The holder renews its own lease.
      const renewed = await store.acquireLease('scheduler', 'a', 10_000, plus(3000));
      expect(renewed).toEqual({ name: 'scheduler', holder: 'a', expiresAt: plus(13_000).toISOString() });
      expect((await second.acquireLease('scheduler', 'b', 10_000, plus(12_000))).holder).toBe('a');
      // a stopped renewing: b takes over once the lease has expired.
      expect((await second.acquireLease('scheduler', 'b', 10_000, plus(13_001))).holder).toBe('b');
      await second.releaseLease('scheduler', 'a'); // not a's any more: no effect
      expect((await store.acquireLease('scheduler', 'a', 10_000, plus(14_000))).holder).toBe('b');
      await second.releaseLease('scheduler', 'b');
      expect((await store.acquireLease('scheduler', 'a', 10_000, plus(14_000))).holder).toBe('a');
    });

    it('elects exactly one holder among concurrent contenders', async () => {
      const holders = await Promise.all(
        ['r1', 'r2', 'r3', 'r4'].map((h, i) => (i % 2 ? store : second).acquireLease('race', h, 10_000, T0)),
      );
      expect(new Set(holders.map((l) => l.holder)).size).toBe(1);
    });

    it('lets a slot be claimed once, even by two replicas at the same moment', async () => {
      const claim = (holder: string) => ({
        checklist: 'launch',
        environment: 'production',
        what: 'run',
        slot: T0.toISOString(),
        holder,
        at: T0.toISOString(),
      });
      const results = await Promise.all([store.claimSlot(claim('a')), second.claimSlot(claim('b'))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claimSlot({ ...claim('a'), what: 'ops/health' })).toBe(true);
      expect(await store.pruneSlots(plus(1).toISOString())).toBe(2);
      expect(await store.claimSlot(claim('a'))).toBe(true);
    });

    it('claims many slots in one call, each once, even against a replica claiming some of them', async () => {
      const claim = (what: string, holder: string) => ({
        checklist: 'launch',
        environment: 'production',
        what,
        slot: T0.toISOString(),
        holder,
        at: T0.toISOString(),
      });
      expect(await second.claimSlot(claim('item-2', 'b'))).toBe(true);
      const items = ['item-1', 'item-2', 'item-3', 'item-1'];
      expect(await store.claimSlots(items.map((w) => claim(w, 'a')))).toEqual([true, false, true, false]);
      expect(await store.claimSlots([])).toEqual([]);
      // Two replicas racing over the same slots, asking in opposite orders (as replicas on two versions
      // of a checklist may): every slot is won exactly once, and neither waits on the other for a row
      // the other is waiting on (on PostgreSQL that was a deadlock, one replica's tick failing).
      for (let round = 0; round < 5; round++) {
        const many = Array.from({ length: 300 }, (_, i) => `many-${round}-${i}`);
        const [a, b] = await Promise.all([
          store.claimSlots(many.map((w) => claim(w, 'a'))),
          second.claimSlots([...many].reverse().map((w) => claim(w, 'b'))),
        ]);
        const bByItem = [...b].reverse();
        expect(many.map((_, i) => Number(a[i]) + Number(bByItem[i]))).toEqual(many.map(() => 1));
      }
      expect(await store.claimSlot(claim('item-3', 'a'))).toBe(false);
    });

    it('claims slots of several checklists, environments and times in one call, each once', async () => {
      // One call naming claims that no single statement can hold (each statement holds one checklist,
      // environment and slot), interleaved, with a slot named twice and one another replica holds.
      const claim = (checklist: string, environment: string, what: string, slot: string) => ({
        checklist,
        environment,
        what,
        slot,
        holder: 'a',
        at: T0.toISOString(),
      });
      const [s1, s2] = ['2026-03-01T11:00:00.000Z', '2026-03-01T11:00:03.000Z'];
      expect(await second.claimSlot({ ...claim('mixed', 'production', 'y', s2), holder: 'b' })).toBe(true);
      const claims = [
        claim('mixed', 'production', 'x', s2),
        claim('mixed', 'production', 'x', s1),
        claim('mixed', 'staging', 'x', s1),
        claim('mixed-2', 'production', 'x', s1),
        claim('mixed', 'production', 'y', s2),
        claim('mixed', 'production', 'x', s1),
        claim('mixed', 'production', 'y', s1),
      ];
      expect(await store.claimSlots(claims)).toEqual([true, true, true, true, false, false, true]);
      expect(await second.claimSlots(claims.map((c) => ({ ...c, holder: 'b' })))).toEqual(
        claims.map(() => false),
      );
    });

    it('claims a tick whose item names start with one another as it claims them mixed with another slot', async () => {
      // A tick's claims (one checklist, environment and slot) are told apart by their item alone; the
      // same claims beside one of another slot take the joined keys. Both give the same answers.
      const names = ['a', 'a/b', 'a-b', 'a b', 'ab', 'é', 'a', 'A'];
      const claim = (what: string, slot: string, holder: string) => ({
        checklist: 'prefixes',
        environment: 'production',
        what,
        slot,
        holder,
        at: T0.toISOString(),
      });
      const [s1, s2, other] = [
        '2026-03-01T10:20:00.000Z',
        '2026-03-01T10:20:03.000Z',
        '2026-03-01T10:19:57.000Z',
      ];
      expect(await second.claimSlot(claim('a-b', s1, 'b'))).toBe(true);
      expect(await second.claimSlot(claim('a-b', s2, 'b'))).toBe(true);
      const expected = [true, true, false, true, true, true, false, true];
      expect(await store.claimSlots(names.map((w) => claim(w, s1, 'a')))).toEqual(expected);
      const mixed = await store.claimSlots([...names.map((w) => claim(w, s2, 'a')), claim('a', other, 'a')]);
      expect(mixed).toEqual([...expected, true]);
      // Two replicas racing over one tick's slots in opposite orders: each won exactly once.
      const many = Array.from(
        { length: 200 },
        (_, i) => `n${Math.floor(i / 4)}${['', '/', '-', 'x'][i % 4]}`,
      );
      const slot = '2026-03-01T10:20:06.000Z';
      const [a, b] = await Promise.all([
        store.claimSlots(many.map((w) => claim(w, slot, 'a'))),
        second.claimSlots([...many].reverse().map((w) => claim(w, slot, 'b'))),
      ]);
      const bByItem = [...b].reverse();
      expect(many.map((_, i) => Number(a[i]) + Number(bByItem[i]))).toEqual(many.map(() => 1));
    });

    it('claims batches of one size with one statement text, each batch with its own slots', async () => {
      // The second and third batches run the SQL text the first compiled: with their own parameters.
      const claim = (what: string, holder: string) => ({
        checklist: 'batches',
        environment: 'production',
        what,
        slot: T0.toISOString(),
        holder,
        at: T0.toISOString(),
      });
      const batch = (slot: string, items: string[]) =>
        store.claimSlots(items.map((what) => ({ ...claim(what, 'a'), slot })));
      expect(await batch('2026-03-01T10:10:00.000Z', ['p', 'q', 'r'])).toEqual([true, true, true]);
      expect(await batch('2026-03-01T10:10:00.000Z', ['q', 's', 't'])).toEqual([false, true, true]);
      expect(await batch('2026-03-01T10:10:03.000Z', ['p', 'q', 'r'])).toEqual([true, true, true]);
      const rows = await second.claimSlots(
        ['p', 's', 'u'].map((what) => ({ ...claim(what, 'b'), slot: '2026-03-01T10:10:03.000Z' })),
      );
      expect(rows).toEqual([false, true, true]);
    });

    it('stores a batch of samples as it stores them one by one, a failure mid-batch included', async () => {
      const items = ['w/a', 'w/b', 'w/c'];
      const window = { holdMs: 60_000, everyMs: 10_000, tolerance: 1 };
      const at = (i: number) => plus(10_000 * i).toISOString();
      // Seven ticks of three samples; w/b fails at the fourth tick, with a message.
      const tick = (checklist: string, i: number): Sample[] =>
        items.map((item) => ({
          checklist,
          environment: 'production',
          item,
          at: at(i),
          ok: !(item === 'w/b' && i === 3),
          ...(item === 'w/b' && i === 3 ? { message: 'status 503' } : {}),
        }));
      for (let i = 0; i < 7; i++) {
        // Batches of one size in a row: later ones reuse the statement text with their own values.
        await store.addSamples(tick('batched', i));
        for (const s of tick('single', i)) await store.addSamples([s]);
      }
      const now = plus(60_000);
      for (const item of items) {
        const batched = await store.listSamples('batched', 'production', item, T0.toISOString());
        const single = await store.listSamples('single', 'production', item, T0.toISOString());
        expect(batched).toHaveLength(7);
        expect(batched.map((s) => ({ ...s, checklist: 'single' }))).toEqual(single);
        expect(judgeWindow(batched, window, now)).toEqual(judgeWindow(single, window, now));
      }
      const failed = await store.listSamples('batched', 'production', 'w/b', T0.toISOString());
      expect(failed[3]).toMatchObject({ ok: false, message: 'status 503', at: at(3) });
      expect(judgeWindow(failed, window, now).status).toBe('fail');
    });

    it('replaces watch state only from the version read, queueing its deliveries with it', async () => {
      expect(await store.loadWatchState('launch/production')).toBeUndefined();
      expect(await store.commitWatchState('launch/production', '{"v":1}', 0, [delivery('e1')], T0)).toBe(
        true,
      );
      // A second writer that read "absent" too loses, and queues nothing.
      expect(await second.commitWatchState('launch/production', '{"v":"x"}', 0, [delivery('e2')], T0)).toBe(
        false,
      );
      expect(await store.loadWatchState('launch/production')).toEqual({ value: '{"v":1}', version: 1 });
      expect(
        await store.commitWatchState('launch/production', '{"v":2}', 1, [delivery('e1'), delivery('e3')], T0),
      ).toBe(true);
      expect(await second.commitWatchState('launch/production', '{"v":"y"}', 1, [], T0)).toBe(false);
      // e1 was already queued for this target: once only.
      const log = await store.listDeliveries({ checklist: 'launch' });
      expect(log.map((d) => d.eventId)).toEqual(['e3', 'e1']);
      expect(log[0]).toMatchObject({
        status: 'pending',
        attempts: 0,
        targetLabel: 'webhook hooks.example.com',
      });
    });

    it('hands a due delivery to one sender, and back after a failed attempt is due again', async () => {
      await store.commitWatchState('k2', '{}', 0, [delivery('d1', 'slack:1')], T0);
      const due = (await store.dueDeliveries(T0, 100)).find((d) => d.eventId === 'd1')!;
      const [a, b] = await Promise.all([
        store.claimDelivery(due.id, T0, plus(30_000)),
        second.claimDelivery(due.id, T0, plus(30_000)),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect((await store.dueDeliveries(T0, 100)).map((d) => d.eventId)).not.toContain('d1');
      await store.recordDeliveryAttempt(due.id, {
        status: 'retrying',
        attempts: 1,
        lastError: 'HTTP 500',
        responseCode: 500,
        nextAttemptAt: plus(1000).toISOString(),
        at: T0.toISOString(),
      });
      expect((await store.dueDeliveries(plus(999), 100)).map((d) => d.eventId)).not.toContain('d1');
      expect((await store.dueDeliveries(plus(1000), 100)).map((d) => d.eventId)).toContain('d1');
      // A sender that died while holding a delivery: it is due again when the hold runs out.
      await store.claimDelivery(due.id, plus(1000), plus(31_000));
      expect((await store.dueDeliveries(plus(31_000), 100)).map((d) => d.eventId)).toContain('d1');
      const row = (await store.listDeliveries({ limit: 1 }))[0]!;
      expect(row).toMatchObject({ eventId: 'd1', attempts: 1, lastError: 'HTTP 500', responseCode: 500 });
    });

    it('lists due deliveries oldest first, at most the limit, and none before any is due', async () => {
      // dueDeliveries probes for a due row before its ordered query: both answers must stay the same.
      expect(await store.dueDeliveries(plus(-1), 100)).toEqual([]);
      await store.commitWatchState('k3', '{}', 0, [delivery('o1'), delivery('o2'), delivery('o3')], T0);
      const all = await store.dueDeliveries(plus(60_000), 100);
      const ids = all.map((d) => d.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(all.map((d) => d.eventId)).toEqual(expect.arrayContaining(['o1', 'o2', 'o3']));
      expect(all.every((d) => ['pending', 'retrying', 'sending'].includes(d.status))).toBe(true);
      expect((await store.dueDeliveries(plus(60_000), 2)).map((d) => d.id)).toEqual(ids.slice(0, 2));
      // A delivered one is never due again.
      await store.recordDeliveryAttempt(ids[0]!, {
        status: 'delivered',
        attempts: 1,
        lastError: null,
        responseCode: 200,
        nextAttemptAt: T0.toISOString(),
        at: T0.toISOString(),
      });
      expect((await store.dueDeliveries(plus(60_000), 100)).map((d) => d.id)).toEqual(ids.slice(1));
    });
  });
}
