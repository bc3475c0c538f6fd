import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import {
  type ColumnDefinitionBuilder,
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  type Kysely as KyselyType,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
  sql,
  type TransactionSettings,
} from 'kysely';
import { ConfigError } from '../model/errors.js';
import type { StoreAdapter } from './adapter.js';
import type { Database } from './schema.js';
import { sqliteAtLatest } from './sqlite-schema.js';

/** How long a writer waits for another process's write transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * Write transactions begin IMMEDIATE: the write lock is taken up front, so two processes never both read
 * the audit head and then race to append (a deferred transaction would fail with SQLITE_BUSY on upgrade).
 * Read-only transactions stay deferred: in WAL mode they read a snapshot without blocking writers.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    const mode = settings?.accessMode === 'read only' ? 'deferred' : 'immediate';
    await connection.executeQuery(CompiledQuery.raw(`begin ${mode}`));
  }
}

/** How many prepared statements a store keeps (its queries are a few dozen distinct SQL texts). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The database as Kysely's driver sees it, with prepared statements kept by SQL text (least recently
 * used dropped first): preparing a statement costs more than running most of gonogo's queries. A kept
 * statement is safe to reuse: the driver runs one query at a time per connection, and SQLite prepares
 * a statement again by itself when the schema changed under it.
 */
export function cachingStatements(db: SqliteDatabase, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>();
  return {
    close: () => {
      kept.clear();
      db.close();
    },
    prepare(sqlText: string): SqliteStatement {
      let stmt = kept.get(sqlText);
      if (stmt) {
        // Most recently used last: Map keeps insertion order.
        kept.delete(sqlText);
      } else {
        stmt = db.prepare(sqlText);
        if (kept.size >= size) kept.delete(kept.keys().next().value!);
      }
      kept.set(sqlText, stmt);
      return stmt;
    },
  };
}

/** SQLite runs DDL inside transactions, so migrations get one (Kysely's default adapter says no). */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class GonogoSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter() {
    return new TransactionalSqliteAdapter();
  }
}

/**
 * Open (creating if needed) the SQLite store file at `path`: WAL, busy timeout, foreign keys.
 */
export async function openSqlite(
  path: string,
  opts: { existing?: boolean; pageCacheKiB?: number | undefined } = {},
): Promise<StoreAdapter> {
  // SQLite's own name for a database in memory (dialects.ts leaves it unresolved): no file, no directory,
  // and nothing recorded in it before this process opened it.
  const inMemory = path === ':memory:';
  if (opts.existing && (inMemory || !statSync(path, { throwIfNoEntry: false }))) {
    throw new ConfigError(
      `no store at ${path}: nothing has been recorded there; check --db or GONOGO_DB (the first run, attest, waive or signoff creates a store)`,
      'db',
    );
  }
  try {
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new ConfigError(
      `cannot create the directory of the store ${path}: ${(err as Error).message}`,
      'db',
    );
  }
  const existing = inMemory ? undefined : statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    throw new ConfigError(
      `the store ${path} is a directory; give --db a file path such as ${path}/gonogo.db`,
      'db',
    );
  }
  // The native driver loads only when a command needs the store.
  const { default: BetterSqlite } = await import('better-sqlite3');
  let native: InstanceType<typeof BetterSqlite> | undefined;
  try {
    native = new BetterSqlite(path);
    // busy_timeout first: switching to WAL itself needs a lock another process may hold.
    native.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await enterWal(native, Date.now() + BUSY_TIMEOUT_MS);
    // NORMAL is safe in WAL mode against a killed process (the WAL replays on open); only an OS crash
    // may lose the last commits, never corrupt the file.
    native.pragma('synchronous = NORMAL');
    native.pragma('foreign_keys = ON');
    // A statement that may fail halfway (a multi-row INSERT: its key, NOT NULL and foreign key checks) keeps
    // the pages it changes in a statement journal, so that it alone can be undone; past 64 KiB SQLite
    // moves that journal to a temporary file. A run's 500-row INSERTs wrote ~28 MB to one at 50,000 items
    // (14,550 writes); in memory it is at most what one statement changed, let go when it ends. This
    // pragma also keeps temporary tables and indices in memory: the store's queries make none beyond an
    // `in (…)` list (no DISTINCT, GROUP BY, UNION or temp table). bench/README "branch rows18".
    native.pragma('temp_store = MEMORY');
    // A one-shot command writing a long run passes a smaller page cache than the driver's 16 MB (which a
    // 50,000-item run fills: ~15 MB of its peak RSS); dirty pages then spill to the WAL as they would anyway.
    if (opts.pageCacheKiB !== undefined)
      native.pragma(`cache_size = ${-Math.max(64, Math.floor(opts.pageCacheKiB))}`);
  } catch (err) {
    // A handle opened before a pragma failed holds the file open until it is collected: a server that
    // reports the store and goes on, or a test that removes the file, would find it still held.
    closeQuietly(native);
    throw new ConfigError(`cannot open the store ${path}: ${describe(err)}`, 'db');
  }
  const db = new Kysely<Database>({
    dialect: new GonogoSqliteDialect({ database: cachingStatements(native) }),
  });
  return {
    dialect: 'sqlite',
    location: path,
    db,
    async lockWrites() {
      // The IMMEDIATE transaction already holds SQLite's single write lock.
    },
    async lockKey() {
      // Likewise: one writer at a time already.
    },
    async readSnapshot(work) {
      // A deferred read-only transaction holds the one connection this handle is: every read sees its
      // snapshot. Each SQL text is prepared once per snapshot (its pages differ only in parameters), on
      // statements of its own: raw mode is a statement's state, and Kysely's cached ones stay in object mode.
      const prepared = new Map<string, { all(...params: readonly unknown[]): unknown }>();
      return db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(() =>
          work(async (query) => {
            let stmt = prepared.get(query.sql);
            if (!stmt) {
              stmt = native.prepare(query.sql).raw(true) as unknown as {
                all(...params: readonly unknown[]): unknown;
              };
              prepared.set(query.sql, stmt);
            }
            return stmt.all(...query.parameters) as unknown[][];
          }),
        );
    },
    atLatest: (names) => sqliteAtLatest(native, names),
    bool: (value) => (value ? 1 : 0),
    autoIdType: 'integer',
    autoId: (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement(),
    async appendOnlyGuard(schemaDb: KyselyType<unknown>) {
      for (const op of ['update', 'delete']) {
        await sql
          .raw(
            `create trigger audit_events_no_${op} before ${op} on audit_events ` +
              `begin select raise(abort, 'audit_events is append-only: ${op} refused'); end`,
          )
          .execute(schemaDb);
      }
    },
    describeError: describe,
  };
}

/** The pause between two tries of the switch to WAL: 5 ms, doubling, at most 100 ms. */
const WAL_RETRY_MS = { first: 5, most: 100 };

/**
 * Switch the connection to WAL, waiting out another process that is switching the same new file.
 * A store file starts in SQLite's rollback mode; the switch reads page 1, then upgrades to a write. When
 * another opener holds the write lock at that instant (it is switching the file itself, or creating the
 * schema), SQLite answers SQLITE_BUSY at once, without its busy handler: a reader waiting for a writer
 * that waits for it would deadlock. The switch is tried again, with a pause between tries, until
 * `deadline` (epoch ms): the other process is done in milliseconds and the file is then in WAL already.
 * `wait` is the pause (tests pass their own to act between tries).
 */
export async function enterWal(
  native: { pragma(source: string): unknown },
  deadline: number,
  wait: (ms: number) => Promise<unknown> = pause,
): Promise<void> {
  for (let ms = WAL_RETRY_MS.first; ; ms = Math.min(ms * 2, WAL_RETRY_MS.most)) {
    try {
      native.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() + ms > deadline) throw err;
    }
    await wait(ms);
  }
}

/** Close a handle on a failure path: the failure that got there is the one to report, not the close's. */
function closeQuietly(native: { close(): unknown } | undefined): void {
  try {
    native?.close();
  } catch {
    // The handle is unusable either way; the caller throws the error that matters.
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'SQLITE_NOTADB') return 'the file is not a gonogo store (not an SQLite database)';
  if (e?.code === 'SQLITE_BUSY') return 'the store is locked by another process for too long; retry';
  if (e?.code === 'SQLITE_READONLY') return 'the store is read-only; check the file permissions';
  return e?.message ?? String(err);
}
