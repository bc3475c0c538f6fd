import { z } from 'zod';
import { CheckFailure, defineCheck } from '../engine/check.js';

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

const postgresUrl = z.string().refine(
  (value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  // The value is never echoed back: it may hold a password.
  { message: 'give a connection URL like postgres://user@host:5432/dbname' },
);

/**
 * `postgres`: can gonogo reach the database, and what does a query return
 * (row counts, grants, settings, replication lag...).
 */
export default defineCheck({
  kind: 'postgres',
  summary: 'Connect to PostgreSQL and optionally run a query: connected, rows, row, count, latency',
  target: postgresUrl,
  options: z.strictObject({
    query: z.string().trim().min(1).optional().describe('SQL to run; $1, $2... take `params`'),
    params: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe('Values for $1, $2... in `query`'),
  }),
  variables: {
    connected: { type: 'bool', description: 'A session was opened (credentials accepted)' },
    rows: { type: 'list<map<string, dyn>>', description: 'Rows the query returned, as column -> value maps' },
    row: { type: 'map<string, dyn>', description: 'The first row, {} when there is none' },
    count: { type: 'int', description: 'Rows returned (or affected, for INSERT/UPDATE/DELETE)' },
    latency_ms: { type: 'double', description: 'Milliseconds to connect and answer the query' },
  },
  defaultExpect: ['connected'],
  hostKey: (target) => hostKey(target, 5432),
  async run(target, options, ctx) {
    const { default: pg } = await import('pg');
    const where = maskUrl(target);
    const started = performance.now();
    const client = new pg.Client({
      connectionString: target,
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
          : `${what} ${where} failed: ${scrub(err, target)}; ${hint}`,
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

/**
 * int8 and numeric arrive as text because JS numbers cannot hold every value; conditions like
 * `row.count > 0` need numbers, so convert whenever no digit is lost.
 */
export function toNumberIfExact(text: string): number | string {
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(value) ? value : text;
  const digits = text.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 15 ? value : text;
}

/** `user:***@` instead of the password, so a URL can appear in a message. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a connection URL that cannot be parsed)';
  }
}

/** The error's message with the URL's password (raw or decoded) replaced, should a driver echo it. */
export function scrub(err: unknown, url: string): string {
  let message = err instanceof Error ? err.message : String(err);
  try {
    const { password } = new URL(url);
    for (const secret of [password, decodeURIComponent(password)]) {
      if (secret) message = message.split(secret).join('***');
    }
  } catch {
    // An unparsable URL was refused by the target schema already.
  }
  return message || 'no reason given';
}

/** `host:port` of a URL, for the engine's per-host concurrency limit. */
export function hostKey(url: string, defaultPort: number): string | undefined {
  try {
    const { hostname, port } = new URL(url);
    return hostname ? `${hostname}:${port || defaultPort}` : undefined;
  } catch {
    return undefined;
  }
}
