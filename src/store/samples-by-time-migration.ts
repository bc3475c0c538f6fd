import type { Kysely, Migration } from 'kysely';

/** The samples' key for reads: a checklist's window in time order, each tick's rows side by side. */
export const SAMPLES_KEY = ['checklist', 'environment', 'at', 'item', 'id'];

/**
 * Migration `008_samples_by_time`: `samples_by_item` (checklist, environment, item, at) gives way to
 * `samples_by_checklist` (checklist, environment, at, item, id). The watch loop stores one sample per
 * windowed item each tick, all at about the same time: an item-first key put them on as many B-tree
 * leaf pages as there are items (every commit wrote each of those pages), a time-first key puts a
 * tick's rows on a few adjacent pages. Windows are read a checklist at a time (`listWindowSamples`:
 * the key's order, each item's samples by time, then id, as before); `samples_by_time` still serves
 * pruning. Samples stored before the upgrade are kept as they were.
 */
export const samplesByTimeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Either name may already be as wanted (a store whose migrations were partly replayed).
    await db.schema.dropIndex('samples_by_item').ifExists().execute();
    await db.schema
      .createIndex('samples_by_checklist')
      .ifNotExists()
      .on('samples')
      .columns(SAMPLES_KEY)
      .execute();
  },
};
