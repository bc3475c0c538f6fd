import type { Kysely, Migration } from 'kysely';

/**
 * 004: tokens get a person, an expiry, a revocation time and a last use; sign-offs record the person
 * who signed and the evidence digest they saw. Columns only (nullable): rows written before keep
 * working as they did.
 */
export const policyTokensMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of ['person', 'expires_at', 'revoked_at', 'last_used_at']) {
      await db.schema.alterTable('tokens').addColumn(column, 'text').execute();
    }
    for (const column of ['person', 'evidence']) {
      await db.schema.alterTable('signoffs').addColumn(column, 'text').execute();
    }
  },
};
