import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckContext, CheckFailure } from '../engine/check.js';
import { SERVICES, serviceAvailable } from '../test-support/services.js';
import mysql from './mysql.js';
import { celEnvironment, holds } from './test-support/cel.js';

const up = await serviceAvailable('mysql');
const URL_ = SERVICES.mysql.url;
// Unique per run, so parallel runs on one server do not collide; dropped afterwards.
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const audit = `audit_events_${suffix}`;
const open = `open_events_${suffix}`;
const app = `gonogo_app_${suffix}`;
// The checks of the session tests connect as a user of their own, so the process list shows only them.
const probe = `gonogo_probe_${suffix}`;
const PROBE_URL = `mysql://${probe}@127.0.0.1:3306/test`;
const GRANTS_QUERY =
  'SELECT PRIVILEGE_TYPE AS privilege_type FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND GRANTEE = ? ORDER BY 1';
const APPEND_ONLY = '!rows.exists(r, r.privilege_type in ["UPDATE", "DELETE"])';

const ctx = (timeoutMs = 5000): CheckContext => ({
  signal: AbortSignal.timeout(timeoutMs),
  timeoutMs,
  baseDir: process.cwd(),
  env: {},
});

async function observe(target: string, options: Record<string, unknown> = {}, timeoutMs?: number) {
  try {
    return {
      observed: await mysql.run(mysql.target.parse(target), mysql.options.parse(options), ctx(timeoutMs)),
    };
  } catch (err) {
    if (err instanceof CheckFailure) return { failure: err.message, observed: err.partial };
    throw err;
  }
}

async function admin<T>(fn: (db: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const db = await createConnection({ uri: URL_ });
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** Sessions of the probe user still on the server (a finished check leaves none). */
const probeSessions = () =>
  admin(async (db) => {
    const [rows] = await db.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [
      probe,
    ]);
    return Number((rows as { n: number }[])[0]?.n);
  });

describe.skipIf(!up)('mysql kind (MariaDB on 127.0.0.1:3306)', () => {
  beforeAll(() =>
    admin(async (db) => {
      await db.query(`CREATE USER '${app}'@'%'`);
      await db.query(`CREATE USER '${probe}'@'%'`);
      await db.query(`GRANT SELECT ON test.* TO '${probe}'@'%'`);
      for (const table of [audit, open]) {
        await db.query(`CREATE TABLE ${table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload TEXT)`);
        await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON test.${table} TO '${app}'@'%'`);
      }
      // The seed's item: "Revoke UPDATE/DELETE on audit_events".
      await db.query(`REVOKE UPDATE, DELETE ON test.${audit} FROM '${app}'@'%'`);
      await db.query(`INSERT INTO ${audit} (payload) VALUES ('a'), ('b')`);
    }),
  );
  afterAll(() =>
    admin(async (db) => {
      await db.query(`DROP TABLE IF EXISTS ${audit}, ${open}`);
      await db.query(`DROP USER IF EXISTS '${app}'@'%', '${probe}'@'%'`);
    }),
  );

  it.each([
    {
      name: 'connects without a query',
      options: {},
      want: {},
      conditions: mysql.defaultExpect,
      passes: true,
    },
    {
      name: 'revoked UPDATE/DELETE on the audit table passes',
      options: { query: GRANTS_QUERY, params: ['test', audit, `'${app}'@'%'`] },
      want: { count: 2, rows: [{ privilege_type: 'INSERT' }, { privilege_type: 'SELECT' }] },
      conditions: [APPEND_ONLY],
      passes: true,
    },
    {
      name: 'a table that still grants UPDATE/DELETE fails',
      options: { query: GRANTS_QUERY, params: ['test', open, `'${app}'@'%'`] },
      want: { count: 4, row: { privilege_type: 'DELETE' } },
      conditions: [APPEND_ONLY],
      passes: false,
    },
    {
      name: 'COUNT(*) is a number',
      options: { query: `SELECT COUNT(*) AS n FROM ${audit}` },
      want: { row: { n: 2 }, count: 1 },
      conditions: ['row.n == 2'],
      passes: true,
    },
    {
      name: 'no rows: row is {} and count 0',
      options: { query: `SELECT * FROM ${audit} WHERE payload = ?`, params: ['zzz'] },
      want: { rows: [], row: {}, count: 0 },
      conditions: ['count == 0', 'size(row) == 0'],
      passes: true,
    },
    {
      name: 'a server variable',
      options: { query: "SHOW VARIABLES LIKE 'character_set_server'" },
      want: { row: { Variable_name: 'character_set_server' } },
      conditions: ['row.Value.startsWith("utf8")'],
      passes: true,
    },
  ])('$name', async ({ options, want, conditions, passes }) => {
    const { observed, failure } = await observe(URL_, options);
    expect(failure).toBeUndefined();
    expect(observed).toMatchObject({ connected: true, ...want });
    expect(observed.latency_ms).toBeGreaterThan(0);
    expect(holds(mysql, conditions, observed)).toBe(passes);
  });

  it('keeps values exact and plain: big integers as text, decimals as numbers, dates as printed', async () => {
    const { observed } = await observe(URL_, {
      query:
        "SELECT CAST(9007199254740993 AS UNSIGNED) AS big, 1.50 AS price, 12345678901234567890.5 AS huge, DATE '2026-12-01' AS launch, BINARY 'ok' AS raw",
    });
    expect(observed.row).toEqual({
      big: '9007199254740993',
      price: 1.5,
      huge: '12345678901234567890.5',
      launch: '2026-12-01',
      raw: 'ok',
    });
  });

  it('an UPDATE reports the affected rows as count', async () => {
    const { observed } = await observe(URL_, { query: `UPDATE ${open} SET payload = 'x' WHERE id < 0` });
    expect(observed).toMatchObject({ connected: true, rows: [], count: 0 });
  });

  it.each([
    {
      name: 'refused port: connected is false',
      target: 'mysql://root@127.0.0.1:1/test',
      message: /connecting to mysql:\/\/root@127\.0\.0\.1:1\/test failed: .*ECONNREFUSED.*check the URL/,
    },
    {
      name: 'an unknown user is refused by the server: connected is false',
      target: `mysql://no_such_user_${suffix}@127.0.0.1:3306/test`,
      message: /Access denied for user 'no_such_user_/,
    },
  ])('$name', async ({ target, message }) => {
    const { observed, failure } = await observe(target, { query: 'SELECT 1' });
    expect(failure).toMatch(message);
    expect(observed).toEqual({ connected: false });
    expect(holds(mysql, mysql.defaultExpect, observed)).toBe(false);
    expect(holds(mysql, ['!connected'], observed)).toBe(true);
  });

  it('never shows the password of the URL', async () => {
    const { failure } = await observe(`mysql://${probe}:hunter2-s3cret@127.0.0.1:3306/test`);
    expect(failure).toContain(`mysql://${probe}:***@127.0.0.1:3306/test`);
    expect(failure).not.toContain('hunter2');
  });

  it('bad SQL is an error with the server message', async () => {
    const { observed, failure } = await observe(URL_, { query: 'SELECT * FROM no_such_table_gonogo' });
    expect(failure).toMatch(
      /the query on .* failed: Table 'test\.no_such_table_gonogo' doesn't exist; fix the SQL/,
    );
    expect(observed).toMatchObject({ connected: true });
    expect(observed).not.toHaveProperty('rows');
  });

  it('a slow query is stopped at the timeout, on the server too', async () => {
    const { observed, failure } = await observe(PROBE_URL, { query: 'SELECT SLEEP(30)' }, 300);
    expect(failure).toMatch(/did not finish within 300 ms/);
    expect(observed).toMatchObject({ connected: true });
    await expect.poll(probeSessions).toBe(0);
  });

  it('closes its connections', async () => {
    await observe(PROBE_URL, { query: 'SELECT 1' });
    await observe(PROBE_URL, { query: 'SELECT * FROM no_such_table_gonogo' });
    await expect.poll(probeSessions).toBe(0);
  });

  it('accepts mariadb:// as the same protocol', async () => {
    const { observed } = await observe(URL_.replace('mysql:', 'mariadb:'), { query: 'SELECT 1 AS one' });
    expect(observed).toMatchObject({ connected: true, row: { one: 1 } });
  });
});

describe('mysql kind without a server', () => {
  it.each([
    ['connected'],
    ['count > 0', 'row.Value == "ON"', 'latency_ms < 500'],
    [APPEND_ONLY, 'rows.size() == 2'],
    ['rows.all(r, r.Seconds_Behind_Master < 5)'],
  ])('typical expectations type-check: %s', (...conditions: string[]) => {
    for (const c of [...mysql.defaultExpect, ...conditions]) {
      expect(celEnvironment(mysql).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    }
    expect(celEnvironment(mysql).check('reply == "PONG"').valid).toBe(false);
  });

  it.each([
    ['mysql://app@db:3306/app', true],
    ['mariadb://app:secret@db/app', true],
    ['postgres://app@db/app', false],
    ['db:3306', false],
  ])('target %s valid: %s', (target, ok) => {
    const parsed = mysql.target.safeParse(target);
    expect(parsed.success).toBe(ok);
    if (!parsed.success) expect(JSON.stringify(parsed.error.issues)).not.toContain('secret');
  });

  it('options are only query and params; concurrency is limited per host', () => {
    expect(mysql.options.safeParse({ query: 'SELECT ?', params: [1] }).success).toBe(true);
    expect(mysql.options.safeParse({ database: 'x' }).success).toBe(false);
    expect(mysql.hostKey?.(mysql.target.parse('mysql://u:p@db.internal/app'), {})).toBe('db.internal:3306');
    expect(mysql.target.parse('mariadb://db:3307/app').hostPort).toBe('db:3307');
    expect(mysql.target.safeParse('postgres://db/app').success).toBe(false);
  });
});
