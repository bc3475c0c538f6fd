import type { ColumnDefinitionBuilder, CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * What differs between the backends. Everything else (queries, migrations, the audit chain) is one
 * code path in the aggregate stores (`*-store.ts`) and `migrations.ts`.
 */
export interface StoreAdapter {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the store is, for messages (a file path, or a URL with any password masked). */
  readonly location: string;
  readonly db: Kysely<Database>;
  /**
   * Serialise writers inside a transaction, before the audit head is read. PostgreSQL takes a
   * transaction-scoped advisory lock; SQLite already holds the database's single write lock because its
   * transactions begin IMMEDIATE.
   */
  lockWrites(trx: Transaction<Database>): Promise<void>;
  /**
   * Serialise one decision among processes (a lease named `key`) inside a transaction: an advisory
   * lock on PostgreSQL; nothing on SQLite, whose write transactions already exclude each other.
   */
  lockKey(trx: Transaction<Database>, key: string): Promise<void>;
  /** A boolean as the backend stores it. */
  bool(value: boolean): boolean | number;
  /** Modifier for an auto-incrementing integer primary key column. */
  autoId(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** The column type of an auto-incrementing id (`integer` on SQLite, `serial` on PostgreSQL). */
  readonly autoIdType: 'integer' | 'serial';
  /** Install triggers that refuse UPDATE, DELETE (and TRUNCATE) on `audit_events`. */
  appendOnlyGuard(db: Kysely<unknown>): Promise<void>;
  /**
   * Run `work` on one read-only, repeatable-read snapshot, with `select` returning a compiled read's rows
   * as arrays (columns in the order selected). For the hot path that reads every row (`audit verify`):
   * there, building an object per row costs more than the database's own work. SQLite reads through
   * the native statement in raw mode inside a deferred transaction; PostgreSQL on one pooled connection
   * in a `repeatable read, read only` transaction, rows in pg's array mode. PostgreSQL also gives `each`,
   * which hands out each row as it arrives and keeps none (a page held until handled outlived the young
   * generation); SQLite, which reads in process, gives none.
   */
  readSnapshot<T>(work: (select: SelectArrays, each?: EachRow) => Promise<T>): Promise<T>;
  /**
   * Bring the schema to the migrations `names` in one step when that is certain (a new store), or find
   * it there already; false: the Migrator must run. SQLite only (sqlite-schema.ts).
   */
  atLatest?(names: readonly string[]): boolean;
  /** Connection pool usage now (PostgreSQL); absent on SQLite, which has no pool. */
  poolUsage?(): { total: number; idle: number; waiting: number };
  /** Turn a driver error into a message that says what to do (never including a password). */
  describeError(err: unknown): string;
}

/** A compiled read's rows as arrays, columns in the order selected (StoreAdapter.readSnapshot). */
export type SelectArrays = (query: CompiledQuery) => Promise<unknown[][]>;

/** A compiled read's rows as arrays handed to `onRow` one at a time as they arrive (readSnapshot). */
export type EachRow = (query: CompiledQuery, onRow: (row: unknown[]) => void) => Promise<void>;

/**
 * Bound parameters per INSERT: under every backend's limit (SQLite 32,766, PostgreSQL 65,535), so a
 * 5,000-item run's results go in two statements rather than twenty-five.
 */
export const INSERT_MAX_PARAMETERS = 30_000;
