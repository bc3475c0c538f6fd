import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { readChecklist } from '../markdown/index.js';
import type { Checklist } from '../model/checklist.js';
import { perTest, sqliteBackend } from '../store/test-support/backends.js';
import { ActionError } from './action-error.js';
import { personActor, tokenActor } from './actor.js';
import { attest } from './attest.js';
import type { UseCaseContext } from './context.js';
import { evaluateStored } from './evaluate.js';
import { signoff } from './signoff.js';
import { createToken } from './token.js';
import { waive } from './waive.js';

/** The sign-off policy of DESIGN.md "Sign-off policy", over the real store (SQLite), one store per case. */

const NOW = new Date('2026-11-20T10:00:00Z');
let dir: string;
let store: Store;
let ctx: UseCaseContext;

const checklistWith = (policy: string): Checklist =>
  readChecklist({
    file: join(dir, 'launch.md'),
    kinds: new Set(),
    bytes: `---
id: launch
environments:
  production: {}
policy:
  signoffs: [engineering, security]
${policy}
---
# Launch
## Ops
- [ ] Backups tested
- [ ] Runbook reviewed
`,
  });

// The real store (SQLite), fresh for each test.
const fresh = perTest(sqliteBackend.make);
beforeEach(async () => {
  const made = await fresh.store('signoff_policy');
  ({ dir } = made.backend);
  store = made.store;
  ctx = { store, now: () => NOW };
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ActionError) return { code: err.code, status: err.status, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
};

const env = { environment: 'production' };
const attestAll = async (checklist: Checklist) => {
  for (const item of ['ops/backups-tested', 'ops/runbook-reviewed'])
    await attest(ctx, personActor('ops-olu'), { checklist, item, evidence: 'done', ...env });
};

describe('sign-off policy', () => {
  it('records the person (a token’s person) and the evidence digest seen when signing', async () => {
    const checklist = checklistWith('');
    const { record } = await createToken(ctx, personActor('admin'), {
      name: 'bo-laptop',
      role: 'approver',
      signoffRoles: ['security'],
      person: 'Bo Berg',
    });
    const { evaluation } = await evaluateStored(ctx, { checklist, ...env });
    const s = await signoff(ctx, tokenActor(record), { checklist, role: 'security', ...env });
    expect(s).toMatchObject({ by: 'bo-laptop', person: 'Bo Berg', evidence: evaluation.evidence });
    expect(s.evidence).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { report } = await evaluateStored(ctx, { checklist, ...env });
    expect(report.signoffs.find((x) => x.role === 'security')).toMatchObject({
      by: 'bo-laptop',
      person: 'Bo Berg',
      evidence: s.evidence,
      current_evidence: true,
    });
  });

  it('without a policy, a sign-off on different evidence still counts and the report says so', async () => {
    const checklist = checklistWith('');
    await signoff(ctx, personActor('eve'), { checklist, role: 'engineering', ...env });
    await signoff(ctx, personActor('sam'), { checklist, role: 'security', ...env });
    await attestAll(checklist);
    const { report } = await evaluateStored(ctx, { checklist, ...env });
    expect(report.verdict).toBe('GO');
    expect(report.signoffs.map((s) => [s.role, s.person, s.current_evidence])).toEqual([
      ['engineering', 'eve', false],
      ['security', 'sam', false],
    ]);
    expect(report.reasons.map((r) => r.message)).toContain(
      'sign-off for engineering by eve was signed on different evidence (it still counts; policy.resign_on_change would require signing again)',
    );
  });

  it('with resign_on_change, a sign-off on different evidence is stale and a reason names it', async () => {
    const checklist = checklistWith('  resign_on_change: true');
    await signoff(ctx, personActor('eve'), { checklist, role: 'engineering', ...env });
    await attestAll(checklist);
    await signoff(ctx, personActor('sam'), { checklist, role: 'security', ...env });
    const { report } = await evaluateStored(ctx, { checklist, ...env });
    expect(report.verdict).toBe('NO-GO');
    expect(report.reasons.map((r) => r.message)).toEqual([
      'sign-off for engineering by eve is stale: signed on different evidence, and policy.resign_on_change requires signing again',
    ]);
    expect(report.signoffs[0]).toMatchObject({ stale: true, current_evidence: false });
    await signoff(ctx, personActor('eve'), { checklist, role: 'engineering', ...env });
    expect((await evaluateStored(ctx, { checklist, ...env })).report.verdict).toBe('GO');
  });

  it('with signoff_when: ready, refuses a sign-off while items other than sign-offs block GO', async () => {
    const checklist = checklistWith('  signoff_when: ready');
    const r = await refusal(signoff(ctx, personActor('eve'), { checklist, role: 'engineering', ...env }));
    expect(r).toEqual({
      code: 'signoff-not-ready',
      status: 409,
      message:
        'launch (production) is not ready for sign-off: 2 items block GO besides sign-offs (ops/backups-tested, ops/runbook-reviewed); policy.signoff_when: ready takes sign-offs once only sign-offs remain',
    });
    expect(await store.listAudit({ after: 0 })).toEqual([]);
    await attestAll(checklist);
    await signoff(ctx, personActor('eve'), { checklist, role: 'engineering', ...env });
  });

  it('with distinct_signers, refuses one person’s second role and a sign-off where they granted a waiver', async () => {
    const checklist = checklistWith('  distinct_signers: true');
    await signoff(ctx, personActor('eve'), { checklist, role: 'engineering', ...env });
    expect(await refusal(signoff(ctx, personActor('eve'), { checklist, role: 'security', ...env }))).toEqual({
      code: 'same-signer',
      status: 403,
      message:
        'eve already signed off as engineering; policy.distinct_signers needs another person for security',
    });
    // A waiver granted through a token counts as its person's.
    const { record } = await createToken(ctx, personActor('admin'), {
      name: 'sam-ci',
      role: 'approver',
      signoffRoles: ['security'],
      person: 'sam',
    });
    await waive(ctx, tokenActor(record), {
      checklist,
      item: 'ops/backups-tested',
      reason: 'vendor',
      owner: 'ops',
      expires: '5d',
      ...env,
    });
    const r = await refusal(signoff(ctx, personActor('sam'), { checklist, role: 'security', ...env }));
    expect(r.message).toBe(
      'sam granted the waiver of ops/backups-tested; policy.distinct_signers needs another person to sign off as security',
    );
    await signoff(ctx, personActor('kim'), { checklist, role: 'security', ...env });
  });
});
