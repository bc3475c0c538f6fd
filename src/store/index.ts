import type { Store } from '../engine/store.js';
import { ConfigError } from '../model/errors.js';
import type { StoreAdapter } from './adapter.js';
import { migrateToLatest } from './migrations.js';
import { SqlStore } from './sql-store.js';

/** Options of openStore. */
export interface OpenStoreOptions {
  /** Clock for events whose caller gives no time (default: real time). */
  now?: () => Date;
  /**
   * Open only a store that exists: a missing SQLite file is a ConfigError instead of a new, empty store
   * (a command that only reads, such as `audit verify`, must not report on a store a typo created).
   */
  existing?: boolean;
}

/** `postgres://` and `postgresql://` URLs select PostgreSQL; anything else is an SQLite file path. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Open the store at a file path (SQLite) or a `postgres://` URL, applying pending migrations.
 * Throws ConfigError (exit 2) with a message that says what to fix when it cannot.
 * @example const store = await openStore('.gonogo/gonogo.db'); await store.verifyAudit(); await store.close();
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  // Each backend's driver loads only when that backend is used.
  const adapter: StoreAdapter = isPostgresUrl(url)
    ? await (await import('./postgres-adapter.js')).openPostgres(url)
    : await (await import('./sqlite-adapter.js')).openSqlite(url, { existing: opts.existing === true });
  try {
    await migrateToLatest(adapter);
  } catch (err) {
    await adapter.db.destroy().catch(() => {});
    throw new ConfigError(`cannot open the store ${adapter.location}: ${(err as Error).message}`, 'db');
  }
  return new SqlStore(adapter, opts);
}
