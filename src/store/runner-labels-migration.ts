import type { Kysely, Migration } from 'kysely';

/**
 * 005: runner tokens carry the labels whose jobs they may claim (a nullable JSON column: every token
 * written before is not a runner token and keeps working as it did).
 */
export const runnerLabelsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tokens').addColumn('labels', 'text').execute();
  },
};
