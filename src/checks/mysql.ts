import { CheckFailure, defineCheck } from '../engine/check.js';
import { connectionUrl, SQL_VARIABLES, sqlOptions } from './support/sql.js';
import { scrubSecrets, toNumberIfExact } from './support/url.js';

const mysqlUrl = connectionUrl(['mysql:', 'mariadb:'], 3306, 'mysql://user@host:3306/dbname');

/**
 * `mysql`: the postgres kind's twin for MySQL and MariaDB: reachability and query results
 * (grants, settings, replication status...).
 */
export default defineCheck({
  kind: 'mysql',
  summary: 'Connect to MySQL/MariaDB and optionally run a query: connected, rows, row, count, latency',
  target: mysqlUrl,
  options: sqlOptions('the `?` placeholders in `query`'),
  variables: SQL_VARIABLES,
  defaultExpect: ['connected'],
  hostKey: (target) => target.hostPort,
  async run(target, options, ctx) {
    const mysql = await import('mysql2/promise');
    const where = target.shown;
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const failure = (what: string, err: unknown, hint: string, partial: Record<string, unknown>) =>
      new CheckFailure(
        ctx.signal.aborted || isTimeout(err)
          ? `${what} ${where} did not finish within ${ctx.timeoutMs} ms: raise the check timeout or make it faster`
          : `${what} ${where} failed: ${scrubSecrets(err, target.secrets)}; ${hint}`,
        partial,
      );

    let connection: Awaited<ReturnType<typeof mysql.createConnection>> | undefined;
    // createConnection cannot be aborted, so a cancelled check closes the connection once it exists.
    const abort = () => connection?.destroy();
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      try {
        // mysql2 only knows mysql://; mariadb:// is the same protocol.
        connection = await mysql.createConnection({
          uri: target.href.replace(/^mariadb:/, 'mysql:'),
          connectTimeout: ctx.timeoutMs,
          supportBigNumbers: true,
          bigNumberStrings: false,
          dateStrings: true,
          typeCast: (field, next) => {
            if (field.type === 'NEWDECIMAL' || field.type === 'DECIMAL') {
              const text = field.string();
              return text === null ? null : toNumberIfExact(text);
            }
            return next();
          },
        });
        if (ctx.signal.aborted) abort();
        await limitStatementTime(connection, ctx.timeoutMs);
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
        const [result] = await connection.query(
          { sql: options.query, timeout: ctx.timeoutMs },
          options.params,
        );
        // A statement that returns no rows (UPDATE, SET...) answers with a header of affected rows.
        const rows = Array.isArray(result) ? (result as Record<string, unknown>[]).map(plainRow) : [];
        const count = Array.isArray(result) ? rows.length : (result.affectedRows ?? 0);
        return { connected: true, rows, row: rows[0] ?? {}, count, latency_ms: elapsed() };
      } catch (err) {
        throw failure('the query on', err, 'fix the SQL or the grants of this user', {
          connected: true,
          latency_ms: elapsed(),
        });
      }
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      await connection?.end().catch(() => connection?.destroy());
    }
  },
});

/** The client-side query timeout, or the server's statement limit (MariaDB 1969, MySQL 3024). */
function isTimeout(err: unknown): boolean {
  const { code, errno } = err as { code?: unknown; errno?: unknown };
  return code === 'PROTOCOL_SEQUENCE_TIMEOUT' || errno === 1969 || errno === 3024;
}

/**
 * The client-side timeout only stops waiting: the server would go on running the query. So the server
 * is told the limit too; MariaDB and MySQL name it differently, and an old server may know neither.
 */
async function limitStatementTime(
  connection: { query(sql: string, values: unknown[]): Promise<unknown> },
  timeoutMs: number,
): Promise<void> {
  try {
    await connection.query('SET SESSION max_statement_time = ?', [timeoutMs / 1000]);
  } catch {
    await connection.query('SET SESSION max_execution_time = ?', [timeoutMs]).catch(() => {});
  }
}

/** Binary columns come back as Buffers; as text they compare in conditions and serialise in reports. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return out;
}
