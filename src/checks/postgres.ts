import { CheckFailure, defineCheck } from '../engine/check.js';
import { connectionUrl, SQL_VARIABLES, sqlOptions } from './support/sql.js';
import { scrubSecrets, toNumberIfExact } from './support/url.js';

/** PostgreSQL type OIDs whose default pg parsing is not what a condition wants to compare. */
const OID = {
  bytea: 17,
  int8: 20,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
} as const;

/** Dates, times and intervals stay as PostgreSQL prints them, so results are plain, comparable JSON. */
const KEEP_AS_TEXT = new Set<number>([
  OID.bytea,
  OID.date,
  OID.time,
  OID.timestamp,
  OID.timestamptz,
  OID.interval,
  OID.timetz,
]);

const postgresUrl = connectionUrl(['postgres:', 'postgresql:'], 5432, 'postgres://user@host:5432/dbname');

/**
 * `postgres`: can gonogo reach the database, and what does a query return
 * (row counts, grants, settings, replication lag...).
 */
export default defineCheck({
  kind: 'postgres',
  summary: 'Connect to PostgreSQL and optionally run a query: connected, rows, row, count, latency',
  target: postgresUrl,
  options: sqlOptions('$1, $2... in `query`'),
  variables: SQL_VARIABLES,
  defaultExpect: ['connected'],
  hostKey: (target) => target.hostPort,
  async run(target, options, ctx) {
    const { default: pg } = await import('pg');
    const where = target.shown;
    const started = performance.now();
    const client = new pg.Client({
      connectionString: target.href,
      connectionTimeoutMillis: ctx.timeoutMs,
      // The server cancels the query itself, so a slow query does not keep running after the check.
      statement_timeout: ctx.timeoutMs,
      // Names the session in pg_stat_activity; an application_name in the URL wins.
      application_name: 'gonogo',
      types: { getTypeParser: typeParser(pg.types.getTypeParser) as typeof pg.types.getTypeParser },
    });
    // pg emits connection-level errors on the client; without a listener they would crash the process.
    client.on('error', () => {});
    const abort = () => void client.end().catch(() => {});
    ctx.signal.addEventListener('abort', abort, { once: true });
    const elapsed = () => performance.now() - started;
    const failure = (what: string, err: unknown, hint: string, partial: Record<string, unknown>) =>
      new CheckFailure(
        // 57014: the server cancelled the statement at statement_timeout.
        ctx.signal.aborted || (err as { code?: string }).code === '57014'
          ? `${what} ${where} did not finish within ${ctx.timeoutMs} ms: raise the check timeout or make it faster`
          : `${what} ${where} failed: ${scrubSecrets(err, target.secrets)}; ${hint}`,
        partial,
      );

    try {
      try {
        await client.connect();
      } catch (err) {
        throw failure(
          'connecting to',
          err,
          'check the URL, the credentials, and that the server accepts connections from here',
          { connected: false },
        );
      }
      if (!options.query) return { connected: true, latency_ms: elapsed() };
      try {
        const answer = await client.query(options.query, options.params ?? []);
        // Several statements in one query give several results: the last one is the answer.
        const result = Array.isArray(answer) ? answer[answer.length - 1] : answer;
        const rows = (result?.rows ?? []) as Record<string, unknown>[];
        return {
          connected: true,
          rows,
          row: rows[0] ?? {},
          count: result?.rowCount ?? rows.length,
          latency_ms: elapsed(),
        };
      } catch (err) {
        throw failure('the query on', err, 'fix the SQL or the grants of this user', {
          connected: true,
          latency_ms: elapsed(),
        });
      }
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      await client.end().catch(() => {});
    }
  },
});

type TextParser = (value: string) => unknown;

function typeParser(fallback: (oid: number, format?: 'text' | 'binary') => unknown) {
  return (oid: number, format?: 'text' | 'binary'): unknown => {
    if (format === 'binary') return fallback(oid, format);
    if (oid === OID.int8) return (text: string) => toNumberIfExact(text);
    if (oid === OID.numeric) return (text: string) => toNumberIfExact(text);
    if (KEEP_AS_TEXT.has(oid)) return ((text: string) => text) satisfies TextParser;
    return fallback(oid, format);
  };
}
