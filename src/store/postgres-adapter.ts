import {
  type ColumnDefinitionBuilder,
  type CompiledQuery,
  type DatabaseConnection,
  Kysely,
  type Kysely as KyselyType,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  sql,
} from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { StoreInputError, StoreUnavailableError } from '../engine/store.js';
import type { StoreAdapter } from './adapter.js';
import { maskUrl } from './mask-url.js';
import type { Database } from './schema.js';

/** Advisory lock key that serialises gonogo's writers (the audit append) within one database. */
const WRITE_LOCK = 0x676f6e6f676f; // "gonogo"

/** Socket errors and SQLSTATEs that mean "the server or the connection went away", not "bad query". */
const GONE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);
/** What pg says when a connection ended under it (these errors carry no code). */
const GONE_MESSAGE =
  /connection terminated|not queryable|connection ended|timeout exceeded when trying to connect/i;

function isGone(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  return GONE_CODES.has(code) || code.startsWith('08') || GONE_MESSAGE.test(String(e?.message ?? ''));
}

/**
 * A driver error as the port's typed errors: a lost connection is StoreUnavailableError (503, retry),
 * text PostgreSQL cannot hold is StoreInputError (400); anything else passes unchanged.
 */
function translate(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || err instanceof StoreInputError) return err;
  if (isGone(err)) return new StoreUnavailableError(describe(err), { cause: err });
  if ((err as { code?: string })?.code === '22021') {
    return new StoreInputError('a text value holds a character the store cannot keep (NUL, \\u0000)');
  }
  return err;
}

/**
 * Kysely's PostgreSQL driver with driver errors translated on every query, transaction statement and
 * connection acquisition, so no caller ever sees a raw "Connection terminated" from pg.
 */
class TranslatingPostgresDriver extends PostgresDriver {
  readonly #originals = new WeakMap<DatabaseConnection, DatabaseConnection>();

  override async acquireConnection(): Promise<DatabaseConnection> {
    let connection: DatabaseConnection;
    try {
      connection = await super.acquireConnection();
    } catch (err) {
      throw translate(err);
    }
    const wrapped: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery) =>
        connection.executeQuery<R>(query).catch((err: unknown) => {
          throw translate(err);
        }),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
        connection.streamQuery<R>(query, chunkSize),
    };
    this.#originals.set(wrapped, connection);
    return wrapped;
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // Kysely releases through a private method of its own connection object: hand that one back.
    await super.releaseConnection((this.#originals.get(connection) ?? connection) as never);
  }
}

class GonogoPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new TranslatingPostgresDriver(this.#config);
  }
}

/**
 * Every client gets an 'error' listener for its whole life. pg-pool listens only while a client is
 * idle; a backend terminated while a client is checked out (mid-transaction, between statements)
 * would otherwise emit an unhandled 'error' and end the process. The query in flight fails on its own
 * (translated above), and pg-pool drops the broken client on release, so the pool recovers.
 */
function guardClients(pool: Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client: PoolClient) => {
    client.on('error', () => {});
  });
}

/** Connect to PostgreSQL at `url` with a small pool. The driver loads only when asked for. */
export async function openPostgres(url: string): Promise<StoreAdapter> {
  const { default: pg } = await import('pg');
  const location = maskUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'gonogo' });
  guardClients(pool);
  const db = new Kysely<Database>({ dialect: new GonogoPostgresDialect({ pool }) });
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
