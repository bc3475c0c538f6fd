import { describe, expect, it } from 'vitest';
import { hashToken } from '../src/server/index.js';
import { useApi } from './api-support.js';

/**
 * Who may call what over the API (tokens, roles, sign-off roles, the limit on bad tokens), and what the
 * audit log keeps of those calls: its events are the ones the role tests' writes recorded.
 */

const { call, tokens } = useApi();

describe('authentication and roles', () => {
  it.each([
    ['no token', 401, undefined],
    ['an unknown token', 401, 'gng_nope'],
    ['a viewer token', 200, 'viewer'],
  ])('GET /checklists with %s answers %i', async (_what, status, who) => {
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
    ['runs', 'viewer', 'operator', { env: 'staging' }],
    [
      'attestations',
      'viewer',
      'operator',
      { env: 'staging', item: 'operations/backups-restored-in-a-drill', evidence: 'drill OPS-7' },
    ],
    [
      'waivers',
      'operator',
      'eng-approver',
      {
        env: 'staging',
        item: 'operations/health-endpoint-answers',
        reason: 'vendor',
        owner: 'sre',
        expires: '7d',
      },
    ],
    ['signoffs', 'operator', 'eng-approver', { env: 'staging', role: 'engineering' }],
  ])('POST %s: %s gets 403, %s gets 201', async (route, refused, allowed, body) => {
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
