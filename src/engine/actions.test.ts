import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChecklist } from '../markdown/index.js';
import type { Checklist } from '../model/checklist.js';
import { ActionError, attest, parseExpiry, resolveEnvironment, signoff, waive } from './actions.js';
import type { Store } from './store.js';

const NOW = new Date('2026-11-20T10:00:00Z');
let dir: string;
let store: Store;
let checklist: Checklist;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gonogo-actions-'));
  // The real store (SQLite), loaded across layers only in this test.
  const { openStore } = await import('../store/index.js');
  store = await openStore(join(dir, 'db.sqlite'));
  checklist = readChecklist({
    file: join(dir, 'launch.md'),
    kinds: new Set(['http']),
    bytes: `---
id: launch
environments:
  staging: {}
  production: {}
policy:
  waiver_max_days: 10
  signoffs: [engineering]
---
# Launch
## Ops
- [ ] Backups tested
- [ ] RTO: ______
- [ ] Health
  \`\`\`check
  http: https://example.com/health
  \`\`\`
## Sign-Off
- [ ] Engineering Lead: ____ Date: ____
`,
  });
  await store.recordChecklist({ id: checklist.id, name: checklist.name, digest: checklist.digest }, 'test');
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const refused = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ActionError)
      return { code: err.code, field: err.field, message: err.message, notFound: err.notFound };
    throw err;
  }
  throw new Error('expected the action to be refused');
};

describe('attest', () => {
  it.each([
    [{ item: 'ops/nope', evidence: 'x' }, 'unknown-item', 'item', true],
    [{ item: 'ops/backups-tsted', evidence: 'x' }, 'unknown-item', 'item', true],
    [{ item: 'ops/health', evidence: 'x' }, 'has-check', 'item', false],
    [{ item: 'sign-off/engineering-lead', evidence: 'x' }, 'is-signoff', 'item', false],
    [{ item: 'ops/rto', evidence: 'x' }, 'needs-value', 'value', false],
    [{ item: 'ops/backups-tested', evidence: '  ' }, 'missing', 'evidence', false],
    [{ item: 'ops/backups-tested', evidence: 'x', validFor: 'soon' }, 'bad-duration', 'valid_for', false],
    [{ item: 'ops/backups-tested', evidence: 'x', environment: 'moon' }, 'unknown-environment', 'env', true],
  ])('refuses %j: %s on %s', async (input, code, field, notFound) => {
    const r = await refused(attest(store, { checklist, by: 'ana', ...input }, NOW));
    expect(r).toMatchObject({ code, field, notFound });
  });

  it('suggests close item ids', async () => {
    const r = await refused(
      attest(store, { checklist, item: 'ops/backups-tsted', evidence: 'x', by: 'ana' }, NOW),
    );
    expect(r.message).toContain('did you mean ops/backups-tested');
  });

  it('stores an attestation by id or title, with value and expiry, that the state then holds', async () => {
    const a = await attest(
      store,
      {
        checklist,
        environment: 'production',
        item: 'RTO: ______',
        evidence: 'runbook',
        value: '4h',
        validFor: '90d',
        by: 'ana',
      },
      NOW,
    );
    expect(a).toMatchObject({
      item: 'ops/rto',
      value: '4h',
      environment: 'production',
      expiresAt: '2027-02-18T10:00:00.000Z',
    });
    const state = await store.loadState('launch', 'production');
    expect(state.attestations.map((x) => x.item)).toContain('ops/rto');
    const first = await attest(
      store,
      { checklist, item: 'ops/backups-tested', evidence: 'drill', by: 'ana' },
      NOW,
    );
    expect(first.environment).toBe('staging');
  });
});

describe('waive and parseExpiry', () => {
  it.each([
    ['7d', '2026-11-27T10:00:00.000Z'],
    ['10d', '2026-11-30T10:00:00.000Z'],
    ['2026-11-30', '2026-11-30T23:59:59.999Z'],
    ['2026-11-25T12:00:00Z', '2026-11-25T12:00:00.000Z'],
  ])('accepts %s -> %s (limit 10 days)', (text, iso) => {
    expect(parseExpiry(text, 10, NOW)).toBe(iso);
  });

  it.each([
    ['11d', 'waiver-too-long'],
    ['2026-12-01', 'waiver-too-long'],
    ['2026-11-19', 'expiry-past'],
    ['0d', 'expiry-past'],
    ['next week', 'bad-expiry'],
    ['2026-13-45', 'bad-expiry'],
  ])('refuses %s: %s', (text, code) => {
    expect(() => parseExpiry(text, 10, NOW)).toThrow(expect.objectContaining({ code, field: 'expires' }));
  });

  it('names the policy limit and grants a waiver within it', async () => {
    const r = await refused(
      waive(
        store,
        { checklist, item: 'ops/health', reason: 'vendor', owner: 'sre', expires: '20d', by: 'lee' },
        NOW,
      ),
    );
    expect(r.message).toContain('waiver_max_days is 10');
    const w = await waive(
      store,
      { checklist, item: 'ops/health', reason: 'vendor', owner: 'sre', expires: '5d', by: 'lee' },
      NOW,
    );
    expect(w).toMatchObject({ item: 'ops/health', expiresAt: '2026-11-25T10:00:00.000Z', by: 'lee' });
    expect((await store.listWaivers('launch')).map((x) => x.item)).toContain('ops/health');
  });
});

describe('signoff', () => {
  it('refuses a role the checklist does not require and binds the digest', async () => {
    const r = await refused(signoff(store, { checklist, role: 'product', by: 'kim' }, NOW));
    expect(r).toMatchObject({ code: 'unknown-role', field: 'role', notFound: false });
    expect(r.message).toContain('engineering');
    const s = await signoff(
      store,
      { checklist, environment: 'production', role: 'engineering', by: 'kim' },
      NOW,
    );
    expect(s.digest).toBe(checklist.digest);
  });

  it('resolves the environment: the first by default, the named one, or a refusal listing the known ones', () => {
    expect(resolveEnvironment(checklist, undefined)).toBe('staging');
    expect(resolveEnvironment(checklist, 'production')).toBe('production');
    expect(() => resolveEnvironment(checklist, 'prod')).toThrow(/known: staging, production/);
  });
});
