import { describe, expect, it } from 'vitest';
import { API_START, useApi } from './api-support.js';

/**
 * Runs, preflight and what people record over the API (attestations, waivers, sign-offs, and the bodies
 * refused), then the operations endpoints that show them (metrics count the runs made here).
 */

let clock = API_START;
let targetHits = 0;
const { call, tokens } = useApi({
  now: () => new Date(clock),
  onTargetHit: () => {
    targetHits += 1;
  },
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
