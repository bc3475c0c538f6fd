import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/app/serve.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, jsonLogger } from '../src/server/index.js';
import { SECURE_HEADERS_OPTIONS } from '../src/server/security-headers.js';
import { personActor, revokeToken } from '../src/usecases/index.js';
import { type InProcessServer, startInProcess } from './server-support.js';

/**
 * The preflight answer is kept as JSON per read of the store (Gate.storedAnswer): one read and one
 * evaluation for a burst of first callers, dropped at every state change made through the server, and
 * never served past the instant the verdict could change with time (an expiry). The reads are kept for
 * a whole minute here, so only the invalidations can make a change show.
 */

let store: Store;
let server: RunningServer;
let tokens: Record<string, string>;
let clock = Date.parse('2026-11-20T10:00:00Z');
const lines: string[] = [];
/** Store reads behind a stored verdict, about the `launch` checklist. */
const reads = { checkedLatestRun: 0, loadState: 0 };

const ITEM = 'ops/backups-restored-in-a-drill';
const ROTA = 'ops/on-call-rota-published';

/** The real store, counting the reads a stored verdict is made from. */
function counting(real: Store): Store {
  return new Proxy(real, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'checkedLatestRun' || key === 'loadState') {
        return (...args: unknown[]) => {
          if (args[0] === 'launch') reads[key] += 1;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

interface Report {
  verdict: string;
  at: string;
  run?: number;
  items: { id: string; status: string }[];
  reasons: { code: string; item?: string }[];
  signoffs: { role: string; by: string | null }[];
}

async function preflight(who = 'viewer', query = '') {
  const r = await fetch(`${server.url}/api/v1/checklists/launch/preflight?env=default${query}`, {
    headers: { authorization: `Bearer ${tokens[who]}` },
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: JSON.parse(text) as Report };
}

const item = (r: Report, id: string) => r.items.find((i) => i.id === id)!;

async function post(path: string, who: string, body: unknown) {
  const r = await fetch(`${server.url}/api/v1/checklists/launch/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  expect(r.status, text).toBe(201);
  return JSON.parse(text) as Record<string, unknown>;
}

let running: InProcessServer | undefined;

beforeAll(async () => {
  running = await startInProcess({
    prefix: 'gonogo-preflight-answers-',
    files: {
      'launch.md': [
        '---',
        'id: launch',
        'policy:',
        '  signoffs: [engineering]',
        '---',
        '# Launch',
        '## Ops',
        '- [ ] Backups restored in a drill',
        '- [ ] On-call rota published',
        '- [ ] Smoke test passes',
        '  ```check',
        '  command: "true"',
        '  ```',
        '## Sign-Off',
        '- [ ] Engineering Lead: ____ Date: ____',
        '',
      ].join('\n'),
    },
    tokens: [
      { name: 'viewer', role: 'viewer' },
      { name: 'operator', role: 'operator' },
      { name: 'approver', role: 'approver', signoffRoles: ['engineering'] },
    ],
    // Every line as it is logged (no buffering), so a test can read the request's line at once.
    logger: jsonLogger({ write: (s: string) => lines.push(s) }, () => new Date(clock)),
    config: { preflightCacheMs: 60_000 },
    now: () => new Date(clock),
    wrap: counting,
  });
  ({ store, server, tokens } = running);
});

afterAll(async () => {
  await running?.close();
});

beforeEach(() => {
  reads.checkedLatestRun = 0;
  reads.loadState = 0;
});

describe('preflight answers kept per read of the store', () => {
  it('cost one store read for a burst of concurrent first callers (viewers and operators)', async () => {
    // A fresh run of this digest, so operators are answered from stored state too.
    await post('runs', 'operator', { env: 'default' });
    reads.checkedLatestRun = 0;
    reads.loadState = 0;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => preflight(i % 2 === 0 ? 'viewer' : 'operator')),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(reads).toEqual({ checkedLatestRun: 1, loadState: 1 });
    // Everyone got the same verdict, decided from the run just made.
    const runs = new Set(answers.map((a) => a.json.run));
    expect(runs.size).toBe(1);
    expect(item(answers[0]!.json, 'ops/smoke-test-passes').status).toBe('pass');
  });

  it('send exactly the report a fresh evaluation makes, with `at` the time of each request', async () => {
    const first = await preflight();
    const { checklist } = server.server.gate.checklist('launch');
    const fresh = await server.server.gate.evaluate(checklist, 'default');
    expect(first.text).toBe(JSON.stringify(fresh.report));
    clock += 1000;
    const later = await preflight();
    expect(later.json.at).toBe(new Date(clock).toISOString());
    expect(later.text).toBe(JSON.stringify({ ...fresh.report, at: later.json.at }));
  });

  it('show each state change made through the API at the next request', async () => {
    const before = await preflight();
    expect(item(before.json, ITEM).status).toBe('pending');

    await post('attestations', 'operator', { env: 'default', item: ITEM, evidence: 'drill OPS-7' });
    const attested = await preflight();
    expect(item(attested.json, ITEM).status).toBe('pass');
    expect(attested.json.reasons.map((r) => r.code)).toEqual(['item-pending', 'signoff-missing']);

    await post('signoffs', 'approver', { env: 'default', role: 'engineering' });
    const signed = await preflight();
    expect(signed.json.signoffs[0]!.by).toBe('approver');
    expect(signed.json.reasons.map((r) => r.code)).toEqual(['item-pending']);

    const run = await post('runs', 'operator', { env: 'default' });
    const rerun = await preflight();
    expect(rerun.json.run).toBe(run.run);
    expect(rerun.json.run).not.toBe(signed.json.run);
  });

  it('stop serving a kept answer when a waiver expires', async () => {
    const expires = new Date(clock + 3_600_000).toISOString();
    await post('waivers', 'approver', {
      env: 'default',
      item: ROTA,
      reason: 'rota after the hire',
      owner: 'ops',
      expires,
    });
    const waived = await preflight();
    expect(item(waived.json, ROTA).status).toBe('waived');
    expect(waived.json.verdict).toBe('GO');

    // Half an hour on: the kept answer, only `at` moves; no store read (the reads are kept a minute).
    reads.checkedLatestRun = 0;
    reads.loadState = 0;
    clock += 1_800_000;
    const half = await preflight();
    expect(half.json.at).toBe(new Date(clock).toISOString());
    expect(half.text).toBe(waived.text.replace(waived.json.at, half.json.at));

    // Past the expiry, from the same kept reads: decided again.
    clock += 1_800_001;
    const expired = await preflight();
    expect(reads).toEqual({ checkedLatestRun: 0, loadState: 0 });
    expect(item(expired.json, ROTA).status).toBe('pending');
    expect(expired.json.verdict).toBe('NO-GO');
    expect(expired.json.reasons.map((r) => r.code)).toContain('waiver-expired');
  });

  it('refuse a token revoked through the server at its next request', async () => {
    // A token of its own, looked up (and kept by the server's token cache) by its first request.
    tokens.ci = `gng_pa_ci_${Math.random().toString(36).slice(2)}`;
    await store.createToken(
      { name: 'ci', role: 'viewer', signoffRoles: [], hash: hashToken(tokens.ci) },
      'test',
    );
    expect((await preflight('ci')).status).toBe(200);
    await revokeToken(server.server.gate.useCases, personActor('admin'), 'ci');
    const refused = await preflight('ci');
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('revoked');
  });

  it('match every route with Hono’s RegExpRouter (one route pattern it cannot take sends all to the Trie router)', async () => {
    expect((await preflight()).status).toBe(200);
    expect(server.server.app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('keep every header and every field of the request log line', async () => {
    lines.length = 0;
    const r = await preflight('operator');
    expect(r.status).toBe(200);
    const h = r.headers;
    expect(h.get('content-type')).toBe('application/json');
    expect(h.get('content-length')).toBe(String(Buffer.byteLength(r.text)));
    expect(h.get('cache-control')).toBe('no-store');
    expect(h.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    expect(h.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.get('content-security-policy')).toContain("style-src 'none'");
    expect(h.get('x-frame-options')).toBe(SECURE_HEADERS_OPTIONS.xFrameOptions);
    expect(h.get('referrer-policy')).toBe(SECURE_HEADERS_OPTIONS.referrerPolicy);
    expect(h.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(h.get('permissions-policy')).toBe('camera=(), microphone=(), geolocation=()');
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toEqual({
      time: new Date(clock).toISOString(),
      level: 'info',
      msg: 'request',
      id: h.get('x-request-id'),
      method: 'GET',
      path: '/api/v1/checklists/launch/preflight',
      route: '/api/v1/checklists/:id/preflight',
      status: 200,
      ms: expect.any(Number),
      ip: '127.0.0.1',
      token: 'operator',
    });
    // The query string (the caller's) and the token itself are never logged.
    expect(lines.join('')).not.toContain(tokens.operator);
    expect(lines.join('')).not.toContain('env=default');
  });

  it('let a page replace the CSP set before its handler (one header, with its style nonce)', async () => {
    const r = await fetch(`${server.url}/login`);
    const html = await r.text();
    const csp = r.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(csp).not.toContain("style-src 'none'");
    expect(csp.match(/default-src/g)).toHaveLength(1);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('count every request against the token rate limit, kept answer or not', async () => {
    const limited = await startInProcess({
      prefix: 'gonogo-preflight-limit-',
      files: { 'launch.md': '---\nid: launch\n---\n# Launch\n## Ops\n- [ ] Backups restored\n' },
      tokens: [{ name: 'operator', role: 'operator' }],
      logger: jsonLogger({ write: () => true }),
      config: { preflightCacheMs: 60_000, requestsPerMinute: 3 },
      now: () => new Date(clock),
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await fetch(`${limited.server.url}/api/v1/checklists/launch/preflight?env=default`, {
          headers: { authorization: `Bearer ${limited.tokens.operator}` },
        });
        await r.text();
        statuses.push(r.status);
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
