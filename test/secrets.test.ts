import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../src/test-support/cli.js';
import { SERVICES } from '../src/test-support/services.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * DESIGN.md "Secret safety": plant secrets where real launches have them (an env value, a password in a
 * database URL, an Authorization header, a JWT in a response body), run the checklist in every output
 * format, then grep everything gonogo wrote (stdout, stderr, --out files, the SQLite files byte for byte,
 * every stored row including the audit events). None of the secrets may appear anywhere.
 */

const hex = (n: number) => randomBytes(n).toString('hex');
const SECRETS = {
  stripeKey: `sk_live_${hex(12)}`,
  pgPassword: `Pw${hex(10)}`,
  apiToken: `tok${hex(16)}`,
  jwt: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJyb290In0.${randomBytes(24).toString('base64url')}`,
};
const JWT_SIGNATURE = SECRETS.jwt.split('.')[2]!;

let server: Server;
const dir = blockTempDir('gonogo-secrets-');
const seenAuthorization: string[] = [];
const outputs: { name: string; text: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    // The target hands secrets back: it echoes the credential and leaks a session token.
    seenAuthorization.push(String(req.headers.authorization));
    const body = JSON.stringify({
      ok: false,
      echoed: req.headers.authorization,
      token: SECRETS.jwt,
      debug: `connected with postgres://app:${SECRETS.pgPassword}@db.internal:5432/app`,
    });
    res.writeHead(500, {
      'content-type': 'application/json',
      'x-echo-authorization': String(req.headers.authorization),
      'set-cookie': `session=${SECRETS.jwt}; HttpOnly`,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(
    join(dir, 'launch.md'),
    [
      '---',
      'environments:',
      `  production: { BASE_URL: "${base}" }`,
      '---',
      '# Secrets launch',
      '## Config',
      '- [ ] Stripe live key set',
      '  ```check',
      '  env: STRIPE_SECRET_KEY',
      '  expect: [\'value.startsWith("sk_live_")\']',
      '  ```',
      '- [ ] Stripe key is the test key',
      '  ```check',
      '  env: STRIPE_SECRET_KEY',
      '  expect: [\'value == "sk_test_123"\']',
      '  ```',
      '## Database',
      '- [ ] Database reachable',
      '  ```check',
      `  postgres: \${DATABASE_URL}`,
      '  query: select current_user as who',
      '  expect: [connected, row.who == "nobody"]',
      '  ```',
      '- [ ] Replica reachable',
      '  ```check',
      `  postgres: \${REPLICA_URL}`,
      '  ```',
      '## API',
      '- [ ] Admin API accepts the token',
      '  ```check',
      `  http: \${BASE_URL}/admin`,
      '  headers:',
      `    Authorization: Bearer \${API_TOKEN}`,
      '  expect: [status == 200, body.ok == true]',
      '  ```',
      '',
    ].join('\n'),
  );

  const env = {
    STRIPE_SECRET_KEY: SECRETS.stripeKey,
    DATABASE_URL: `postgres://postgres:${SECRETS.pgPassword}@${SERVICES.postgres.host}:${SERVICES.postgres.port}/test`,
    REPLICA_URL: `postgres://app:${SECRETS.pgPassword}@127.0.0.1:1/app`,
    API_TOKEN: SECRETS.apiToken,
  };
  const run = (args: string[]) =>
    runCli(['run', 'launch.md', '--env', 'production', '--db', join(dir, 'store', 'gonogo.db'), ...args], {
      cwd: dir,
      env,
    });
  const record = (name: string, r: CliResult) => {
    outputs.push({ name: `${name} stdout`, text: r.stdout }, { name: `${name} stderr`, text: r.stderr });
  };
  for (const format of ['text', 'json', 'junit', 'markdown']) {
    const r = await run(['--format', format]);
    expect(r.code, `${format}: ${r.stderr}`).toBe(1);
    record(format, r);
    const out = `out/report.${format}`;
    record(`${format} --out`, await run(['--format', format, '--out', out]));
    outputs.push({ name: out, text: await readFile(join(dir, out), 'utf8') });
  }
  // Colour and the live progress line must not smuggle anything either.
  record(
    'text coloured',
    await runCli(['run', 'launch.md', '--env', 'production', '--db', join(dir, 'store', 'gonogo.db')], {
      cwd: dir,
      env: { ...env, FORCE_COLOR: '1', NO_COLOR: '' },
    }),
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const needles = Object.entries({ ...SECRETS, jwtSignature: JWT_SIGNATURE });

function expectClean(name: string, text: string) {
  for (const [what, secret] of needles) {
    expect(text.includes(secret), `${what} leaked into ${name}`).toBe(false);
  }
}

describe('planted secrets', () => {
  it('really reached the checks (so the test below means something)', () => {
    expect(seenAuthorization).toContain(`Bearer ${SECRETS.apiToken}`);
    const report = JSON.parse(outputs.find((o) => o.name === 'json stdout')!.text);
    const byId = Object.fromEntries(report.items.map((i: { id: string }) => [i.id, i]));
    expect(byId['config/stripe-live-key-set'].status).toBe('pass');
    expect(byId['config/stripe-key-is-the-test-key'].status).toBe('fail');
    expect(byId['api/admin-api-accepts-the-token'].status).toBe('fail');
    expect(byId['database/replica-reachable'].status).toBe('error');
    // What a person sees instead: a fingerprint for env values, markers for the rest.
    expect(JSON.stringify(byId['config/stripe-live-key-set'].observed)).toMatch(
      /\[secret len=32 sha256=[0-9a-f]{8}\]/,
    );
    expect(JSON.stringify(byId['api/admin-api-accepts-the-token'].observed)).toContain('redacted');
  });

  it('never appear in any output format, on stdout, stderr or in --out files', () => {
    expect(outputs.length).toBe(4 * 5 + 2);
    for (const { name, text } of outputs) expectClean(name, text);
  });

  it('never appear in the store files, byte for byte', async () => {
    const storeDir = join(dir, 'store');
    const files = await readdir(storeDir);
    expect(files).toContain('gonogo.db');
    for (const file of files) {
      const bytes = await readFile(join(storeDir, file));
      expectClean(file, bytes.toString('latin1'));
      expectClean(`${file} (utf-16)`, bytes.toString('utf16le'));
    }
  });

  it('never appear in any stored row, the audit events included', () => {
    const db = new Database(join(dir, 'store', 'gonogo.db'), { readonly: true });
    try {
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        .all() as { name: string }[];
      expect(tables.map((t) => t.name)).toContain('audit_events');
      const events = db.prepare('select count(*) as n from audit_events').get() as { n: number };
      expect(events.n).toBeGreaterThanOrEqual(9); // the checklist import and one event per run
      for (const { name } of tables) {
        const rows = db.prepare(`select * from "${name}"`).all();
        expectClean(`table ${name}`, JSON.stringify(rows));
      }
    } finally {
      db.close();
    }
  });
});
