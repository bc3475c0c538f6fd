import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { readChecklist } from '../markdown/index.js';
import type { Checklist } from '../model/checklist.js';
import { perBlock, perTest, sqliteBackend } from '../store/test-support/backends.js';
import { ActionError } from './action-error.js';
import { type Actor, personActor, serviceActor, tokenActor } from './actor.js';
import { attest } from './attest.js';
import type { UseCaseContext } from './context.js';
import { evaluateStored } from './evaluate.js';
import { resolveEnvironment } from './lookup.js';
import { runChecks } from './run.js';
import { signoff } from './signoff.js';
import { type StateChange, StateSignal } from './state-signal.js';
import { actorFromToken, createToken, listTokens, revokeToken } from './token.js';
import { parseExpiry, waive } from './waive.js';

const NOW = new Date('2026-11-20T10:00:00Z');
let dir: string;
let store: Store;
let checklist: Checklist;
let ctx: UseCaseContext;
const changes: StateChange[] = [];
const ana = personActor('ana');

// The real store (SQLite), loaded across layers only in this test.
const shared = perBlock(sqliteBackend.make);
beforeAll(async () => {
  const made = await shared.store('usecases');
  ({ dir } = made.backend);
  store = made.store;
  const signal = new StateSignal();
  signal.subscribe((c) => changes.push(c));
  ctx = { store, now: () => NOW, changes: signal };
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
});

const refused = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ActionError)
      return { code: err.code, field: err.field, message: err.message, status: err.status };
    throw err;
  }
  throw new Error('expected the use case to be refused');
};

const token = (role: Actor['role'], signoffRoles: string[] = []): Actor =>
  tokenActor({ name: `${role}-bot`, role, signoffRoles });

describe('the first state change records the digest, stamped by the clock; a refusal writes nothing', () => {
  it('appends nothing for a refused attestation, then checklist.imported before item.attested', async () => {
    await refused(attest(ctx, ana, { checklist, item: 'ops/nope', evidence: 'x' }));
    expect(await store.listAudit({ after: 0 })).toEqual([]);
    await attest(ctx, ana, { checklist, item: 'ops/backups-tested', evidence: 'drill' });
    const events = await store.listAudit({ after: 0 });
    expect(events.map((e) => [e.type, e.actor, e.at])).toEqual([
      ['checklist.imported', 'ana', NOW.toISOString()],
      ['item.attested', 'ana', NOW.toISOString()],
    ]);
  });
});

describe('run', () => {
  const fresh = perTest(sqliteBackend.make);

  it('records the digest and the run under the trigger, both stamped by the clock, and announces the run', async () => {
    const { store: own } = await fresh.store('usecases_run');
    const seen: StateChange[] = [];
    const signal = new StateSignal();
    signal.subscribe((c) => seen.push(c));
    const noKinds = { get: () => undefined, names: () => [] };
    const { run } = await runChecks({ store: own, now: () => NOW, changes: signal }, ana, {
      checklist: { ...checklist, items: checklist.items.filter((i) => !i.check) },
      environment: 'production',
      registry: noKinds,
      env: {},
      baseDir: dir,
      trigger: 'cli',
    });
    expect(run.trigger).toBe('cli');
    const events = await own.listAudit({ after: 0 });
    expect(events.map((e) => [e.type, e.actor, e.at])).toEqual([
      ['checklist.imported', 'cli', NOW.toISOString()],
      ['run.completed', 'cli', NOW.toISOString()],
    ]);
    expect(seen).toEqual([{ type: 'run.completed', checklist: 'launch', environment: 'production' }]);
    const refused = runChecks({ store: own, now: () => NOW }, token('viewer'), {
      checklist,
      registry: noKinds,
      env: {},
      baseDir: dir,
    });
    await expect(refused).rejects.toMatchObject({ code: 'role-too-low', status: 403 });
  });
});

describe('attest', () => {
  it.each([
    [{ item: 'ops/nope', evidence: 'x' }, 'unknown-item', 'item', 404],
    [{ item: 'ops/backups-tsted', evidence: 'x' }, 'unknown-item', 'item', 404],
    [{ item: 'ops/health', evidence: 'x' }, 'has-check', 'item', 400],
    [{ item: 'sign-off/engineering-lead', evidence: 'x' }, 'is-signoff', 'item', 400],
    [{ item: 'ops/rto', evidence: 'x' }, 'needs-value', 'value', 400],
    [{ item: 'ops/backups-tested', evidence: '  ' }, 'missing', 'evidence', 400],
    [{ item: 'ops/backups-tested', evidence: 'x', validFor: 'soon' }, 'bad-duration', 'valid_for', 400],
    [{ item: 'ops/backups-tested', evidence: 'x', environment: 'moon' }, 'unknown-environment', 'env', 404],
  ])('refuses %j: %s on %s (HTTP %i)', async (input, code, field, status) => {
    const r = await refused(attest(ctx, ana, { checklist, ...input }));
    expect(r).toMatchObject({ code, field, status });
  });

  it('suggests close item ids', async () => {
    const r = await refused(attest(ctx, ana, { checklist, item: 'ops/backups-tsted', evidence: 'x' }));
    expect(r.message).toContain('did you mean ops/backups-tested');
  });

  it('stores an attestation by id or title, with value and expiry, and announces it', async () => {
    changes.length = 0;
    const a = await attest(ctx, ana, {
      checklist,
      environment: 'production',
      item: 'RTO: ______',
      evidence: 'runbook',
      value: '4h',
      validFor: '90d',
    });
    expect(a).toMatchObject({
      item: 'ops/rto',
      value: '4h',
      by: 'ana',
      environment: 'production',
      expiresAt: '2027-02-18T10:00:00.000Z',
    });
    expect(changes).toEqual([{ type: 'item.attested', checklist: 'launch', environment: 'production' }]);
    const state = await store.loadState('launch', 'production');
    expect(state.attestations.map((x) => x.item)).toContain('ops/rto');
  });
});

describe('permission: one order for every door', () => {
  const so = (role: string) => ({ action: 'signoff' as const, checklist, role });
  it.each([
    ['a viewer token attesting', token('viewer'), () => ({ action: 'attest' as const }), 'role-too-low', 403],
    [
      'an operator token waiving',
      token('operator'),
      () => ({ action: 'waive' as const }),
      'role-too-low',
      403,
    ],
    [
      'an operator token signing off',
      token('operator', ['engineering']),
      () => so('engineering'),
      'role-too-low',
      403,
    ],
    [
      'an approver, role not required',
      token('approver', ['engineering']),
      () => so('product'),
      'unknown-role',
      400,
    ],
    [
      'an approver, role not held',
      token('approver', ['security']),
      () => so('engineering'),
      'signoff-role-not-held',
      403,
    ],
    ['a viewer, role not required', token('viewer'), () => so('product'), 'role-too-low', 403],
    ['the service signing off', serviceActor('scheduler'), () => so('engineering'), 'role-too-low', 403],
    [
      'an approver creating a token',
      token('approver'),
      () => ({ action: 'create-token' as const }),
      'role-too-low',
      403,
    ],
  ])('refuses %s', async (_what, actor, wanted, code, status) => {
    const { authorize } = await import('./permission.js');
    let caught: unknown;
    try {
      authorize(actor, wanted());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ActionError);
    expect(caught).toMatchObject({ code, status });
  });

  it('names the token and the roles it holds', async () => {
    const r = await refused(
      signoff(ctx, token('approver', ['security']), { checklist, role: 'engineering' }),
    );
    expect(r).toMatchObject({
      field: 'role',
      message: 'token "approver-bot" may not sign off as engineering (its sign-off roles: security)',
    });
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
    const input = { checklist, item: 'ops/health', reason: 'vendor', owner: 'sre' };
    const r = await refused(waive(ctx, personActor('lee'), { ...input, expires: '20d' }));
    expect(r.message).toContain('waiver_max_days is 10');
    const w = await waive(ctx, personActor('lee'), { ...input, expires: '5d' });
    expect(w).toMatchObject({ item: 'ops/health', expiresAt: '2026-11-25T10:00:00.000Z', by: 'lee' });
    expect((await store.listWaivers('launch')).map((x) => x.item)).toContain('ops/health');
  });
});

describe('signoff and the stored verdict', () => {
  it('refuses a role the checklist does not require, binds the digest, and the stored verdict counts it', async () => {
    const r = await refused(signoff(ctx, ana, { checklist, role: 'product' }));
    expect(r).toMatchObject({ code: 'unknown-role', field: 'role', status: 400 });
    expect(r.message).toContain('engineering');
    const before = await evaluateStored(ctx, { checklist, environment: 'production' });
    expect(before.evaluation.reasons.map((x) => x.code)).toContain('signoff-missing');
    const s = await signoff(ctx, ana, { checklist, environment: 'production', role: 'engineering' });
    expect(s.digest).toBe(checklist.digest);
    const after = await evaluateStored(ctx, { checklist, environment: 'production' });
    expect(after.evaluation.reasons.map((x) => x.code)).not.toContain('signoff-missing');
    expect(after.report).toMatchObject({ environment: 'production', at: NOW.toISOString() });
    expect(after.latest).toBeUndefined();
  });

  it('resolves the environment: the first by default, the named one, or a refusal listing the known ones', () => {
    expect(resolveEnvironment(checklist, undefined)).toBe('staging');
    expect(resolveEnvironment(checklist, 'production')).toBe('production');
    expect(() => resolveEnvironment(checklist, 'prod')).toThrow(/known: staging, production/);
  });
});

describe('tokens', () => {
  it.each([
    [{ name: 'x', role: 'root', signoffRoles: [] }, 'bad-token-role', 'role'],
    [{ name: 'x', role: 'operator', signoffRoles: ['security'] }, 'bad-token-role', 'signoff-roles'],
    [{ name: ' ', role: 'viewer', signoffRoles: [] }, 'missing', 'name'],
  ])('refuses %j: %s on %s', async (input, code, field) => {
    expect(await refused(createToken(ctx, ana, input))).toMatchObject({ code, field });
  });

  it('creates a token that then acts with its role, and refuses an unknown one without echoing it', async () => {
    const { token: secret, record } = await createToken(ctx, ana, {
      name: 'release',
      role: 'approver',
      signoffRoles: ['engineering', ' '],
    });
    expect(record).toMatchObject({ name: 'release', role: 'approver', signoffRoles: ['engineering'] });
    expect(await actorFromToken(ctx, secret)).toEqual({
      name: 'release',
      person: 'release',
      role: 'approver',
      signoffRoles: ['engineering'],
      via: 'token',
    });
    const r = await refused(actorFromToken(ctx, 'gng_guess'));
    expect(r).toMatchObject({ code: 'unknown-token', field: 'token' });
    expect(r.message).not.toContain('gng_guess');
  });

  it('names the person, refuses the token once revoked or expired, and audits both changes', async () => {
    const { token: secret, record } = await createToken(ctx, ana, {
      name: 'bo-laptop',
      role: 'approver',
      signoffRoles: ['engineering'],
      person: 'Bo Berg',
      expires: '30d',
    });
    expect(record).toMatchObject({ person: 'Bo Berg', expiresAt: '2026-12-20T10:00:00.000Z' });
    expect((await actorFromToken(ctx, secret)).person).toBe('Bo Berg');
    const later = { ...ctx, now: () => new Date('2026-12-21T00:00:00Z') };
    expect((await refused(actorFromToken(later, secret))).message).toBe(
      'token "bo-laptop" expired at 2026-12-20T10:00:00.000Z; ask an admin for a new one',
    );
    await revokeToken(ctx, ana, 'bo-laptop');
    expect(changes.at(-1)).toEqual({ type: 'token.revoked' });
    const r = await refused(actorFromToken(ctx, secret));
    expect(r).toMatchObject({ code: 'token-revoked', status: 401 });
    expect(r.message).toBe(
      'token "bo-laptop" was revoked at 2026-11-20T10:00:00.000Z; ask an admin for a new one',
    );
    expect((await listTokens(ctx, ana)).find((t) => t.name === 'bo-laptop')?.revokedAt).toBe(
      '2026-11-20T10:00:00.000Z',
    );
    const types = (await store.listAudit({ after: 0, limit: 1000 })).map((e) => e.type);
    expect(types).toContain('token.revoked');
    expect((await refused(revokeToken(ctx, ana, 'nobody'))).code).toBe('unknown-token');
    expect((await refused(listTokens(ctx, tokenActor(record)))).code).toBe('role-too-low');
  });
});
