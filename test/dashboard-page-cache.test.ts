import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/app/serve.js';
import { type InProcessServer, login as loginAt, startInProcess } from './server-support.js';

/**
 * The dashboard's render cache (page-cache.ts). Pages are kept for a whole day here, so only the
 * cache's invalidation can make a change show: a write through the API or the dashboard, and an
 * expiry reached by the (injected) clock. Viewers with different roles, and sessions of the same
 * token, each get their own forms, CSRF token and nonce.
 */

let server: RunningServer;
let tokens: Record<string, string>;
let clock = Date.parse('2026-11-20T10:00:00Z');

const CHECKLIST = `---
id: launch
name: Payments launch
policy:
  waiver_max_days: 30
  signoffs: [security]
---
# Payments launch
## Operations
- [ ] Backups restored in a drill
- [ ] On-call rota published
- [ ] Runbook reviewed
## Sign-Off
- [ ] Security Lead: ____ Date: ____
`;

const BACKUPS = 'operations/backups-restored-in-a-drill';
const ROTA = 'operations/on-call-rota-published';
const RUNBOOK = 'operations/runbook-reviewed';

const login = (token: string) => loginAt(server.url, token);

/**
 * A page as a browser gets it (fetch takes gzip and inflates it) and, unless `once` (a flash shows
 * once), uncompressed as well: the two must be the same page but for the nonce.
 */
async function get(path: string, cookie: string, once = false): Promise<{ html: string; csp: string }> {
  const r = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  expect(r.status).toBe(200);
  const html = await r.text();
  if (!once) {
    expect(r.headers.get('content-encoding')).toBe('gzip');
    const plain = await fetch(`${server.url}${path}`, {
      headers: { cookie, 'accept-encoding': 'identity' },
      redirect: 'manual',
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainHtml = await plain.text();
    const nonceless = (h: string) => h.replace(/nonce="[^"]+"/, 'nonce=""');
    expect(nonceless(plainHtml)).toBe(nonceless(html));
  }
  return { html, csp: r.headers.get('content-security-policy') ?? '' };
}

const page = async (cookie: string) => (await get('/checklists/launch', cookie)).html;

/** The status an item shows on the page. */
function statusOf(html: string, item: string): string | undefined {
  return new RegExp(`data-item="${item}" data-status="([a-z]+)"`).exec(html)?.[1];
}

const csrfValues = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
const styleNonce = (html: string) => /<style nonce="([^"]+)"/.exec(html)?.[1];

async function api(path: string, token: string, body: unknown) {
  const r = await fetch(`${server.url}/api/v1/checklists/launch/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ env: 'default', ...(body as object) }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

/** Post a dashboard form as the session of `cookie`, with the CSRF token its page carries. */
async function form(cookie: string, action: string, fields: Record<string, string>) {
  const csrf = csrfValues(await page(cookie))[0]!;
  const r = await fetch(`${server.url}/checklists/launch/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, env: 'default', ...fields }).toString(),
  });
  expect(r.status).toBe(303);
  // The redirect's page shows the flash once; the page after it is the kept one again.
  const flash = await get(r.headers.get('location')!.replace(/#.*/, ''), cookie, true);
  expect(flash.html).toContain('role="status"');
}

let running: InProcessServer | undefined;

beforeAll(async () => {
  running = await startInProcess({
    prefix: 'gonogo-page-cache-',
    files: {
      'launch.md': CHECKLIST,
      'expiry.md': '---\nid: expiry\n---\n# Expiry\n## Ops\n- [ ] Load test passed\n- [ ] Pen test passed\n',
    },
    tokens: [
      { name: 'viewer', role: 'viewer' },
      { name: 'operator', role: 'operator' },
      { name: 'approver', role: 'approver', signoffRoles: ['security'] },
    ],
    config: { pageCacheMs: 86_400_000, preflightCacheMs: 86_400_000 },
    now: () => new Date(clock),
  });
  ({ server, tokens } = running);
});

afterAll(async () => {
  await running?.close();
});

describe('dashboard render cache', () => {
  it('shows an attestation, a waiver and a sign-off made through the API or the dashboard at once', async () => {
    const viewer = await login(tokens.viewer!);
    const operator = await login(tokens.operator!);
    const approver = await login(tokens.approver!);
    // Warm: the pages are kept from here on.
    expect(statusOf(await page(viewer), BACKUPS)).toBe('pending');
    expect(statusOf(await page(viewer), BACKUPS)).toBe('pending');
    const overview = (await get('/', viewer)).html;
    expect(overview).toContain('0 of 3 blocking items clear');

    await api('attestations', tokens.operator!, { item: BACKUPS, evidence: 'drill OPS-7' });
    const afterApi = await page(viewer);
    expect(statusOf(afterApi, BACKUPS)).toBe('pass');
    expect(afterApi).toContain('drill OPS-7');
    expect((await get('/', viewer)).html).toContain('1 of 3 blocking items clear');

    await form(operator, 'attest', { item: ROTA, evidence: 'rota in PagerDuty' });
    expect(statusOf(await page(viewer), ROTA)).toBe('pass');

    await form(approver, 'waive', { item: RUNBOOK, reason: 'vendor delay', owner: 'sre', expires: '7d' });
    expect(statusOf(await page(viewer), RUNBOOK)).toBe('waived');
    expect((await get('/', viewer)).html).toContain('3 of 3 blocking items clear');

    expect(await page(viewer)).toMatch(/data-role="security"[\s\S]*?awaiting sign-off/);
    await form(approver, 'signoff', { role: 'security' });
    const signed = await page(viewer);
    expect(signed).toMatch(/data-role="security"[\s\S]*?signed by approver/);
    expect(signed).toContain('data-verdict="GO"');
  });

  it('gives each role its own forms, and each session its own CSRF token and nonce', async () => {
    const approver = await login(tokens.approver!);
    const viewer = await login(tokens.viewer!);
    const viewer2 = await login(tokens.viewer!);
    const operator = await login(tokens.operator!);
    // The approver's page is rendered (and kept) first; the others must not get its forms or token.
    const a = await get('/checklists/launch', approver);
    const v = await get('/checklists/launch', viewer);
    const v2 = await get('/checklists/launch', viewer2);
    const o = await get('/checklists/launch', operator);
    expect(a.html).toContain('approver · approver');
    expect(v.html).toContain('viewer · viewer');
    expect(v.html).not.toContain('approver · approver');
    // Waiving is an approver's: the approver's page has the form, the others' pages do not.
    expect(a.html).toContain('action="/checklists/launch/waive"');
    expect(v.html).not.toContain('action="/checklists/launch/waive"');
    expect(o.html).not.toContain('action="/checklists/launch/waive"');
    // An operator may run checks, a viewer may not.
    expect(o.html).toContain('action="/checklists/launch/run"');
    expect(v.html).not.toContain('action="/checklists/launch/run"');

    const tokenOf = (html: string) => {
      const values = new Set(csrfValues(html));
      expect(values.size).toBe(1);
      return [...values][0]!;
    };
    const seen = [a, v, v2, o].map((p) => tokenOf(p.html));
    expect(new Set(seen).size).toBe(4);
    for (const p of [a, v, v2, o]) {
      const nonce = styleNonce(p.html)!;
      expect(p.csp).toContain(`style-src 'nonce-${nonce}'`);
    }
    expect(new Set([a, v, v2, o].map((p) => styleNonce(p.html))).size).toBe(4);
    const again = await get('/checklists/launch', viewer);
    expect(styleNonce(again.html)).not.toBe(styleNonce(v.html));
    expect(again.csp).toContain(`'nonce-${styleNonce(again.html)}'`);

    // The token on the kept page is the session's own: its form is accepted (logging out).
    const out = await fetch(`${server.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: viewer2, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: tokenOf(v2.html) }).toString(),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login');
    // Another session's token is refused.
    const refused = await fetch(`${server.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: viewer, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: tokenOf(a.html) }).toString(),
    });
    expect(refused.status).toBe(403);
  });

  it('shows a waiver expired right after its expiry, with the page kept', async () => {
    const viewer = await login(tokens.viewer!);
    const path = '/checklists/expiry';
    const item = 'ops/load-test-passed';
    const { html } = await get(path, viewer);
    expect(statusOf(html, item)).toBe('pending');
    const expiresAt = new Date(clock + 3_600_000).toISOString();
    const r = await fetch(`${server.url}/api/v1/checklists/expiry/waivers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.approver}`, 'content-type': 'application/json' },
      body: JSON.stringify({ env: 'default', item, reason: 'vendor', owner: 'sre', expires: expiresAt }),
    });
    expect(r.status).toBe(201);
    expect(statusOf((await get(path, viewer)).html, item)).toBe('waived');
    clock += 3_600_000 - 1;
    expect(statusOf((await get(path, viewer)).html, item)).toBe('waived');
    expect((await get('/', viewer)).html).toContain('1 of 2 blocking items clear');
    clock += 1;
    const expired = (await get(path, viewer)).html;
    expect(statusOf(expired, item)).toBe('pending');
    expect(expired).toContain('waiver-expired');
    expect((await get('/', viewer)).html).toContain('0 of 2 blocking items clear');
  });
});
