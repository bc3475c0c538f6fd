import {
  type ColumnDefinitionBuilder,
  Kysely,
  type Kysely as KyselyType,
  PostgresDialect,
  type PostgresPool,
  sql,
} from 'kysely';
import type { StoreAdapter } from './adapter.js';
import { maskUrl } from './mask-url.js';
import { isGone, resilientPool } from './postgres-pool.js';
import type { Database } from './schema.js';

/** Advisory lock key that serialises gonogo's writers (the audit append) within one database. */
const WRITE_LOCK = 0x676f6e6f676f; // "gonogo"
/** Connections per process: writers serialise on the write lock anyway. */
const POOL_SIZE = 4;

/** Connect to PostgreSQL at `url` with a small pool. The driver loads only when asked for. */
export async function openPostgres(url: string): Promise<StoreAdapter> {
  const { default: pg } = await import('pg');
  const location = maskUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, application_name: 'gonogo' });
  const connections = resilientPool(pool, POOL_SIZE, describe, pg.Query);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: connections as unknown as PostgresPool }),
  });
  return {
    dialect: 'postgres',
    location,
    db,
    async lockWrites(trx) {
      await sql`select pg_advisory_xact_lock(${sql.lit(WRITE_LOCK)})`.execute(trx);
    },
    async lockKey(trx, key) {
      await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
    },
    async readSnapshot(work) {
      // One connection of the pool, outside Kysely: its reads ask pg for arrays, not an object per row.
      const client = await connections.connect();
      // Reads go out one at a time, in the order asked (a page read ahead waits behind the one before):
      // pg refuses to queue queries on a busy client itself.
      let tail: Promise<unknown> = Promise.resolve();
      try {
        await client.query('begin isolation level repeatable read read only', []);
        const out = await work(
          (query) => {
            const rows = tail.then(() => client.queryArrays(query.sql, query.parameters));
            tail = rows.catch(() => {});
            return rows;
          },
          (query, onRow) => {
            const done = tail.then(() => client.queryEach(query.sql, query.parameters, onRow));
            tail = done.catch(() => {});
            return done;
          },
        );
        await tail;
        await client.query('commit', []);
        return out;
      } catch (err) {
        // A read failed (or the work threw): end the snapshot; a lost connection is released as broken.
        await tail;
        await client.query('rollback', []).catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    poolUsage: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    bool: (value) => value,
    autoIdType: 'serial',
    autoId: (col: ColumnDefinitionBuilder) => col.primaryKey(),
    async appendOnlyGuard(schemaDb: KyselyType<unknown>) {
      await sql
        .raw(
          `create or replace function gonogo_audit_append_only() returns trigger language plpgsql as $$
           begin raise exception 'audit_events is append-only: % refused', tg_op; end $$`,
        )
        .execute(schemaDb);
      await sql
        .raw(
          `create trigger audit_events_append_only before update or delete on audit_events
           for each row execute function gonogo_audit_append_only()`,
        )
        .execute(schemaDb);
      await sql
        .raw(
          `create trigger audit_events_no_truncate before truncate on audit_events
           for each statement execute function gonogo_audit_append_only()`,
        )
        .execute(schemaDb);
    },
    describeError: describe,
  };
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  const detail = e?.message || e?.errors?.map((x) => x.message).join('; ') || String(err);
  switch (e?.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return `cannot reach PostgreSQL (${e.code}); check --db or GONOGO_DB and that the server is up`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login: ${detail}; check the user and password in the URL`;
    case '3D000':
      return `${detail}; create the database first (createdb) or fix the URL`;
    default:
      if (isGone(err)) return `the connection to PostgreSQL was lost (${detail}); retry`;
      // Driver messages never contain the password, but the URL might be echoed: mask it anyway.
      return detail.replaceAll(/\/\/([^:/@]+):[^@/]*@/g, '//$1:***@');
  }
}
