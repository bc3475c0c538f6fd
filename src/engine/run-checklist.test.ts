// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Item } from '../model/checklist.js';
import { ConfigError } from '../model/errors.js';
import { perTest, sqliteBackend } from '../store/test-support/backends.js';
import { type CheckDefinition, CheckFailure, defineCheck, type KindRegistry } from './check.js';
import { type RunOptions, type RunProgress, runChecklist } from './run-checklist.js';
import { checklistOf, itemWith, manualItem, registryOf, secretKind } from './test-support/kinds.js';
import { MemoryStore } from './test-support/memory-store.js';

/** A small HTTP kind over fetch, so the engine is tested against a real server without another layer. */
const web = defineCheck({
  kind: 'web',
  summary: 'GET a URL',
  target: z.string(),
  options: z.strictObject({ headers: z.record(z.string(), z.string()).optional() }),
  variables: {
    status: { type: 'int', description: 'status' },
    headers: { type: 'map<string, string>', description: 'headers' },
    body: { type: 'dyn', description: 'body' },
  },
  defaultExpect: ['status >= 200 && status < 300'],
  hostKey: (target: string) => new URL(target).host,
  async run(target: string, options, ctx) {
    let res: Response;
    try {
      res = await fetch(target, { signal: ctx.signal, headers: options.headers ?? {} });
    } catch (err) {
      throw new CheckFailure(
        `GET ${target}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
      );
    }
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return {
      status: res.status,
      headers: Object.fromEntries([...(res.headers as unknown as Iterable<[string, string]>)]),
      body,
    };
  },
});
const registry: KindRegistry = registryOf(
  web as CheckDefinition<unknown, unknown>,
  secretKind as CheckDefinition<unknown, unknown>,
);

let server: Server;
let base: string;
let inFlight = 0;
let maxInFlight = 0;
let flapCount = 0;

function handle(req: IncomingMessage, res: ServerResponse) {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const send = (status: number, body: unknown) => {
    inFlight--;
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
    res.end(JSON.stringify(body));
  };
  // Answer on a later turn so concurrent requests really overlap at the server.
  setImmediate(() => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ready') return send(200, { db: 'ok', count: 3 });
    if (url.pathname === '/down') return send(503, { db: 'down' });
    if (url.pathname === '/echo')
      return send(200, { auth: req.headers.authorization ?? null, dsn: url.searchParams.get('dsn') });
    if (url.pathname === '/flap') return send(flapCount++ % 2 === 0 ? 200 : 500, {});
    return send(404, {});
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fixedNow = new Date('2026-12-01T10:00:00.000Z');

function options(items: Item[], extra: Partial<RunOptions> = {}): RunOptions & { store: MemoryStore } {
  return {
    checklist: checklistOf(items, { environments: { production: { BASE_URL: base } } }),
    environment: 'production',
    registry,
    store: new MemoryStore(),
    now: () => fixedNow,
    env: {},
    baseDir: '/tmp',
    trigger: 'cli',
    ...extra,
  } as RunOptions & { store: MemoryStore };
}

describe('runChecklist', () => {
  it('runs the checks, decides, stores the run and reports', async () => {
    const progress: RunProgress[] = [];
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
      { onProgress: (p) => progress.push(p) },
    );
    const { report, run, evaluation } = await runChecklist(opts);

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
      options([itemWith('a/ready', { kind: 'web', target: `${base}/ready` })]),
    );
    expect(report.verdict).toBe('GO');
    expect(report.reasons).toEqual([]);
  });

  it('applies stored attestations and waivers', async () => {
    const opts = options([
      itemWith('a/down', { kind: 'web', target: `${base}/down` }),
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
          target: `${base}/echo?dsn=postgres://app:${password}@db/app`,
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
    maxInFlight = 0;
    const items = Array.from({ length: 200 }, (_, i) =>
      itemWith(`load/${i}`, { kind: 'web', target: `${base}/ready?i=${i}` }),
    );
    const { report } = await runChecklist(options(items, { perHost: 8 }));
    expect(report.summary.pass).toBe(200);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('with the real http kind, 5,000 items against one server keep at most 8 requests in flight', async () => {
    const { loadRegistry } = await import('../checks/registry.js');
    const real = await loadRegistry();
    maxInFlight = 0;
    const items = Array.from({ length: 5000 }, (_, i) =>
      itemWith(`load/${i}`, {
        kind: 'http',
        target: `${base}/ready?i=${i}`,
        expect: ['status == 200', 'body.db == "ok"'],
      }),
    );
    const { report } = await runChecklist(options(items, { registry: real }));
    expect(report.summary).toMatchObject({ pass: 5000, fail: 0, error: 0 });
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(maxInFlight).toBeGreaterThan(1);
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
          target: `${base}/echo`,
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

describe('windows', () => {
  const hour = 3_600_000;
  const at = (msAgo: number) => new Date(fixedNow.getTime() - msAgo).toISOString();

  it('adds one sample per run and stays pending until the hold is covered', async () => {
    const opts = options([
      itemWith('w/ready', { kind: 'web', target: `${base}/ready`, hold: '24h', every: '1m' }),
    ]);
    await opts.store.addSamples(
      Array.from({ length: 180 }, (_, i) => ({
        checklist: 'launch',
        environment: 'production',
        item: 'w/ready',
        at: at((180 - i) * 60_000),
        ok: true,
      })),
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({ status: 'pending', message: 'window 3h/24h' });
    expect(opts.store.samples).toHaveLength(181);
    expect(report.verdict).toBe('NO-GO');
  });

  it('passes when stored samples cover the hold', async () => {
    const opts = options([
      itemWith('w/ready', { kind: 'web', target: `${base}/ready`, hold: '2h', every: '1m' }),
    ]);
    await opts.store.addSamples(
      Array.from({ length: 120 }, (_, i) => ({
        checklist: 'launch',
        environment: 'production',
        item: 'w/ready',
        at: at((120 - i) * 60_000),
        ok: true,
      })),
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({
      status: 'pass',
      message: 'window 2h/2h: 121 samples, all passed',
    });
    expect(report.verdict).toBe('GO');
  });

  it('fails at once on a failed sample', async () => {
    const opts = options([
      itemWith('w/down', { kind: 'web', target: `${base}/down`, expect: ['status == 200'], hold: '1h' }),
    ]);
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({
      status: 'fail',
      message: 'window: 1 of 1 samples failed; last failure 10:00: status == 200 — got status=503',
    });
    expect(opts.store.samples[0]).toMatchObject({ ok: false, item: 'w/down' });
    void hour;
  });

  it('--wait keeps sampling until the window is decided', async () => {
    // `every` leaves a busy machine 500 ms between samples before a gap restarts the window, and a
    // restarted window gets more holds under --wait: the run ends decided, not pending.
    const opts = options(
      [itemWith('w/ready', { kind: 'web', target: `${base}/ready`, hold: '1s', every: '250ms' })],
      { now: () => new Date(), wait: true },
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]!.message).toMatch(/^window 1s\/1s: \d+ samples, all passed$/);
    expect(report.items[0]!.status).toBe('pass');
    // The samples behind the verdict: all passed, and together they span the hold (the window's rule),
    // however many it took.
    const times = opts.store.samples.map((s) => Date.parse(s.at));
    expect(opts.store.samples.every((s) => s.ok)).toBe(true);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1000 - 250);
  });

  it('--wait stops on a flapping target as soon as the window fails', async () => {
    flapCount = 0;
    const opts = options(
      [itemWith('w/flap', { kind: 'web', target: `${base}/flap`, hold: '10s', every: '20ms' })],
      { now: () => new Date(), wait: true },
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]!.status).toBe('fail');
    expect(report.items[0]!.message).toMatch(
      /^window: 1 of 2 samples failed; last failure \d\d:\d\d: status >= 200 && status < 300 — got status=500$/,
    );
  });

  it('--wait ends when the run is cancelled, leaving the window pending', async () => {
    const controller = new AbortController();
    const opts = options(
      [itemWith('w/ready', { kind: 'web', target: `${base}/ready`, hold: '1h', every: '10ms' })],
      {
        now: () => new Date(),
        wait: true,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]!.status).toBe('pending');
  });
});
