import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { StoreAdapter } from './adapter.js';
import { policyTokensMigration } from './policy-tokens-migration.js';
import { runnerLabelsMigration } from './runner-labels-migration.js';
import { samplesByTimeMigration } from './samples-by-time-migration.js';
import { slotsBySlotMigration } from './slots-by-slot-migration.js';
import { BOUND_TABLES } from './state-binding.js';
import { stateBoundMigration } from './state-bound-migration.js';
import { watchMigration } from './watch-migration.js';

/**
 * Versioned schema migrations, in code (no files to ship or find at run time). Names sort in order;
 * a later feature (leases, deliveries) adds `002_...`, never edits `001_initial`.
 */
export function migrations(adapter: StoreAdapter): Record<string, Migration> {
  const id = adapter.autoIdType;
  return {
    '001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('checklists')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('file', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('runs')
          .addColumn('id', id, (c) => adapter.autoId(c))
          .addColumn('checklist', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text', (c) => c.notNull())
          .addColumn('verdict', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('trigger', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('runs_by_checklist')
          .on('runs')
          .columns(['checklist', 'environment', 'id'])
          .execute();

        await db.schema
          .createTable('run_results')
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('item', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('message', 'text')
          .addColumn('observed', 'text')
          .addColumn('duration_ms', 'double precision')
          .addColumn('at', 'text')
          .addPrimaryKeyConstraint('run_results_pk', ['run_id', 'item'])
          .execute();

        await db.schema
          .createTable('samples')
          .addColumn('id', id, (c) => adapter.autoId(c))
          .addColumn('checklist', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('item', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('ok', 'boolean', (c) => c.notNull())
          .addColumn('message', 'text')
          .execute();
        await db.schema
          .createIndex('samples_by_item')
          .on('samples')
          .columns(['checklist', 'environment', 'item', 'at'])
          .execute();
        await db.schema.createIndex('samples_by_time').on('samples').column('at').execute();

        await db.schema
          .createTable('attestations')
          .addColumn('id', id, (c) => adapter.autoId(c))
          .addColumn('checklist', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('item', 'text', (c) => c.notNull())
          .addColumn('evidence', 'text', (c) => c.notNull())
          .addColumn('value', 'text')
          .addColumn('file_name', 'text')
          .addColumn('file_sha256', 'text')
          .addColumn('by', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .execute();
        await db.schema
          .createIndex('attestations_by_checklist')
          .on('attestations')
          .columns(['checklist', 'environment'])
          .execute();

        await db.schema
          .createTable('waivers')
          .addColumn('id', id, (c) => adapter.autoId(c))
          .addColumn('checklist', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('item', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('by', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('waivers_by_checklist')
          .on('waivers')
          .columns(['checklist', 'environment'])
          .execute();

        await db.schema
          .createTable('signoffs')
          .addColumn('id', id, (c) => adapter.autoId(c))
          .addColumn('checklist', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('by', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('signoffs_by_checklist')
          .on('signoffs')
          .columns(['checklist', 'environment'])
          .execute();

        await db.schema
          .createTable('audit_events')
          .addColumn('seq', 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('checklist', 'text')
          .addColumn('environment', 'text')
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await adapter.appendOnlyGuard(db);

        await db.schema
          .createTable('audit_head')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('tokens')
          .addColumn('id', id, (c) => adapter.autoId(c))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('signoff_roles', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '002_watch': watchMigration(adapter),
    '003_state_bound': stateBoundMigration,
    '004_policy_tokens': policyTokensMigration,
    '005_runner_labels': runnerLabelsMigration,
    '006_bound_rows_by_seq': boundRowsBySeqMigration,
    '007_slots_by_slot': slotsBySlotMigration(adapter),
    '008_samples_by_time': samplesByTimeMigration,
  };
}

/**
 * Bring the schema up to date. Concurrent openers do not race: Kysely's Migrator holds an advisory
 * lock on PostgreSQL, and on SQLite the migration transaction begins IMMEDIATE (one writer at a time).
 * An SQLite store that is new or already current skips the Migrator (StoreAdapter.atLatest).
 */
export async function migrateToLatest(adapter: StoreAdapter): Promise<void> {
  const all = migrations(adapter);
  if (adapter.atLatest?.(Object.keys(all))) return;
  await migrateOneByOne(adapter, all);
}

/** Kysely's Migrator: each pending migration in name order, in one transaction. */
export async function migrateOneByOne(
  adapter: StoreAdapter,
  all: Record<string, Migration> = migrations(adapter),
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({
    db: adapter.db,
    provider,
    migrationTableName: 'gonogo_migrations',
    migrationLockTableName: 'gonogo_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const why = adapter.describeError(error);
    throw new Error(failed ? `schema migration ${failed} failed: ${why}` : why);
  }
}

/**
 * 006: each bound table indexed by (seq, id), the order `audit verify` reads its rows in beside the
 * chain (verify-state.ts): each row is met as the walk reaches its event, with nothing of the chain kept.
 */
const boundRowsBySeqMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of BOUND_TABLES) {
      await db.schema.createIndex(`${table}_by_seq`).on(table).columns(['seq', 'id']).execute();
    }
  },
};
