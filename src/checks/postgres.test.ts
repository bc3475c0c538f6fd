import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckContext, CheckFailure } from '../engine/check.js';
import { SERVICES, serviceAvailable } from '../test-support/services.js';
import postgres from './postgres.js';
import { maskUrl, toNumberIfExact } from './support/url.js';
import { celEnvironment, holds } from './test-support/cel.js';

const up = await serviceAvailable('postgres');
// Unique per run, so parallel runs on one server do not collide; dropped afterwards.
const suffix = `${process.pid}_${Date.now().toString(36)}`;
// A name of this run's own, so the session checks below only see this file's connections.
const app = `gonogo_test_${suffix}`;
const URL_ = `${SERVICES.postgres.url}?application_name=${app}`;

const ctx = (timeoutMs = 5000): CheckContext => ({
  signal: AbortSignal.timeout(timeoutMs),
  timeoutMs,
  baseDir: process.cwd(),
  env: {},
});

async function observe(target: string, options: Record<string, unknown> = {}, timeoutMs?: number) {
  try {
    return {
      observed: await postgres.run(
        postgres.target.parse(target),
        postgres.options.parse(options),
        ctx(timeoutMs),
      ),
    };
  } catch (err) {
    if (err instanceof CheckFailure) return { failure: err.message, observed: err.partial };
    throw err;
  }
}

const audit = `audit_events_${suffix}`;
const open = `open_events_${suffix}`;
const role = `gonogo_app_${suffix}`;
const GRANTS_QUERY =
  'SELECT privilege_type FROM information_schema.role_table_grants WHERE table_name = $1 AND grantee = $2 ORDER BY 1';
const APPEND_ONLY = '!rows.exists(r, r.privilege_type in ["UPDATE", "DELETE"])';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVICES.postgres.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(!up)('postgres kind (PostgreSQL on 127.0.0.1:5432)', () => {
  beforeAll(() =>
    admin(async (db) => {
      await db.query(`CREATE ROLE ${role}`);
      for (const table of [audit, open]) {
        await db.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, payload text)`);
        await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role}`);
      }
      // The seed's item: "Revoke UPDATE/DELETE on audit_events".
      await db.query(`REVOKE UPDATE, DELETE ON ${audit} FROM ${role}`);
      await db.query(`INSERT INTO ${audit} (payload) VALUES ('a'), ('b')`);
    }),
  );
  afterAll(() =>
    admin(async (db) => {
      await db.query(`DROP TABLE IF EXISTS ${audit}, ${open}`);
      await db.query(`DROP ROLE IF EXISTS ${role}`);
    }),
  );

  it.each([
    {
      name: 'connects without a query',
      options: {},
      want: { connected: true },
      conditions: postgres.defaultExpect,
      passes: true,
    },
    {
      name: 'revoked UPDATE/DELETE on the audit table passes',
      options: { query: GRANTS_QUERY, params: [audit, role] },
      want: { count: 2, rows: [{ privilege_type: 'INSERT' }, { privilege_type: 'SELECT' }] },
      conditions: [APPEND_ONLY],
      passes: true,
    },
    {
      name: 'a table that still grants UPDATE/DELETE fails',
      options: { query: GRANTS_QUERY, params: [open, role] },
      want: { count: 4, row: { privilege_type: 'DELETE' } },
      conditions: [APPEND_ONLY],
      passes: false,
    },
    {
      name: 'count(*) is a number (int8 converted)',
      options: { query: `SELECT count(*) AS n FROM ${audit}` },
      want: { row: { n: 2 }, count: 1 },
      conditions: ['row.n == 2'],
      passes: true,
    },
    {
      name: 'no rows: row is {} and count 0',
      options: { query: `SELECT * FROM ${audit} WHERE payload = $1`, params: ['zzz'] },
      want: { rows: [], row: {}, count: 0 },
      conditions: ['count == 0', 'size(row) == 0'],
      passes: true,
    },
    {
      name: 'a setting read with SHOW',
      options: { query: 'SHOW server_encoding' },
      want: { row: { server_encoding: 'UTF8' } },
      conditions: ['row.server_encoding == "UTF8"'],
      passes: true,
    },
  ])('$name', async ({ options, want, conditions, passes }) => {
    const { observed, failure } = await observe(URL_, options);
    expect(failure).toBeUndefined();
    expect(observed).toMatchObject({ connected: true, ...want });
    expect(observed.latency_ms).toBeGreaterThan(0);
    expect(holds(postgres, conditions, observed)).toBe(passes);
  });

  it('keeps values exact: big int8 and long numerics stay text, dates stay as printed', async () => {
    const { observed } = await observe(URL_, {
      query:
        'SELECT 9007199254740993::int8 AS big, 42::int8 AS small, 1.50::numeric AS price, 12345678901234567890.5::numeric AS huge, DATE \'2026-12-01\' AS launch, \'{"db": "ok"}\'::jsonb AS health',
    });
    expect(observed.row).toEqual({
      big: '9007199254740993',
      small: 42,
      price: 1.5,
      huge: '12345678901234567890.5',
      launch: '2026-12-01',
      health: { db: 'ok' },
    });
    expect(
      holds(postgres, ['row.launch == "2026-12-01"', 'row.health.db == "ok"', 'row.price < 2.0'], observed),
    ).toBe(true);
  });

  it.each([
    {
      name: 'refused port: connected is false',
      target: 'postgres://postgres@127.0.0.1:1/test',
      message:
        /connecting to postgres:\/\/postgres@127\.0\.0\.1:1\/test failed: .*ECONNREFUSED.*check the URL/,
    },
    {
      name: 'an unknown role is refused by the server: connected is false',
      target: `postgres://no_such_role_${suffix}@127.0.0.1:5432/test`,
      message: /role "no_such_role_.*" does not exist/,
    },
  ])('$name', async ({ target, message }) => {
    const { observed, failure } = await observe(target, { query: 'SELECT 1' });
    expect(failure).toMatch(message);
    expect(observed).toEqual({ connected: false });
    // `connected` conditions are judged (and fail); `rows` ones cannot be.
    expect(holds(postgres, postgres.defaultExpect, observed)).toBe(false);
    expect(holds(postgres, ['!connected'], observed)).toBe(true);
  });

  it('never shows the password of the URL', async () => {
    const { failure } = await observe('postgres://postgres:hunter2-s3cret@127.0.0.1:1/test');
    expect(failure).toContain('postgres://postgres:***@127.0.0.1:1/test');
    expect(failure).not.toContain('hunter2');
  });

  it('bad SQL is an error with the server message', async () => {
    const { observed, failure } = await observe(URL_, { query: 'SELECT * FROM no_such_table_gonogo' });
    expect(failure).toMatch(
      /the query on .* failed: relation "no_such_table_gonogo" does not exist; fix the SQL/,
    );
    expect(observed).toMatchObject({ connected: true });
    expect(observed).not.toHaveProperty('rows');
  });

  it('a slow query is cancelled at the timeout, on the server too', async () => {
    const { observed, failure } = await observe(URL_, { query: 'SELECT pg_sleep(30)' }, 300);
    expect(failure).toMatch(/did not finish within 300 ms/);
    expect(observed).toMatchObject({ connected: true });
    await expect
      .poll(() =>
        admin(async (db) => {
          const r = await db.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
            [app],
          );
          return r.rows[0].n;
        }),
      )
      .toBe(0);
  });

  it('closes its connections', async () => {
    await observe(URL_, { query: 'SELECT 1' });
    await observe(URL_, { query: 'SELECT * FROM no_such_table_gonogo' });
    await expect
      .poll(() =>
        admin(async (db) => {
          const r = await db.query(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [app],
          );
          return r.rows[0].n;
        }),
      )
      .toBe(0);
  });
});

describe('postgres kind without a server', () => {
  it.each([
    ['connected'],
    ['count > 0', 'row.value == "on"', 'latency_ms < 500'],
    [APPEND_ONLY, 'rows.size() == 2'],
    ['rows.all(r, r.lag_seconds < 5)', 'int(row.n) >= 1'],
  ])('typical expectations type-check: %s', (...conditions: string[]) => {
    for (const c of [...postgres.defaultExpect, ...conditions]) {
      expect(celEnvironment(postgres).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    }
    expect(celEnvironment(postgres).check('status == 200').valid).toBe(false);
  });

  it.each([
    ['postgresql://app@db:5432/app', true],
    ['postgres://app:secret@db/app?sslmode=require', true],
    ['mysql://root@db/app', false],
    ['db.internal:5432', false],
    ['', false],
  ])('target %s valid: %s', (target, ok) => {
    const parsed = postgres.target.safeParse(target);
    expect(parsed.success).toBe(ok);
    if (!parsed.success) expect(JSON.stringify(parsed.error.issues)).not.toContain('secret');
  });

  it('options are only query and params', () => {
    expect(postgres.options.safeParse({ query: 'SELECT 1', params: [1, 'a', null, true] }).success).toBe(
      true,
    );
    expect(postgres.options.safeParse({ sql: 'SELECT 1' }).success).toBe(false);
    expect(postgres.options.safeParse({ params: [{ a: 1 }] }).success).toBe(false);
  });

  it('limits concurrency per database host', () => {
    const key = (url: string) => postgres.hostKey?.(postgres.target.parse(url), {});
    expect(key('postgres://u:p@db.internal/app')).toBe('db.internal:5432');
    expect(key('postgres://db.internal:6432/app')).toBe('db.internal:6432');
  });

  it.each([
    [
      'postgres://app:p%40ss@db/app',
      {
        href: 'postgres://app:p%40ss@db/app',
        shown: 'postgres://app:***@db/app',
        hostPort: 'db:5432',
        secrets: ['p%40ss', 'p@ss'],
      },
    ],
    [
      'postgresql://db.internal:6432/app',
      {
        href: 'postgresql://db.internal:6432/app',
        shown: 'postgresql://db.internal:6432/app',
        hostPort: 'db.internal:6432',
        secrets: [],
      },
    ],
  ])('the target %s is parsed once: driver URL, shown URL, host key, password to scrub', (url, parsed) => {
    expect(postgres.target.parse(url)).toEqual(parsed);
  });

  it.each(['mysql://db/app', 'not a url', 42])('the target %j is refused without echoing it', (url) => {
    const result = postgres.target.safeParse(url);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'give a connection URL like postgres://user@host:5432/dbname',
    ]);
  });

  it.each([
    ['42', 42],
    ['-7', -7],
    ['9007199254740993', '9007199254740993'],
    ['1.50', 1.5],
    ['0.000123', 0.000123],
    ['12345678901234567890.5', '12345678901234567890.5'],
    ['NaN', 'NaN'],
  ])('toNumberIfExact(%s) = %s', (text, want) => {
    expect(toNumberIfExact(text)).toEqual(want);
  });

  it.each([
    ['postgres://app:pw@db/app', 'postgres://app:***@db/app'],
    ['postgres://app@db/app', 'postgres://app@db/app'],
    ['redis://:pw@cache:6379', 'redis://:***@cache:6379'],
  ])('maskUrl(%s)', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});
