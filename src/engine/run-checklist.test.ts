// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/errors.js';
import { perTest, sqliteBackend } from '../store/test-support/backends.js';
import { type RunProgress, runChecklist } from './run-checklist.js';
import { itemWith, manualItem } from './test-support/kinds.js';
import { fixedNow, webTarget } from './test-support/web-target.js';

/** runChecklist against a real local HTTP server: verdicts, stored runs, secrets, concurrency; windows: run-checklist-windows.test.ts. */
const target = webTarget();
const options = target.options;

describe('runChecklist', () => {
  it('runs the checks, decides, stores the run and reports', async () => {
    const progress: RunProgress[] = [];
    const starts: Array<[checks: number, progressed: number]> = [];
    const opts = options(
      [
        itemWith('obs/ready', {
          kind: 'web',
          target: '${BASE_URL}/ready',
          expect: ['status == 200', 'body.db == "ok"', 'body.count == 3'],
        }),
        itemWith('obs/request-id', {
          kind: 'web',
          target: '${BASE_URL}/ready',
          expect: ['"x-request-id" in headers'],
        }),
        itemWith('obs/down', { kind: 'web', target: '${BASE_URL}/down', expect: ['status == 200'] }),
        itemWith('obs/advisory', { kind: 'web', target: '${BASE_URL}/down' }, { blocking: false }),
        itemWith('obs/unset', { kind: 'web', target: '${STATUS_URL}/ready' }),
        itemWith('obs/skipped', { kind: 'web', target: '${BASE_URL}/down' }, { skip: 'no status page yet' }),
        manualItem('ops/2fa'),
      ],
      {
        onProgress: (p) => progress.push(p),
        onChecksStart: (checks) => starts.push([checks, progress.length]),
      },
    );
    const { report, run, evaluation } = await runChecklist(opts);
    // Told once, before the first check runs: four to run (the unset one ended at prepare, as an error).
    expect(starts).toEqual([[4, 1]]);

    expect(report.verdict).toBe('NO-GO');
    expect(evaluation.verdict).toBe('NO-GO');
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(byId['obs/ready']).toMatchObject({
      status: 'pass',
      observed: { status: 200, body: { db: 'ok', count: 3 } },
    });
    expect(byId['obs/request-id']!.status).toBe('pass');
    expect(byId['obs/down']).toMatchObject({ status: 'fail', message: 'status == 200 — got status=503' });
    expect(byId['obs/advisory']).toMatchObject({ status: 'fail', blocking: false });
    expect(byId['obs/unset']).toMatchObject({
      status: 'error',
      message:
        '${STATUS_URL} is not set for environment production (front matter) nor in the process environment',
    });
    expect(byId['obs/skipped']!.status).toBe('skipped');
    expect(byId['ops/2fa']!.status).toBe('pending');
    expect(report.summary).toEqual({ pass: 2, fail: 2, error: 1, pending: 1, waived: 0, skipped: 1 });
    expect(report.reasons.map((r) => r.item)).toEqual(['obs/down', 'obs/unset', 'ops/2fa']);
    expect(report.at).toBe(fixedNow.toISOString());

    expect(run.id).toBe(1);
    expect(report.run).toBe(1);
    expect(run.outcomes.map((o) => o.item)).toEqual([
      'obs/ready',
      'obs/request-id',
      'obs/down',
      'obs/advisory',
      'obs/unset',
    ]);
    expect(opts.store.runs[0]).toMatchObject({
      verdict: 'NO-GO',
      trigger: 'cli',
      digest: 'sha256:0000',
      environment: 'production',
    });
    expect(opts.store.audit.map((e) => e.type)).toEqual(['run.completed']);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every((p) => p.total === 5)).toBe(true);
  });

  it('says GO when every blocking item passes', async () => {
    const { report } = await runChecklist(
      options([itemWith('a/ready', { kind: 'web', target: `${target.base}/ready` })]),
    );
    expect(report.verdict).toBe('GO');
    expect(report.reasons).toEqual([]);
  });

  it('applies stored attestations and waivers', async () => {
    const opts = options([
      itemWith('a/down', { kind: 'web', target: `${target.base}/down` }),
      manualItem('m/drill'),
    ]);
    opts.store.attestations.push({
      checklist: 'launch',
      environment: 'production',
      item: 'm/drill',
      evidence: 'done',
      by: 'ana',
      at: '2026-11-30T00:00:00Z',
    });
    opts.store.waivers.push({
      checklist: 'launch',
      environment: 'production',
      item: 'a/down',
      reason: 'known',
      owner: 'sre',
      by: 'bo',
      at: '2026-11-30T00:00:00Z',
      expiresAt: '2026-12-05T00:00:00Z',
    });
    const { report } = await runChecklist(opts);
    expect(report.items.map((i) => i.status)).toEqual(['waived', 'pass']);
    expect(report.verdict).toBe('GO');
  });

  it('keeps planted secrets out of the report, the stored run and the audit log', async () => {
    const token = 'planted-token-7f3a9c1e5b';
    const password = 'planted-db-password-42';
    const opts = options(
      [
        itemWith('sec/echo', {
          kind: 'web',
          target: `${target.base}/echo?dsn=postgres://app:${password}@db/app`,
          options: { headers: { authorization: 'Bearer ${API_TOKEN}' } },
          expect: ['body.auth == "nope"'],
        }),
        itemWith('sec/env', { kind: 'secret', target: 'API_TOKEN', expect: ['value == "other"'] }),
        itemWith('sec/refused', { kind: 'web', target: 'http://127.0.0.1:1/?token=${API_TOKEN}' }),
      ],
      { env: { API_TOKEN: token } },
    );
    const { report } = await runChecklist(opts);
    const everything = JSON.stringify([report, opts.store.runs, opts.store.audit, opts.store.samples]);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(password);
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(byId['sec/echo']!.message).toBe('body.auth == "nope" — got body.auth="Bearer ${API_TOKEN}"');
    expect(byId['sec/echo']!.observed).toMatchObject({ body: { dsn: 'postgres://app:***@db/app' } });
    expect(byId['sec/env']!.observed).toMatchObject({
      set: true,
      value: expect.stringMatching(/^\[secret len=24 sha256=[0-9a-f]{8}\]$/),
    });
    expect(byId['sec/refused']!.status).toBe('error');
  });

  it('never has more than perHost checks in flight to one server', async () => {
    target.maxInFlight = 0;
    const items = Array.from({ length: 200 }, (_, i) =>
      itemWith(`load/${i}`, { kind: 'web', target: `${target.base}/ready?i=${i}` }),
    );
    const { report } = await runChecklist(options(items, { perHost: 8 }));
    expect(report.summary.pass).toBe(200);
    expect(target.maxInFlight).toBeLessThanOrEqual(8);
    expect(target.maxInFlight).toBeGreaterThan(1);
  });

  it('with the real http kind, 5,000 items against one server keep at most 8 requests in flight', async () => {
    const { loadRegistry } = await import('../checks/registry.js');
    const real = await loadRegistry();
    target.maxInFlight = 0;
    const items = Array.from({ length: 5000 }, (_, i) =>
      itemWith(`load/${i}`, {
        kind: 'http',
        target: `${target.base}/ready?i=${i}`,
        expect: ['status == 200', 'body.db == "ok"'],
      }),
    );
    const { report } = await runChecklist(options(items, { registry: real }));
    expect(report.summary).toMatchObject({ pass: 5000, fail: 0, error: 0 });
    expect(target.maxInFlight).toBeLessThanOrEqual(8);
    expect(target.maxInFlight).toBeGreaterThan(1);
  });

  it('refuses an unknown environment', async () => {
    await expect(runChecklist(options([], { environment: 'prod' }))).rejects.toThrow(ConfigError);
    await expect(runChecklist(options([], { environment: 'prod' }))).rejects.toThrow(
      'unknown environment "prod"; launch defines: production (use --env)',
    );
  });

  it('fails when the store fails, but never because a check failed', async () => {
    const opts = options([itemWith('a/refused', { kind: 'web', target: 'http://127.0.0.1:1/' })]);
    opts.store.failNext = 'saveRun';
    await expect(runChecklist(opts)).rejects.toThrow('store unavailable (saveRun)');
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({
      status: 'error',
      message: expect.stringContaining('GET http://127.0.0.1:1/'),
    });
  });
});

describe('with the real SQLite store', () => {
  // Loaded across layers only in this test.
  const fresh = perTest(sqliteBackend.make);

  it('stores the run, its samples and audit events, and no secret reaches the database file', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const { backend, store } = await fresh.store('run_checklist');
    // The database file and its journals.
    const dir = dirname(backend.url);
    const token = 'planted-store-token-9d8c7b6a';
    const opts = options(
      [
        itemWith('sec/echo', {
          kind: 'web',
          target: `${target.base}/echo`,
          options: { headers: { authorization: 'Bearer ${API_TOKEN}' } },
          expect: ['body.auth == "x"'],
          hold: '1h',
        }),
        itemWith('sec/env', { kind: 'secret', target: 'API_TOKEN' }),
        manualItem('ops/2fa'),
      ],
      { env: { API_TOKEN: token } },
    );
    const { run, report } = await runChecklist({ ...opts, store });
    expect(report.verdict).toBe('NO-GO');
    const latest = await store.latestRun('launch', 'production');
    expect(latest?.id).toBe(run.id);
    expect(latest?.outcomes.map((o) => [o.item, o.status])).toEqual([
      ['sec/echo', 'fail'],
      ['sec/env', 'pass'],
    ]);
    const samples = await store.listSamples('launch', 'production', 'sec/echo', '2026-01-01T00:00:00Z');
    expect(samples).toHaveLength(1);
    expect((await store.verifyAudit()).ok).toBe(true);
    const types = (await store.listAudit({})).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['run.completed']));
    await store.close();
    for (const file of await readdir(dir)) {
      const bytes = await readFile(join(dir, file));
      expect(bytes.includes(token), `${file} holds the secret`).toBe(false);
    }
  });
});
