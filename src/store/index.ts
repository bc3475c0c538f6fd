import type { Store } from '../engine/store.js';
import { ConfigError } from '../model/errors.js';
import { dialectFor } from './dialects.js';
import { migrateToLatest } from './migrations.js';
import { createSqlStore } from './sql-store.js';

export { DIALECTS, dialectFor, resolveStoreLocation, type StoreDialect } from './dialects.js';
export { maskUrl } from './mask-url.js';

/** Options of openStore. */
export interface OpenStoreOptions {
  /**
   * The clock that stamps events whose caller gives no time (`checklist.imported`, `token.created`):
   * pass the process's clock (`GONOGO_NOW`) so every event of a run agrees. Default: real time.
   */
  now?: () => Date;
  /**
   * Open only a store that exists: a missing SQLite file is a ConfigError instead of a new, empty store
   * (a command that only reads, such as `audit verify`, must not report on a store a typo created).
   */
  existing?: boolean;
  /** SQLite: the connection's page cache in KiB (default: the driver's 16 MB); ignored by PostgreSQL. */
  pageCacheKiB?: number;
}

/**
 * Open the store at a file path (SQLite) or a `postgres://` URL, applying pending migrations. The
 * backend is the one its dialect (store/dialects.ts) selects; any other `scheme://` is refused.
 * Throws ConfigError (exit 2) with a message that says what to fix when it cannot.
 * @example const store = await openStore('.gonogo/gonogo.db', { now }); await store.verifyAudit(); await store.close();
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const dialect = dialectFor(url);
  const location = dialect.resolve(url, process.cwd());
  const adapter = await dialect.open(location, {
    existing: opts.existing === true,
    ...(opts.pageCacheKiB !== undefined ? { pageCacheKiB: opts.pageCacheKiB } : {}),
  });
  try {
    await migrateToLatest(adapter);
  } catch (err) {
    await adapter.db.destroy().catch(() => {});
    throw new ConfigError(`cannot open the store ${adapter.location}: ${(err as Error).message}`, 'db');
  }
  return createSqlStore(adapter, opts.now ? { now: opts.now } : {});
}
