import { CompiledQuery } from 'kysely';
import { expect, it } from 'vitest';
import { openPostgres } from './postgres-adapter.js';
import { perTest, storeBackends } from './test-support/backends.js';

/**
 * readSnapshot's `each` on PostgreSQL (verify's events): rows handed out one at a time as pg parses them,
 * in the snapshot's order with its other reads; a handler that throws ends that read with its error, and
 * the connection is still good for the next read.
 */

const pg = (await storeBackends()).find((b) => b.name === 'postgres')!;
const fresh = perTest(pg.make);
const series = (n: number) => CompiledQuery.raw(`select g, 'row ' || g from generate_series(1, ${n}) g`);

it.skipIf(!pg.available)(
  'hands out every row in order, between the reads asked before and after it',
  async () => {
    const backend = await fresh.backend('each_order');
    const adapter = await openPostgres(backend.url);
    try {
      const seen = await adapter.readSnapshot(async (select, each) => {
        const order: string[] = [];
        const before = select(series(2)).then(() => order.push('before'));
        const rows: unknown[][] = [];
        const streamed = each!(series(20_000), (row) => {
          if (rows.length === 0) order.push('first row');
          rows.push(row);
        }).then(() => order.push('end'));
        const after = select(series(1)).then(() => order.push('after'));
        await Promise.all([before, streamed, after]);
        return { order, rows };
      });
      expect(seen.order).toEqual(['before', 'first row', 'end', 'after']);
      expect(seen.rows).toHaveLength(20_000);
      expect(seen.rows.every((r, i) => r[0] === i + 1 && r[1] === `row ${i + 1}`)).toBe(true);
    } finally {
      await adapter.db.destroy();
    }
  },
);

it.skipIf(!pg.available)(
  'a handler that throws ends the read with its error; the next read still works',
  async () => {
    const backend = await fresh.backend('each_throw');
    const adapter = await openPostgres(backend.url);
    try {
      const out = await adapter.readSnapshot(async (select, each) => {
        let handled = 0;
        const failed = each!(series(10_000), () => {
          handled += 1;
          if (handled === 3) throw new Error('boom at row 3');
        });
        await expect(failed).rejects.toThrow('boom at row 3');
        // Rows after the throw are not handed out; the read ran to its end, so the connection is free.
        expect(handled).toBe(3);
        return select(series(3));
      });
      expect(out).toEqual([
        [1, 'row 1'],
        [2, 'row 2'],
        [3, 'row 3'],
      ]);
      // A read the server refuses rejects too (and ends the snapshot).
      await expect(
        adapter.readSnapshot((_select, each) =>
          each!(CompiledQuery.raw('select * from no_such_table'), () => {}),
        ),
      ).rejects.toThrow(/no_such_table/);
    } finally {
      await adapter.db.destroy();
    }
  },
);
