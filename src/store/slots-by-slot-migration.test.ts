import { describe, expect, it } from 'vitest';
import type { Sample, SlotClaim } from '../engine/store.js';
import { judgeWindow } from '../engine/windows.js';
import { openStore } from './index.js';
import { perTest, storeBackends } from './test-support/backends.js';
import { olderStore, queryPlan } from './test-support/older-store.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const slot = (i: number) => new Date(T0 + 3_000 * i).toISOString();
const claim = (what: string, i: number, holder = 'replica-a'): SlotClaim => ({
  checklist: 'launch',
  environment: 'production',
  what,
  slot: slot(i),
  holder,
  at: slot(i),
});
/** Ten ticks of one windowed item, failing at the fourth. */
const samples: Sample[] = Array.from({ length: 10 }, (_, i) => ({
  checklist: 'launch',
  environment: 'production',
  item: 'ops/health',
  at: slot(i),
  ok: i !== 3,
  ...(i === 3 ? { message: 'status 503' } : {}),
}));
const window = { holdMs: 30_000, everyMs: 3_000, tolerance: 0.9 };

describe.each(await storeBackends())(
  'migration 007 (slots keyed by slot first) on $name',
  ({ name, available, make }) => {
    const fresh = perTest(make);

    it.skipIf(!available)('keeps the claims and samples of a store made before it', async () => {
      const backend = await fresh.backend(`slots_migrate_${name}`);
      // A store as migration 006 left it, with claims and samples written in that schema.
      await olderStore(backend, '006_bound_rows_by_seq', async (db, adapter) => {
        const old = [claim('run', 0), claim('ops/health', 0), claim('ops/health', 1)];
        await db
          .insertInto('scheduled_slots')
          .values(old.map(({ at, ...c }) => ({ ...c, claimed_at: at })))
          .execute();
        await db
          .insertInto('samples')
          .values(samples.map((s) => ({ ...s, ok: adapter.bool(s.ok), message: s.message ?? null })))
          .execute();
      });

      const store = await fresh.open(backend);
      // Claims made before the upgrade still hold their slots; new ones are won once.
      expect(await store.claimSlot(claim('ops/health', 1, 'replica-b'))).toBe(false);
      expect(await store.claimSlots([claim('run', 0), claim('ops/disk', 0), claim('ops/disk', 0)])).toEqual([
        false,
        true,
        false,
      ]);
      expect(await store.pruneSlots(slot(1))).toBe(3);
      expect(await store.claimSlot(claim('run', 0))).toBe(true);
      expect(await store.claimSlot(claim('ops/health', 1))).toBe(false);

      const kept = await store.listSamples('launch', 'production', 'ops/health', slot(0));
      expect(kept).toEqual(samples);
      const now = new Date(T0 + 30_000);
      expect(judgeWindow(kept, window, now)).toEqual(judgeWindow(samples, window, now));
      expect(judgeWindow(kept, window, now).status).toBe('pass');
    });

    it.skipIf(!available)('serves pruning by the slot key', async () => {
      const backend = await fresh.backend(`slots_plan_${name}`);
      await (await openStore(backend.url)).close();
      const prune = await queryPlan(name, backend, `delete from scheduled_slots where slot < '${slot(1)}'`);
      // The key's first column is the slot: no second index to keep up on every claim.
      expect(prune).toMatch(name === 'postgres' ? /scheduled_slots_pk/ : /USING PRIMARY KEY \(slot<\?\)/);
      expect(prune).not.toMatch(/scheduled_slots_by_time/);
    });
  },
);
