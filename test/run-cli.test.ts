import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * `gonogo run` as a user meets it: the real CLI against a real local HTTP server, a fresh SQLite store
 * per test, and every output format read back by a parser.
 */

let server: Server;
let base: string;
const dir = blockTempDir('gonogo-run-cli-');
let dbCount = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const down = req.url === '/api/health/ready-down';
    const body = JSON.stringify({ db: down ? 'down' : 'ok', scheduler: 'ok' });
    res.writeHead(down ? 503 : 200, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const front = (extra = '') =>
    [
      '---',
      'environments:',
      `  staging: { BASE_URL: "${base}" }`,
      `  production: { BASE_URL: "${base}" }`,
      extra,
      '---',
    ].join('\n');
  const http = (path: string, expect: string) =>
    ['  ```check', `  http: \${BASE_URL}${path}`, `  expect: [${expect}]`, '  ```'].join('\n');

  await writeFile(
    join(dir, 'go.md'),
    [
      front(),
      '# Launch',
      '## Observability',
      '- [ ] `/api/health/ready` → 200',
      http('/api/health/ready', 'status == 200, body.db == "ok"'),
      '- [ ] `X-Request-Id` header',
      http('/api/health/live', '\'"x-request-id" in headers\''),
      '## Docs',
      '- [x] Runbook written',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'nogo.md'),
    [
      front(),
      '# Launch',
      '## Observability',
      '- [ ] Live endpoint answers',
      http('/api/health/live', 'status == 200'),
      '- [ ] Ready endpoint: DB OK',
      http('/api/health/ready-down', 'status == 200'),
      '## Security',
      '- [ ] 2FA flow works in prod',
      '- [ ] Pen test done (optional)',
      '',
    ].join('\n'),
  );
  // The same document, unedited, with its check supplied by a bindings file.
  await writeFile(
    join(dir, 'plain.md'),
    ['# Launch', '## Observability', '- [ ] Ready endpoint answers', ''].join('\n'),
  );
  await writeFile(
    join(dir, 'bindings.yaml'),
    ['Ready endpoint answers:', `  http: ${base}/api/health/ready`, '  expect: [status == 200]', ''].join(
      '\n',
    ),
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Run `gonogo run` in the temp dir with a store of its own. */
function run(args: string[], env: Record<string, string> = {}) {
  dbCount += 1;
  return runCli(['run', ...args, '--db', join(dir, `store-${dbCount}.db`)], { cwd: dir, env });
}

describe('gonogo run: verdict and exit code', () => {
  it('exits 0 with GO when every blocking item passes', async () => {
    const r = await run(['go.md']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/┃ +GO +┃/);
    expect(r.stdout).toContain('3 items: 3 pass, 0 fail, 0 error, 0 pending, 0 waived, 0 skipped');
    expect(r.stdout).not.toContain('Why NO-GO');
  });

  it('runs the first environment when --env is not given', async () => {
    const r = await run(['go.md', '--format', 'json']);
    expect(JSON.parse(r.stdout).environment).toBe('staging');
  });

  it('exits 1 with NO-GO and one reason per blocking problem', async () => {
    const r = await run(['nogo.md', '--env', 'production']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/┃ +NO-GO +┃/);
    expect(r.stdout).toContain('Why NO-GO (2):');
    expect(r.stdout).toMatch(/1\. fail: observability\/ready-endpoint-db-ok: Ready endpoint: DB OK — .*503/s);
    expect(r.stdout).toMatch(/2\. pending: security\/2fa-flow-works-in-prod: 2FA flow works in prod/);
    // The advisory item is reported but not a reason.
    expect(r.stdout).toContain('security/pen-test-done-optional · advisory');
    expect(r.stdout).toMatch(/FAIL {5}Ready endpoint: DB OK\n.*\n.*503/);
  });

  it('uses the checks of a bindings file with --bind', async () => {
    const r = await run(['plain.md', '--bind', 'bindings.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.environment).toBe('default');
    expect(report.items[0]).toMatchObject({ id: 'observability/ready-endpoint-answers', status: 'pass' });
  });
});

describe('gonogo run: usage and configuration errors exit 2', () => {
  it.each([
    {
      args: ['nogo.md', '--env', 'prod'],
      says: /unknown environment "prod" for checklist nogo; known: staging, production/,
    },
    { args: ['nogo.md', '--frobnicate'], says: /Unknown option '--frobnicate'[\s\S]*usage: gonogo run FILE/ },
    {
      args: ['nogo.md', '--format', 'yaml'],
      says: /unknown format "yaml"; use one of: github, json, junit, markdown, text/,
    },
    { args: ['missing.md'], says: /cannot read checklist missing\.md: no such file/ },
    { args: [], says: /missing FILE/ },
    { args: ['nogo.md', 'extra.md'], says: /unexpected argument "extra\.md"/ },
  ])('$args', async ({ args, says }) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(says);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints its usage with --help', async () => {
    const r = await runCli(['run', '--help'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--format F    github | json | junit | markdown | text');
    expect(r.stdout).toContain('Exit: 0 GO, 1 NO-GO, 2 usage or configuration error.');
  });
});

describe('gonogo run: output formats', () => {
  it('json: the DESIGN.md contract', async () => {
    const r = await run(['nogo.md', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      verdict: 'NO-GO',
      environment: 'staging',
      checklist: { id: 'nogo', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      summary: { pass: 1, fail: 1, error: 0, pending: 2, waived: 0, skipped: 0 },
    });
    expect(report.reasons).toHaveLength(2);
    const ready = report.items.find((i: { id: string }) => i.id === 'observability/ready-endpoint-db-ok');
    expect(ready).toMatchObject({ status: 'fail', blocking: true, due: null, overdue: false });
    expect(ready.observed.status).toBe(503);
    expect(ready.message).toContain('503');
  });

  it('junit: valid XML whose counts match its testcases', async () => {
    const r = await run(['nogo.md', '--format', 'junit']);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(r.stdout);
    const suites = doc.testsuites.testsuite as {
      name: string;
      tests: string;
      testcase: Record<string, unknown>[];
    }[];
    expect(suites.map((s) => s.name)).toEqual(['Observability', 'Security', 'verdict']);
    const cases = suites.flatMap((s) => s.testcase);
    expect(Number(doc.testsuites.tests)).toBe(cases.length);
    expect(cases).toHaveLength(5);
    // the failed check, the blocking pending item and the NO-GO verdict
    expect(Number(doc.testsuites.failures)).toBe(cases.filter((c) => 'failure' in c).length);
    expect(Number(doc.testsuites.failures)).toBe(3);
    expect(Number(doc.testsuites.skipped)).toBe(1);
  });

  it('markdown: a verdict heading and tables', async () => {
    const r = await run(['nogo.md', '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('# ❌ NO-GO: Launch (staging)');
    expect(r.stdout).toContain('## Blocking (2)');
    expect(r.stdout).toContain('| ❌ fail | Ready endpoint: DB OK<br>`observability/ready-endpoint-db-ok` |');
  });

  it('text without a terminal: no colour, no progress line', async () => {
    const r = await run(['nogo.md'], { NO_COLOR: '' });
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stderr).toBe('');
  });

  it('text with FORCE_COLOR: coloured statuses', async () => {
    const r = await run(['nogo.md'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(r.stdout).toContain('\x1b[31mFAIL');
  });
});

describe('gonogo run --out', () => {
  it.each([
    ['json', 'report.json', (s: string) => JSON.parse(s).verdict],
    ['markdown', 'reports/launch.md', (s: string) => s.split('\n')[0]],
    ['junit', 'reports/junit.xml', (s: string) => (XMLValidator.validate(s) === true ? 'valid' : 'invalid')],
    ['text', 'report.txt', (s: string) => (s.includes('\x1b[') ? 'coloured' : 'plain')],
  ] as const)(
    'writes the %s report to the file and a one-line verdict to stdout',
    async (format, out, read) => {
      const r = await run(['nogo.md', '--format', format, '--out', out], { FORCE_COLOR: '1' });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        `NO-GO nogo (staging): 1 pass, 1 fail, 0 error, 2 pending, 0 waived, 0 skipped; 2 reason(s). ${format} report written to ${out}\n`,
      );
      expect(existsSync(join(dir, out))).toBe(true);
      const written = await readFile(join(dir, out), 'utf8');
      expect(read(written)).toBe(
        { json: 'NO-GO', markdown: '# ❌ NO-GO: Launch (staging)', junit: 'valid', text: 'plain' }[format],
      );
    },
  );

  it('refuses an --out it cannot write, with exit 2', async () => {
    await writeFile(join(dir, 'a-file'), '');
    const r = await run(['go.md', '--out', 'a-file/report.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write the report to a-file\/report\.json/);
  });
});
