import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store, TokenRole } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * The API over real HTTP: a real SQLite store in a temp dir, a checklist directory written here, and a
 * local HTTP target for the checklist's http check. The clock is the test's, so "stale" is exact.
 */

const dir = blockTempDir('gonogo-api-');
let store: Store;
let server: RunningServer;
let target: Server;
let targetHits = 0;
let clock = Date.parse('2026-11-20T09:00:00Z');
const tokens: Record<string, string> = {};

const CHECKLIST = (baseUrl: string) => `---
id: launch
name: Payments launch
environments:
  staging: { BASE_URL: "${baseUrl}" }
  production: { BASE_URL: "${baseUrl}" }
policy:
  waiver_max_days: 30
  signoffs: [engineering, security]
---
# Payments launch
## Operations
- [ ] Backups restored in a drill
- [ ] RTO: ______
- [ ] Health endpoint answers
  \`\`\`check
  http: \${BASE_URL}/health
  expect: ['status == 200']
  \`\`\`
## Sign-Off
- [ ] Engineering Lead: ____ Date: ____
- [ ] Security Lead: ____ Date: ____
`;

// biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, asserted field by field
type Json = any;

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: Json; text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined
      ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
      : {}),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

beforeAll(async () => {
  target = createHttpServer((req, res) => {
    targetHits += 1;
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  await writeFile(join(dir, 'launch.md'), CHECKLIST(base));
  await writeFile(join(dir, 'broken.md'), '---\nenvironments: [\n---\n# Broken\n- [ ] a\n');
  store = await openStore(join(dir, 'gonogo.db'));
  const make = async (name: string, role: TokenRole, signoffRoles: string[] = []) => {
    const token = `gng_test_${name}_${Math.random().toString(36).slice(2)}`;
    await store.createToken({ name, role, signoffRoles, hash: hashToken(token) }, 'test');
    tokens[name] = token;
  };
  await make('viewer', 'viewer');
  await make('operator', 'operator');
  await make('eng-approver', 'approver', ['engineering']);
  await make('sec-approver', 'approver', ['security']);
  await make('admin', 'admin');
  server = await startServer(
    {
      checklists: dir,
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      // Distinct X-Forwarded-For addresses let the brute-force test run without locking out the others.
      config: { trustProxy: true, authFailuresPer10Min: 5 },
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(clock),
    },
  );
});

afterAll(async () => {
  await server?.close();
  await new Promise((r) => target?.close(r));
});

describe('authentication and roles', () => {
  it.each([
    ['no token', undefined, 401],
    ['an unknown token', 'gng_nope', 401],
    ['a viewer token', 'viewer', 200],
  ])('GET /checklists with %s answers %i', async (_what, who, status) => {
    const token = who && tokens[who] ? tokens[who] : who;
    const r = await call('GET', '/api/v1/checklists', token !== undefined ? { token } : {});
    expect(r.status).toBe(status);
    if (status === 401) {
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(r.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  // Each write route, the highest role that is refused and the lowest that is allowed.
  it.each([
    ['runs', { env: 'staging' }, 'viewer', 'operator'],
    [
      'attestations',
      { env: 'staging', item: 'operations/backups-restored-in-a-drill', evidence: 'drill OPS-7' },
      'viewer',
      'operator',
    ],
    [
      'waivers',
      {
        env: 'staging',
        item: 'operations/health-endpoint-answers',
        reason: 'vendor',
        owner: 'sre',
        expires: '7d',
      },
      'operator',
      'eng-approver',
    ],
    ['signoffs', { env: 'staging', role: 'engineering' }, 'operator', 'eng-approver'],
  ])('POST %s: %s gets 403, %s gets 201', async (route, body, refused, allowed) => {
    const denied = await call('POST', `/api/v1/checklists/launch/${route}`, { token: tokens[refused], body });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    expect(denied.json.detail).toContain(refused === 'viewer' ? 'viewer' : 'operator');
    const ok = await call('POST', `/api/v1/checklists/launch/${route}`, { token: tokens[allowed], body });
    expect(ok.status).toBe(201);
  });

  it('lets an approver sign off only for its own sign-off roles', async () => {
    const r = await call('POST', '/api/v1/checklists/launch/signoffs', {
      token: tokens['sec-approver'],
      body: { env: 'production', role: 'engineering' },
    });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ field: 'role' });
    expect(r.json.detail).toContain('security');
    const own = await call('POST', '/api/v1/checklists/launch/signoffs', {
      token: tokens['sec-approver'],
      body: { env: 'production', role: 'security' },
    });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ role: 'security', by: 'sec-approver', environment: 'production' });
  });

  it('answers 429 with Retry-After after repeated bad tokens, even for a good token from that address', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await call('GET', '/api/v1/checklists', { token: `gng_guess_${i}`, headers: from })).status,
      );
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    const good = await call('GET', '/api/v1/checklists', { token: tokens.viewer, headers: from });
    expect(good.status).toBe(429);
    expect(Number(good.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(good.headers.get('content-type')).toBe('application/problem+json');
    // Another address is unaffected.
    const other = await call('GET', '/api/v1/checklists', {
      token: tokens.viewer,
      headers: { 'x-forwarded-for': '203.0.113.10' },
    });
    expect(other.status).toBe(200);
  });
});

describe('checklists', () => {
  it('lists loaded checklists and the ones that failed with their error', async () => {
    const r = await call('GET', '/api/v1/checklists', { token: tokens.viewer });
    const byId = Object.fromEntries(r.json.checklists.map((c: { id: string }) => [c.id, c]));
    expect(byId.launch).toMatchObject({
      name: 'Payments launch',
      environments: ['staging', 'production'],
      items: 5,
    });
    expect(byId.broken.error).toMatch(/broken\.md:2:\d+/);
  });

  it('returns the model, 404 for an unknown id and 409 for a file that does not load', async () => {
    const model = await call('GET', '/api/v1/checklists/launch', { token: tokens.viewer });
    expect(model.status).toBe(200);
    expect(model.json.signoffs).toEqual(['engineering', 'security']);
    expect(model.json.items.map((i: { id: string }) => i.id)).toContain('operations/health-endpoint-answers');
    const missing = await call('GET', '/api/v1/checklists/nope', { token: tokens.viewer });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, field: 'id' });
    expect(missing.json.detail).toContain('launch');
    const broken = await call('GET', '/api/v1/checklists/broken', { token: tokens.viewer });
    expect(broken.status).toBe(409);
    expect(broken.json.detail).toContain('broken.md');
  });
});

describe('runs and preflight', () => {
  it('runs the checks on POST and lists runs newest first with limit and before', async () => {
    const first = await call('POST', '/api/v1/checklists/launch/runs', {
      token: tokens.operator,
      body: { env: 'production' },
    });
    expect(first.status).toBe(201);
    const health = first.json.items.find(
      (i: { id: string }) => i.id === 'operations/health-endpoint-answers',
    );
    expect(health.status).toBe('pass');
    expect(first.json.verdict).toBe('NO-GO');
    const second = await call('POST', '/api/v1/checklists/launch/runs', {
      token: tokens.operator,
      body: { env: 'production' },
    });
    const list = await call('GET', '/api/v1/checklists/launch/runs?env=production&limit=1', {
      token: tokens.viewer,
    });
    expect(list.status).toBe(200);
    expect(list.json.runs).toHaveLength(1);
    expect(list.json.runs[0]).toMatchObject({
      id: second.json.run,
      trigger: 'api:operator',
      environment: 'production',
    });
    const older = await call(
      'GET',
      `/api/v1/checklists/launch/runs?env=production&before=${second.json.run}`,
      {
        token: tokens.viewer,
      },
    );
    expect(older.json.runs[0].id).toBe(first.json.run);
  });

  it('shows one run with what its checks observed, and 404 for a run that does not exist', async () => {
    const made = await call('POST', '/api/v1/checklists/launch/runs', {
      token: tokens.operator,
      body: { env: 'staging' },
    });
    const one = await call('GET', `/api/v1/checklists/launch/runs/${made.json.run}`, {
      token: tokens.viewer,
    });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: made.json.run, environment: 'staging', verdict: 'NO-GO' });
    expect(one.json.outcomes).toEqual([
      expect.objectContaining({ item: 'operations/health-endpoint-answers', status: 'pass' }),
    ]);
    for (const [path, status] of [
      ['/api/v1/checklists/launch/runs/99999', 404],
      ['/api/v1/checklists/nope/runs/1', 404],
      ['/api/v1/checklists/launch/runs/zero', 400],
    ] as const) {
      const r = await call('GET', path, { token: tokens.viewer });
      expect(r.status, path).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await call('GET', `/api/v1/checklists/launch/runs/${made.json.run}`)).status).toBe(401);
  });

  it('preflight answers 200 for NO-GO and runs the checks only when the latest run is older than max_age', async () => {
    const url = '/api/v1/checklists/launch/preflight?env=staging';
    clock += 3_600_000;
    const before = targetHits;
    const a = await call('GET', url, { token: tokens.operator });
    expect(a.status).toBe(200);
    expect(a.json.verdict).toBe('NO-GO');
    expect(targetHits).toBe(before + 1);
    clock += 60_000;
    const b = await call('GET', `${url}&max_age=5m`, { token: tokens.operator });
    expect(b.json.run).toBe(a.json.run);
    expect(targetHits).toBe(before + 1);
    clock += 10 * 60_000;
    const c = await call('GET', url, { token: tokens.operator });
    expect(c.json.run).toBeGreaterThan(a.json.run);
    expect(targetHits).toBe(before + 2);
    const d = await call('GET', `${url}&max_age=30s`, { token: tokens.operator });
    expect(d.json.run).toBe(c.json.run);
    expect(targetHits).toBe(before + 2);
  });

  it('shares one run between concurrent stale preflights', async () => {
    clock += 3_600_000;
    const before = targetHits;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        call('GET', '/api/v1/checklists/launch/preflight?env=staging', { token: tokens.operator }),
      ),
    );
    expect(new Set(answers.map((a) => a.json.run)).size).toBe(1);
    expect(targetHits).toBe(before + 1);
  });
});

describe('attest, waive, sign off', () => {
  it('attesting a manual item turns it pass in the verdict at once (no stale preflight answer)', async () => {
    const url = '/api/v1/checklists/launch/preflight?env=production&max_age=1000d';
    const status = async () =>
      (await call('GET', url, { token: tokens.viewer })).json.items.find(
        (i: { id: string }) => i.id === 'operations/backups-restored-in-a-drill',
      ).status;
    expect(await status()).toBe('pending');
    const r = await call('POST', '/api/v1/checklists/launch/attestations', {
      token: tokens.operator,
      body: {
        env: 'production',
        item: 'Backups restored in a drill',
        evidence: 'restore drill 2026-11-18',
        valid_for: '90d',
      },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ item: 'operations/backups-restored-in-a-drill', by: 'operator' });
    expect(Date.parse(r.json.expiresAt) - clock).toBe(90 * 86_400_000);
    expect(await status()).toBe('pass');
  });

  it('signs off the current digest', async () => {
    const r = await call('POST', '/api/v1/checklists/launch/signoffs', {
      token: tokens['eng-approver'],
      body: { env: 'production', role: 'engineering' },
    });
    expect(r.status).toBe(201);
    const model = await call('GET', '/api/v1/checklists/launch', { token: tokens.viewer });
    expect(r.json.digest).toBe(model.json.digest);
  });

  // Bad bodies: the problem names the field at fault.
  it.each([
    ['attestations', 'operator', { item: 'operations/backups-restored-in-a-drill' }, 400, 'evidence'],
    [
      'attestations',
      'operator',
      { item: 'operations/backups-restored-in-a-drill', evidence: '   ' },
      400,
      'evidence',
    ],
    ['attestations', 'operator', { item: 'operations/rto', evidence: 'runbook' }, 400, 'value'],
    ['attestations', 'operator', { item: 'operations/health-endpoint-answers', evidence: 'x' }, 400, 'item'],
    ['attestations', 'operator', { item: 'operations/nope', evidence: 'x' }, 404, 'item'],
    [
      'attestations',
      'operator',
      { env: 'moon', item: 'operations/rto', evidence: 'x', value: '4h' },
      404,
      'env',
    ],
    [
      'attestations',
      'operator',
      { item: 'operations/rto', evidence: 'x', valid_for: 'soon' },
      400,
      'valid_for',
    ],
    [
      'attestations',
      'operator',
      { item: 'operations/rto', evidence: 'x', value: '4h', valid_for: '99999999999d' },
      400,
      'valid_for',
    ],
    [
      'attestations',
      'operator',
      { item: 'operations/rto', evidence: 'x', value: '4h', check: { command: 'rm -rf /' } },
      400,
      'check',
    ],
    [
      'waivers',
      'eng-approver',
      { item: 'operations/health-endpoint-answers', reason: 'r', owner: 'o', expires: '45d' },
      400,
      'expires',
    ],
    [
      'waivers',
      'eng-approver',
      { item: 'operations/health-endpoint-answers', reason: 'r', owner: 'o', expires: '2020-01-01' },
      400,
      'expires',
    ],
    [
      'waivers',
      'eng-approver',
      { item: 'operations/health-endpoint-answers', owner: 'o', expires: '3d' },
      400,
      'reason',
    ],
    ['signoffs', 'eng-approver', { role: 'product' }, 400, 'role'],
    ['signoffs', 'eng-approver', { role: 7 }, 400, 'role'],
    ['runs', 'operator', { env: 5 }, 400, 'env'],
    ['runs', 'operator', { env: 'staging', command: 'id' }, 400, 'command'],
  ])('POST %s as %s with %j -> %i naming %s', async (route, who, body, status, field) => {
    const r = await call('POST', `/api/v1/checklists/launch/${route}`, { token: tokens[who], body });
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.json).toMatchObject({ status, field });
    expect(r.json.detail).toContain(field === 'check' || field === 'command' ? field : field.split('_')[0]);
  });

  it('refuses malformed JSON and oversized bodies as problems', async () => {
    const bad = await call('POST', '/api/v1/checklists/launch/runs', {
      token: tokens.operator,
      body: '{"env":',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const big = await call('POST', '/api/v1/checklists/launch/attestations', {
      token: tokens.operator,
      body: { item: 'operations/rto', evidence: 'x'.repeat(200_000) },
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    ['/api/v1/checklists/launch/runs?limit=0', 'limit'],
    ['/api/v1/checklists/launch/runs?limit=1001', 'limit'],
    ['/api/v1/checklists/launch/preflight?max_age=later', 'max_age'],
    ['/api/v1/audit?after=-1', 'after'],
  ])('GET %s -> 400 naming %s', async (path, field) => {
    const r = await call('GET', path, { token: tokens.viewer });
    expect(r.status).toBe(400);
    expect(r.json.field).toBe(field);
  });
});

describe('audit', () => {
  it('lists events newest first, follows the log with after, and verifies the chain', async () => {
    const latest = await call('GET', '/api/v1/audit?limit=5', { token: tokens.viewer });
    expect(latest.status).toBe(200);
    const seqs = latest.json.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toHaveLength(5);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const types = new Set(
      (await call('GET', '/api/v1/audit?limit=1000', { token: tokens.viewer })).json.events.map(
        (e: { type: string }) => e.type,
      ),
    );
    for (const t of [
      'checklist.imported',
      'run.completed',
      'item.attested',
      'waiver.granted',
      'signoff.given',
    ])
      expect(types).toContain(t);
    const page2 = await call('GET', `/api/v1/audit?limit=5&before=${seqs[4]}`, { token: tokens.viewer });
    expect(page2.json.events[0].seq).toBe(seqs[4] - 1);
    const tail = await call('GET', `/api/v1/audit?after=${seqs[2]}`, { token: tokens.viewer });
    expect(tail.json.events.map((e: { seq: number }) => e.seq)).toEqual([seqs[1], seqs[0]]);
    const verify = await call('GET', '/api/v1/audit/verify', { token: tokens.viewer });
    expect(verify.status).toBe(200);
    expect(verify.json).toMatchObject({ ok: true });
    expect(verify.json.count).toBeGreaterThanOrEqual(seqs[0]);
    // The head a viewer can keep elsewhere is the one verify ends on.
    const head = await call('GET', '/api/v1/audit/head', { token: tokens.viewer });
    expect(head.status).toBe(200);
    expect(head.json).toEqual(verify.json.head);
    // Tokens never appear in the log, hashed or not.
    const all = JSON.stringify(
      (await call('GET', '/api/v1/audit?limit=1000', { token: tokens.viewer })).json,
    );
    for (const t of Object.values(tokens)) {
      expect(all).not.toContain(t);
      expect(all).not.toContain(hashToken(t));
    }
  });
});

describe('operations', () => {
  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await call('GET', '/health/live', { headers: { 'x-request-id': 'ci-build-42_a' } });
    expect(kept.headers.get('x-request-id')).toBe('ci-build-42_a');
    const replaced = await call('GET', '/health/live', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const onError = await call('GET', '/api/v1/checklists');
    expect(onError.headers.get('x-request-id')).toBeTruthy();
  });

  it('sends strict security headers on API and HTML responses', async () => {
    for (const path of ['/api/v1/checklists', '/login']) {
      const r = await call('GET', path, { token: tokens.viewer });
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await call('GET', '/health/live')).json).toEqual({ status: 'ok' });
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.checks.store).toBe('ok');
    const m = await call('GET', '/metrics');
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(m.text).toMatch(
      /gonogo_runs_total\{checklist="launch",environment="production",verdict="NO-GO",trigger="api"\} [1-9]/,
    );
    expect(m.text).toMatch(/gonogo_check_duration_seconds_bucket\{le="[^"]+",kind="http",status="pass"\}/);
    expect(m.text).toMatch(/gonogo_items\{checklist="launch",environment="production",status="pass"\} \d/);
    expect(m.text).toMatch(/gonogo_verdict\{checklist="launch",environment="staging"\} 0/);
    expect(m.text).toMatch(
      /gonogo_http_requests_total\{method="GET",route="\/api\/v1\/checklists\/:id\/preflight",status="200"\}/,
    );
    expect(m.text).toContain('gonogo_http_request_duration_seconds_bucket');
  });

  it('answers unknown API routes with a problem', async () => {
    const r = await call('GET', '/api/v1/nothing', { token: tokens.viewer });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('OpenAPI', () => {
  it('is a valid OpenAPI 3.1 document listing every route, public, generated from the request schemas', async () => {
    const r = await call('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const result = await new Validator().validate(r.json);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(r.json.openapi).toBe('3.1.0');
    const routes = Object.entries(r.json.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /checklists',
        'GET /checklists/{id}',
        'POST /checklists/{id}/runs',
        'GET /checklists/{id}/runs',
        'GET /checklists/{id}/runs/{n}',
        'GET /checklists/{id}/preflight',
        'POST /checklists/{id}/attestations',
        'POST /checklists/{id}/waivers',
        'POST /checklists/{id}/signoffs',
        'GET /audit',
        'GET /audit/head',
        'GET /audit/verify',
        'POST /runner/jobs:claim',
        'POST /runner/jobs/{id}:complete',
        'GET /openapi.json',
      ].sort(),
    );
    const attest = r.json.paths['/checklists/{id}/attestations'].post;
    const schema = attest.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? r.json.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(resolved.required).toEqual(expect.arrayContaining(['item', 'evidence']));
    expect(resolved.additionalProperties).toBe(false);
    expect(Object.keys(attest.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404']),
    );
  });

  it.each([
    ['post', '/checklists/{id}/runs'],
    ['get', '/checklists/{id}/preflight'],
    ['post', '/checklists/{id}/attestations'],
    ['post', '/checklists/{id}/waivers'],
    ['post', '/checklists/{id}/signoffs'],
  ])('lists 503 (store unavailable, problem+json) for %s %s, which writes', async (method, path) => {
    const r = await call('GET', '/api/v1/openapi.json');
    const ref: string | undefined = r.json.paths[path][method].responses['503']?.$ref;
    const response = r.json.components.responses[ref?.split('/').pop() ?? ''];
    expect(Object.keys(response?.content ?? {})).toEqual(['application/problem+json']);
  });
});
