import Database from 'better-sqlite3';
import { type Kysely, Migrator } from 'kysely';
import type { StoreAdapter } from '../adapter.js';
import { dialectFor } from '../dialects.js';
import { migrations } from '../migrations.js';
import type { Database as Schema } from '../schema.js';
import type { Backend } from './backends.js';

/**
 * Make `backend` a store as the migrations up to `upTo` left it, and let `fill` write rows in that
 * schema (as an older build did); the next openStore migrates it the rest of the way.
 */
export async function olderStore(
  backend: Backend,
  upTo: string,
  fill: (db: Kysely<Schema>, adapter: StoreAdapter) => Promise<void>,
): Promise<void> {
  const dialect = dialectFor(backend.url);
  const adapter = await dialect.open(dialect.resolve(backend.url, process.cwd()), { existing: false });
  try {
    const migrator = new Migrator({
      db: adapter.db,
      provider: { getMigrations: async () => migrations(adapter) },
      migrationTableName: 'gonogo_migrations',
      migrationLockTableName: 'gonogo_migrations_lock',
    });
    const { error } = await migrator.migrateTo(upTo);
    if (error) throw error;
    await fill(adapter.db, adapter);
  } finally {
    await adapter.db.destroy();
  }
}

/** The plan the backend picks for `query` (PostgreSQL told to prefer indexes, as on a large table). */
export async function queryPlan(name: string, backend: Backend, query: string): Promise<string> {
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
