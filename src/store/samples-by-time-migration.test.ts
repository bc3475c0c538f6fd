import { describe, expect, it } from 'vitest';
import type { Sample } from '../engine/store.js';
import { openStore } from './index.js';
import { perTest, storeBackends } from './test-support/backends.js';
import { olderStore, queryPlan } from './test-support/older-store.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const tick = (i: number) => new Date(T0 + 3_000 * i).toISOString();
const ITEMS = ['ops/health', 'ops/disk', 'api/ready'];
const sample = (item: string, i: number, environment = 'production'): Sample => ({
  checklist: 'launch',
  environment,
  item,
  at: tick(i),
  ok: !(item === 'ops/disk' && i === 3),
  ...(item === 'ops/disk' && i === 3 ? { message: 'disk 97% full' } : {}),
});
/** Ten ticks of three items, as the watch loop stores them; a run's sample of tick 5 beside the loop's; another environment. */
const stored: Sample[] = [
  ...Array.from({ length: 10 }, (_, i) => ITEMS.map((item) => sample(item, i))).flat(),
  { ...sample('ops/health', 5), ok: false, message: 'status 503' },
  ...ITEMS.map((item) => sample(item, 4, 'staging')),
];
/** What a window holds: `item`'s samples of production from `since`, by time, then as they were stored. */
const expected = (item: string, since: string) =>
  stored
    .filter((s) => s.item === item && s.environment === 'production' && s.at >= since)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

describe.each(await storeBackends())(
  'migration 008 (samples read by time) on $name',
  ({ name, available, make }) => {
    const fresh = perTest(make);

    it.skipIf(!available)(
      'keeps the samples of a store made before it, read by item or by checklist',
      async () => {
        const backend = await fresh.backend(`samples_migrate_${name}`);
        await olderStore(backend, '007_slots_by_slot', async (db, adapter) => {
          await db
            .insertInto('samples')
            .values(stored.map((s) => ({ ...s, ok: adapter.bool(s.ok), message: s.message ?? null })))
            .execute();
        });

        const store = await fresh.open(backend);
        for (const item of ITEMS) {
          expect(await store.listSamples('launch', 'production', item, tick(2))).toEqual(
            expected(item, tick(2)),
          );
        }
        // Each item from its own start; one that has no samples maps to none.
        const since = new Map([
          ['ops/health', tick(0)],
          ['ops/disk', tick(3)],
          ['api/ready', tick(3)],
          ['ops/new', tick(0)],
        ]);
        const windows = await store.listWindowSamples('launch', 'production', since);
        expect([...windows.keys()]).toEqual([...since.keys()]);
        for (const [item, from] of since) expect(windows.get(item)).toEqual(expected(item, from));
        // The run's failed sample of tick 5 follows the loop's of the same time, as it was stored.
        expect(
          windows
            .get('ops/health')!
            .filter((s) => s.at === tick(5))
            .map((s) => s.ok),
        ).toEqual([true, false]);

        // New samples land beside the old ones; pruning still counts every row it removes.
        await store.addSamples(ITEMS.map((item) => sample(item, 10)));
        const after = await store.listWindowSamples('launch', 'production', new Map([['ops/disk', tick(9)]]));
        expect(after.get('ops/disk')?.map((s) => s.at)).toEqual([tick(9), tick(10)]);
        expect(await store.pruneSamples(tick(5))).toBe(3 * 5 + 3);
        expect(await store.listSamples('launch', 'staging', 'ops/disk', tick(0))).toEqual([]);
      },
    );

    it.skipIf(!available)('reads a window in the time-first key order, and prunes by time', async () => {
      const backend = await fresh.backend(`samples_plan_${name}`);
      await (await openStore(backend.url)).close();
      const window = await queryPlan(
        name,
        backend,
        `select item, at, ok, message from samples where checklist = 'launch' and environment = 'production'
         and at >= '${tick(0)}' and item in ('ops/health', 'ops/disk') order by at, item, id`,
      );
      expect(window).toMatch(/samples_by_checklist/);
      // The key's order is the order asked for: nothing to sort.
      expect(window).not.toMatch(name === 'postgres' ? /Sort/ : /TEMP B-TREE/);
      expect(window).not.toMatch(/samples_by_item/);
      const prune = await queryPlan(name, backend, `delete from samples where at < '${tick(1)}'`);
      expect(prune).toMatch(/samples_by_time/);
    });
  },
);
