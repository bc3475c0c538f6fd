import type { Pool, PoolClient, Query, QueryResult } from 'pg';
import { StoreInputError, StoreUnavailableError } from '../engine/store.js';

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

/** True when `err` says the server or the connection went away (retryable), not that a query was wrong. */
export function isGone(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  return GONE_CODES.has(code) || code.startsWith('08') || GONE_MESSAGE.test(String(e?.message ?? ''));
}

/**
 * A driver error as the port's typed errors: a lost connection is StoreUnavailableError (503, retry),
 * text PostgreSQL cannot hold is StoreInputError (400); anything else passes unchanged.
 */
function translate(err: unknown, describe: (err: unknown) => string): unknown {
  if (isGone(err)) return new StoreUnavailableError(describe(err), { cause: err });
  if ((err as { code?: string })?.code === '22021') {
    return new StoreInputError('a text value holds a character the store cannot keep (NUL, \\u0000)');
  }
  return err;
}

/** First statements with no effect of their own: re-sent on another connection when the first one died. */
const SAFE_FIRST = /^\s*(begin|start transaction|select)\b/i;

/**
 * pg's pool as Kysely's, made to survive connections that die (pg_terminate_backend, a restart):
 * - every client has an 'error' listener for its whole life (pg-pool listens only while a client is
 *   idle; a backend terminated while a client is checked out would end the process with an unhandled
 *   'error' event);
 * - errors are translated (see translate), and a client that lost its connection is released with
 *   the error, so the pool drops it instead of handing it out again;
 * - when the first statement of a checkout fails that way (an idle client whose backend was killed),
 *   it runs on another connection: nothing had happened yet, and the pool flushes its dead clients
 *   without failing a request.
 */
export function resilientPool(
  pool: Pool,
  max: number,
  describe: (err: unknown) => string,
  QueryOf: typeof Query,
): ResilientPool {
  pool.on('error', () => {});
  pool.on('connect', (client: PoolClient) => {
    client.on('error', () => {});
  });
  const connect = () =>
    pool.connect().catch((err: unknown) => {
      throw translate(err, describe);
    });
  return {
    async connect() {
      let client: PoolClient | undefined = await connect();
      let fresh = true;
      let broken: Error | undefined;
      const run = async <R>(sql: string, send: (c: PoolClient) => Promise<R>): Promise<R> => {
        for (let attempt = 1; ; attempt++) {
          if (!client) throw new StoreUnavailableError('the connection to PostgreSQL was lost; retry');
          try {
            const result = await send(client);
            fresh = false;
            return result;
          } catch (err) {
            if (!isGone(err)) throw translate(err, describe);
            const retry = fresh && attempt <= max && SAFE_FIRST.test(sql);
            if (!retry) {
              broken = err as Error;
              throw translate(err, describe);
            }
            client.release(err as Error);
            client = undefined;
            client = await connect();
          }
        }
      };
      const checkedOut: ResilientClient = {
        query: (sql, parameters) => run(sql, (c) => c.query(sql, parameters as unknown[])),
        queryArrays: async (sql, parameters) =>
          (await run(sql, (c) => c.query({ text: sql, values: parameters as unknown[], rowMode: 'array' })))
            .rows as unknown[][],
        queryEach: (sql, parameters, onRow) =>
          run(sql, (c) => {
            // pg's Query takes rowMode (its types leave it out of QueryConfig).
            const config = { text: sql, values: parameters as unknown[], rowMode: 'array' };
            return eachRow(c, new QueryOf(config as ConstructorParameters<typeof Query>[0]), onRow);
          }),
        release() {
          client?.release(broken);
          client = undefined;
        },
      };
      return checkedOut;
    },
    end: () => pool.end(),
  };
}

/**
 * The rows of `query` handed to `onRow` one at a time as pg parses them, none kept: a row is garbage as
 * soon as it is handled. An error `onRow` throws ends the read with that error (the rows still coming
 * are skipped), not inside pg's socket handler.
 */
function eachRow(c: PoolClient, query: Query, onRow: (row: unknown[]) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed: { err: unknown } | undefined;
    c.query(query);
    query.on('row', (row: unknown[]) => {
      if (failed) return;
      try {
        onRow(row);
      } catch (err) {
        failed = { err };
      }
    });
    query.on('end', () => (failed ? reject(failed.err) : resolve()));
    query.on('error', reject);
  });
}

/** resilientPool: Kysely's pool (as PostgresPool), whose clients also read rows as arrays. */
export interface ResilientPool {
  connect(): Promise<ResilientClient>;
  end(): Promise<void>;
}

/** A checked-out connection of resilientPool: Kysely's client, plus reads whose rows come as arrays. */
export interface ResilientClient {
  query(sql: string, parameters: readonly unknown[]): Promise<QueryResult>;
  release(): void;
  /** The rows as arrays (pg's `rowMode: 'array'`): no object per row. */
  queryArrays(sql: string, parameters: readonly unknown[]): Promise<unknown[][]>;
  /** The rows as arrays, each handed to `onRow` as it arrives and not kept (eachRow). */
  queryEach(sql: string, parameters: readonly unknown[], onRow: (row: unknown[]) => void): Promise<void>;
}
