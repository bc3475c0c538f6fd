import type { Kysely, Migration } from 'kysely';
import { canonicalJson } from '../model/audit.js';
import type { Database } from './schema.js';
import {
  attestationOfEvent,
  attestationOfRow,
  EVENT_OF,
  signoffOfEvent,
  signoffOfRow,
  vouchedEvents,
  waiverOfEvent,
  waiverOfRow,
} from './state-binding.js';

/**
 * Migration `003_state_bound`: every state row the verdict reads carries the `seq` of the audit event
 * that recorded it. Existing rows are bound to the first unclaimed event with the same content; a row
 * no event records keeps NULL, which every later read reports as tampered. An index lets an
 * evaluation load one checklist's events of a kind in one query.
 */
export const stateBoundMigration: Migration = {
  async up(raw: Kysely<unknown>) {
    for (const table of ['attestations', 'waivers', 'signoffs', 'runs']) {
      await raw.schema.alterTable(table).addColumn('seq', 'integer').execute();
    }
    await raw.schema
      .createIndex('audit_events_by_checklist')
      .on('audit_events')
      .columns(['checklist', 'environment', 'type', 'seq'])
      .execute();

    const db = raw as unknown as Kysely<Database>;
    const head = await db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    const eventsOf = async (type: string) => {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('type', '=', type)
        .orderBy('seq')
        .execute();
      return vouchedEvents(rows, head ? { seq: Number(head.seq) } : undefined).events;
    };

    // Content key -> seqs of the events with that content, oldest first.
    const bind = async <T extends 'attestations' | 'waivers' | 'signoffs'>(
      table: T,
      ofEvent: (e: Awaited<ReturnType<typeof eventsOf>>[number]) => object,
      ofRow: (r: never) => object,
    ) => {
      const free = new Map<string, number[]>();
      for (const e of await eventsOf(EVENT_OF[table])) {
        const key = canonicalJson(ofEvent(e));
        free.set(key, [...(free.get(key) ?? []), e.seq]);
      }
      const rows = await db
        .selectFrom(table as 'attestations')
        .selectAll()
        .orderBy('id')
        .execute();
      for (const row of rows) {
        const seq = free.get(canonicalJson(ofRow(row as never)))?.shift();
        if (seq === undefined) continue;
        await db
          .updateTable(table as 'attestations')
          .set({ seq })
          .where('id', '=', row.id)
          .execute();
      }
    };
    await bind('attestations', attestationOfEvent, attestationOfRow as (r: never) => object);
    await bind('waivers', waiverOfEvent, waiverOfRow as (r: never) => object);
    await bind('signoffs', signoffOfEvent, signoffOfRow as (r: never) => object);

    // A run's event names its run id.
    for (const e of await eventsOf(EVENT_OF.runs)) {
      const id = Number(e.data.run);
      if (!Number.isInteger(id)) continue;
      await db
        .updateTable('runs')
        .set({ seq: e.seq })
        .where('id', '=', id)
        .where('seq', 'is', null)
        .execute();
    }
  },
};
