import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreAdapter } from './adapter.js';

const COLUMNS = ['checklist', 'environment', 'what', 'slot', 'holder', 'claimed_at'] as const;
/** The claim's key, slot first: one tick's claims share a slot, so they land side by side. */
const KEY = ['slot', 'checklist', 'environment', 'what'];

/**
 * Migration `007_slots_by_slot`: `scheduled_slots` keyed by (slot, checklist, environment, what)
 * instead of (checklist, environment, what, slot). Every tick claims one row per due item, all with
 * the same slot: an item-first key spread them over as many B-tree pages as there are items, a
 * slot-first key appends them together. The key still makes a slot claimable once (the claim's
 * conflict target names the same columns), and its first column serves pruning (`slot < before`), so
 * `scheduled_slots_by_time` goes. Nothing reads slots by item. On SQLite the table is rebuilt
 * `WITHOUT ROWID` (the key is the table: one B-tree instead of three); PostgreSQL swaps the constraint.
 * Claims made before the upgrade are kept.
 */
export function slotsBySlotMigration(adapter: StoreAdapter): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('scheduled_slots_by_time').ifExists().execute();
      if (adapter.dialect === 'postgres') {
        await db.schema.alterTable('scheduled_slots').dropConstraint('scheduled_slots_pk').execute();
        await db.schema
          .alterTable('scheduled_slots')
          .addPrimaryKeyConstraint('scheduled_slots_pk', KEY)
          .execute();
        return;
      }
      let table = db.schema.createTable('scheduled_slots_007');
      for (const column of COLUMNS) table = table.addColumn(column, 'text', (c) => c.notNull());
      await table
        .addPrimaryKeyConstraint('scheduled_slots_pk', KEY as never)
        .modifyEnd(sql`without rowid`)
        .execute();
      await sql`insert into scheduled_slots_007 (${sql.join(COLUMNS.map((c) => sql.ref(c)))})
        select ${sql.join(COLUMNS.map((c) => sql.ref(c)))} from scheduled_slots`.execute(db);
      await db.schema.dropTable('scheduled_slots').execute();
      await db.schema.alterTable('scheduled_slots_007').renameTo('scheduled_slots').execute();
    },
  };
}
