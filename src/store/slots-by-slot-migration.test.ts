import Database from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample, SlotClaim } from '../engine/store.js';
import { judgeWindow } from '../engine/windows.js';
import { dialectFor } from './dialects.js';
import { openStore } from './index.js';
import { migrations } from './migrations.js';
import { type Backend, storeBackends } from './test-support/backends.js';

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

/** The plan the backend picks for `query` (PostgreSQL told to prefer indexes, as on a large table). */
async function plan(name: string, backend: Backend, query: string): Promise<string> {
  if (name === 'postgres') {
    await backend.raw('set enable_seqscan = off');
    const res = (await backend.raw(`explain ${query}`)) as { rows: Record<string, string>[] };
    return res.rows.map((r) => r['QUERY PLAN']).join('\n');
  }
  const db = new Database(backend.url, { readonly: true });
  try {
    const rows = db.prepare(`explain query plan ${query}`).all() as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  } finally {
    db.close();
  }
}

describe.each(await storeBackends())(
  'migration 007 (slots keyed by slot first) on $name',
  ({ name, available, make }) => {
    let backend: Backend | undefined;
    afterEach(async () => {
      await backend?.cleanup();
      backend = undefined;
    });

    it.skipIf(!available)('keeps the claims and samples of a store made before it', async () => {
      backend = await make(`slots_migrate_${name}`);
      // A store as migration 006 left it, with claims and samples written in that schema.
      const dialect = dialectFor(backend.url);
      const adapter = await dialect.open(dialect.resolve(backend.url, process.cwd()), { existing: false });
      try {
        const migrator = new Migrator({
          db: adapter.db,
          provider: { getMigrations: async () => migrations(adapter) },
          migrationTableName: 'gonogo_migrations',
          migrationLockTableName: 'gonogo_migrations_lock',
        });
        const { error } = await migrator.migrateTo('006_bound_rows_by_seq');
        expect(error).toBeUndefined();
        const old = [claim('run', 0), claim('ops/health', 0), claim('ops/health', 1)];
        await adapter.db
          .insertInto('scheduled_slots')
          .values(old.map(({ at, ...c }) => ({ ...c, claimed_at: at })))
          .execute();
        await adapter.db
          .insertInto('samples')
          .values(samples.map((s) => ({ ...s, ok: adapter.bool(s.ok), message: s.message ?? null })))
          .execute();
      } finally {
        await adapter.db.destroy();
      }

      const store = await openStore(backend.url);
      try {
        // Claims made before the upgrade still hold their slots; new ones are won once.
        expect(await store.claimSlot(claim('ops/health', 1, 'replica-b'))).toBe(false);
        expect(await store.claimSlots([claim('run', 0), claim('ops/disk', 0), claim('ops/disk', 0)])).toEqual(
          [false, true, false],
        );
        expect(await store.pruneSlots(slot(1))).toBe(3);
        expect(await store.claimSlot(claim('run', 0))).toBe(true);
        expect(await store.claimSlot(claim('ops/health', 1))).toBe(false);

        const kept = await store.listSamples('launch', 'production', 'ops/health', slot(0));
        expect(kept).toEqual(samples);
        const now = new Date(T0 + 30_000);
        expect(judgeWindow(kept, window, now)).toEqual(judgeWindow(samples, window, now));
        expect(judgeWindow(kept, window, now).status).toBe('pass');
      } finally {
        await store.close();
      }
    });

    it.skipIf(!available)('serves pruning by the slot key, and reads by item by their index', async () => {
      backend = await make(`slots_plan_${name}`);
      await (await openStore(backend.url)).close();
      const prune = await plan(name, backend, `delete from scheduled_slots where slot < '${slot(1)}'`);
      // The key's first column is the slot: no second index to keep up on every claim.
      expect(prune).toMatch(name === 'postgres' ? /scheduled_slots_pk/ : /USING PRIMARY KEY \(slot<\?\)/);
      expect(prune).not.toMatch(/scheduled_slots_by_time/);
      const byItem = await plan(
        name,
        backend,
        `select * from samples where checklist = 'launch' and environment = 'production'
       and item = 'ops/health' and at >= '${slot(0)}' order by at, id`,
      );
      expect(byItem).toMatch(/samples_by_item/);
    });
  },
);
