import type { Kysely, Migration } from 'kysely';
import type { StoreAdapter } from './adapter.js';

/**
 * Migration `002_watch`: the tables of the service's watch loop. Leases elect the scheduling leader;
 * `scheduled_slots` makes a slot claimable once (its primary key); `watch_state` keeps the last
 * notified evaluation of each checklist; `deliveries` is the notification outbox and delivery log,
 * unique per event and target so an event is queued once across replicas.
 */
export function watchMigration(adapter: StoreAdapter): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('scheduled_slots')
        .addColumn('checklist', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('what', 'text', (c) => c.notNull())
        .addColumn('slot', 'text', (c) => c.notNull())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('scheduled_slots_pk', ['checklist', 'environment', 'what', 'slot'])
        .execute();
      await db.schema.createIndex('scheduled_slots_by_time').on('scheduled_slots').column('slot').execute();

      await db.schema
        .createTable('watch_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', adapter.autoIdType, (c) => adapter.autoId(c))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('checklist', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('target_label', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('response_code', 'integer')
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('deliveries_once', ['event_id', 'target'])
        .execute();
      await db.schema
        .createIndex('deliveries_due')
        .on('deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('deliveries_by_checklist')
        .on('deliveries')
        .columns(['checklist', 'id'])
        .execute();
    },
  };
}
