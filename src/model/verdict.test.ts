import { describe, expect, it } from 'vitest';
import type { Checklist, Item } from './checklist.js';
import type { Attestation, CheckOutcome, Signoff, Waiver } from './state.js';
import { checkSpec } from './test-support/check-spec.js';
import { decideChecklist, taskItem } from './test-support/decide-inputs.js';
import { decide, decideUntil, resolveDue, type VerdictInputs } from './verdict.js';

const NOW = new Date('2026-12-01T12:00:00Z');

const item = taskItem;
const check = checkSpec({ kind: 'http', target: 'http://x', line: 1, column: 1 });

const checklist = decideChecklist;

const base = { checklist: 'c', environment: 'default' };
const att = (item: string, over: Partial<Attestation> = {}): Attestation => ({
  ...base,
  item,
  evidence: 'seen it',
  by: 'ana',
  at: '2026-11-30T00:00:00Z',
  ...over,
});
const waiver = (item: string, expiresAt: string): Waiver => ({
  ...base,
  item,
  reason: 'vendor fix pending',
  owner: 'sre',
  by: 'boss',
  at: '2026-11-30T00:00:00Z',
  expiresAt,
});
const signoff = (role: string, digest = 'sha256:new'): Signoff => ({
  ...base,
  role,
  digest,
  by: `${role}-lead`,
  at: '2026-11-30T00:00:00Z',
});
const outcome = (item: string, status: CheckOutcome['status'], message = ''): CheckOutcome => ({
  item,
  status,
  message,
});

/** decide's inputs: nothing recorded, at NOW, but for `over`. */
function inputs(over: Partial<VerdictInputs> & { checklist: Checklist }): VerdictInputs {
  return {
    environment: 'default',
    outcomes: new Map(),
    attestations: [],
    waivers: [],
    signoffs: [],
    now: NOW,
    ...over,
  };
}

function run(over: Partial<VerdictInputs> & { checklist: Checklist }): ReturnType<typeof decide> {
  return decide(inputs(over));
}

describe('decide: item status', () => {
  const cases: {
    name: string;
    item: Item;
    outcome?: CheckOutcome;
    attestations?: Attestation[];
    waivers?: Waiver[];
    status: string;
    flags?: string[];
  }[] = [
    { name: 'manual, nothing recorded', item: item('a'), status: 'pending' },
    { name: 'manual, attested', item: item('a'), attestations: [att('a')], status: 'pass' },
    {
      name: 'manual, attestation expired',
      item: item('a'),
      attestations: [att('a', { expiresAt: '2026-11-30T12:00:00Z' })],
      status: 'pending',
      flags: ['attestation-expired'],
    },
    {
      name: 'manual, attestation still valid',
      item: item('a'),
      attestations: [att('a', { expiresAt: '2027-01-01T00:00:00Z' })],
      status: 'pass',
    },
    { name: 'checked in the document', item: item('a', { checked: true }), status: 'pass' },
    {
      name: 'field without value',
      item: item('a', { kind: 'field' }),
      attestations: [att('a')],
      status: 'pending',
    },
    {
      name: 'field with value',
      item: item('a', { kind: 'field' }),
      attestations: [att('a', { value: '4h' })],
      status: 'pass',
    },
    { name: 'check not run yet', item: item('a', { check }), status: 'pending' },
    { name: 'check passed', item: item('a', { check }), outcome: outcome('a', 'pass'), status: 'pass' },
    { name: 'check failed', item: item('a', { check }), outcome: outcome('a', 'fail'), status: 'fail' },
    {
      name: 'check with attestation still uses the check',
      item: item('a', { check }),
      outcome: outcome('a', 'fail'),
      attestations: [att('a')],
      status: 'fail',
    },
    {
      name: 'failed check, valid waiver',
      item: item('a', { check }),
      outcome: outcome('a', 'fail'),
      waivers: [waiver('a', '2026-12-05T00:00:00Z')],
      status: 'waived',
    },
    {
      name: 'failed check, expired waiver',
      item: item('a', { check }),
      outcome: outcome('a', 'error'),
      waivers: [waiver('a', '2026-12-01T00:00:00Z')],
      status: 'error',
      flags: ['waiver-expired'],
    },
    { name: 'skipped', item: item('a', { skip: 'no Redis here' }), status: 'skipped' },
  ];
  it.each(cases)('$name -> $status', (c) => {
    const ev = run({
      checklist: checklist([c.item]),
      outcomes: new Map(c.outcome ? [[c.outcome.item, c.outcome]] : []),
      attestations: c.attestations ?? [],
      waivers: c.waivers ?? [],
    });
    expect(ev.items[0]!.status).toBe(c.status);
    expect(ev.items[0]!.flags).toEqual(c.flags ?? []);
    expect(ev.summary[ev.items[0]!.status]).toBe(1);
  });
});

describe('decide: verdict', () => {
  it('GO when every blocking item passes and every sign-off is there', () => {
    const ev = run({
      checklist: checklist([item('a'), item('b', { blocking: false })], ['engineering']),
      attestations: [att('a')],
      signoffs: [signoff('engineering')],
    });
    expect(ev.verdict).toBe('GO');
    expect(ev.reasons).toEqual([]);
  });

  it('advisory items never block', () => {
    const ev = run({ checklist: checklist([item('a', { blocking: false })]) });
    expect(ev.verdict).toBe('GO');
    expect(ev.items[0]!.status).toBe('pending');
  });

  it('one reason per blocking item and per missing sign-off', () => {
    const ev = run({
      checklist: checklist([item('a'), item('b', { check })], ['engineering', 'security']),
      outcomes: new Map([['b', outcome('b', 'fail', 'status == 200 — got status=503')]]),
      signoffs: [signoff('engineering')],
    });
    expect(ev.verdict).toBe('NO-GO');
    expect(ev.reasons.map((r) => r.code)).toEqual(['item-pending', 'item-fail', 'signoff-missing']);
    expect(ev.reasons[1]!.message).toContain('got status=503');
    expect(ev.reasons[2]!.role).toBe('security');
  });

  it('a sign-off for another digest is stale, with a reason saying so', () => {
    const ev = run({ checklist: checklist([], ['security']), signoffs: [signoff('security', 'sha256:old')] });
    expect(ev.verdict).toBe('NO-GO');
    expect(ev.reasons[0]!.code).toBe('signoff-stale');
    expect(ev.reasons[0]!.message).toMatch(/changed/);
  });

  it('sign-offs of another environment do not count', () => {
    const ev = run({
      checklist: checklist([], ['security']),
      signoffs: [{ ...signoff('security'), environment: 'staging' }],
    });
    expect(ev.verdict).toBe('NO-GO');
  });

  it('sign-off slots take their status from sign-offs, without a second reason', () => {
    const slot = item('sign-off/engineering-lead', { kind: 'signoff', role: 'engineering' });
    const before = run({ checklist: checklist([slot], ['engineering']) });
    expect(before.items[0]!.status).toBe('pending');
    expect(before.reasons.map((r) => r.code)).toEqual(['signoff-missing']);
    const after = run({ checklist: checklist([slot], ['engineering']), signoffs: [signoff('engineering')] });
    expect(after.items[0]!.status).toBe('pass');
    expect(after.verdict).toBe('GO');
  });

  it('an expired waiver adds a flagged reason beside the item reason', () => {
    const ev = run({
      checklist: checklist([item('a', { check })]),
      outcomes: new Map([['a', outcome('a', 'fail')]]),
      waivers: [waiver('a', '2026-11-30T00:00:00Z')],
    });
    expect(ev.reasons.map((r) => r.code)).toEqual(['item-fail', 'waiver-expired']);
  });

  it('is deterministic: same inputs, same evaluation', () => {
    const inputs = {
      checklist: checklist([item('a'), item('b', { check })], ['x']),
      outcomes: new Map([['b', outcome('b', 'pass')]]),
      attestations: [att('a'), att('a', { at: '2026-11-29T00:00:00Z', evidence: 'older' })],
    };
    expect(run(inputs)).toEqual(run(inputs));
    expect(run(inputs).items[0]!.message).toContain('seen it');
  });
});

describe('due dates', () => {
  it('resolves offsets from launch and flags overdue items', () => {
    const due = { offsetDays: 14, fromDays: 0, source: 'heading' as const, text: '0–14 Gün (P0)' };
    const it14 = item('a', { due });
    expect(resolveDue(it14, '2026-11-01')).toBe('2026-11-15');
    const ev = run({ checklist: checklist([it14, item('b', { due, checked: true })]) });
    expect(ev.items[0]!.overdue).toBe(true);
    expect(ev.items[1]!.overdue).toBe(false);
    expect(ev.items[0]!.due).toBe('2026-11-15');
  });

  it('absolute dates win and no launch means no resolved offset', () => {
    expect(
      resolveDue(
        item('a', { due: { date: '2027-01-02', source: 'annotation', text: '2027-01-02' } }),
        undefined,
      ),
    ).toBe('2027-01-02');
    expect(
      resolveDue(item('a', { due: { offsetDays: 3, source: 'annotation', text: '+3d' } }), undefined),
    ).toBeNull();
  });
});

describe('phases', () => {
  const post = (id: string, over: Partial<Item> = {}) => item(id, { phase: 'post-launch', ...over });
  const launching = (items: Item[], launch: string) => ({ ...checklist(items), launch });

  it('a post-launch item never blocks and never appears in reasons, before or after launch', () => {
    for (const launch of ['2026-12-20', '2026-11-01']) {
      const e = decide(
        inputs({
          checklist: launching(
            [
              item('a', { checked: true }),
              post('p', { due: { offsetDays: 7, source: 'heading', text: 'First Week' } }),
            ],
            launch,
          ),
        }),
      );
      expect(e.verdict).toBe('GO');
      expect(e.reasons).toEqual([]);
      expect(e.afterLaunch).toEqual(['p']);
      expect(e.items[1]).toMatchObject({
        phase: 'post-launch',
        status: 'pending',
        overdue: launch === '2026-11-01',
      });
      expect(e.launched).toBe(launch === '2026-11-01');
    }
  });

  it('a recurring item is due one period after launch, then one period after its attestation', () => {
    const weekly = post('w', { recurs: '7d' });
    const c = launching([weekly], '2026-11-20');
    expect(decide(inputs({ checklist: c })).items[0]).toMatchObject({
      due: '2026-11-27',
      overdue: true,
      recurs: '7d',
    });
    const notes = att('w', { at: '2026-11-28T09:00:00.000Z' });
    expect(decide({ ...inputs({ checklist: c }), attestations: [notes] }).items[0]).toMatchObject({
      status: 'pass',
      due: '2026-12-05',
      overdue: false,
    });
    const later = {
      ...inputs({ checklist: c }),
      attestations: [notes],
      now: new Date('2026-12-07T00:00:00Z'),
    };
    expect(decide(later).items[0]).toMatchObject({ status: 'pending', due: '2026-12-05', overdue: true });
  });
});

describe('decideUntil: the evaluation is the same at every instant before it, and differs at it', () => {
  const HOUR = 3_600_000;
  const at = (ms: number) => new Date(ms).toISOString();
  const launching = (items: Item[]) => ({ ...checklist(items), launch: '2026-12-02' });
  const same = (input: VerdictInputs, t: number) => JSON.stringify(decide({ ...input, now: new Date(t) }));

  it('is the earliest expiry of a waiver or an attestation, recurring periods included', () => {
    const input = inputs({
      checklist: launching([item('a'), item('b'), item('r', { recurs: '1d' })]),
      waivers: [waiver('a', at(NOW.getTime() + 3 * HOUR))],
      attestations: [
        att('b', { expiresAt: at(NOW.getTime() + 5 * HOUR) }),
        // A day's period from 22 hours ago: it lapses in 2 hours, before the others.
        att('r', { at: at(NOW.getTime() - 22 * HOUR) }),
      ],
    });
    const next = decideUntil(input).until;
    expect(next).toBe(NOW.getTime() + 2 * HOUR);
    expect(same(input, next - 1)).toBe(same(input, NOW.getTime()));
    expect(same(input, next)).not.toBe(same(input, NOW.getTime()));
  });

  it('is the due date or the launch day when nothing expires sooner', () => {
    const input = inputs({
      checklist: launching([
        item('a', { due: { date: '2026-12-01', source: 'annotation', text: 'due: 2026-12-01' } }),
      ]),
    });
    const next = decideUntil(input).until;
    expect(next).toBe(Date.parse('2026-12-02T00:00:00Z'));
    expect(same(input, next - 1)).toBe(same(input, NOW.getTime()));
    // At midnight the item is overdue and the launch day has come.
    const after = decide({ ...input, now: new Date(next) });
    expect(after.items[0]!.overdue).toBe(true);
    expect(after.launched).toBe(true);
  });

  it('ignores what has lapsed already', () => {
    const input = inputs({
      checklist: launching([item('a')]),
      waivers: [waiver('a', at(NOW.getTime() - HOUR))],
    });
    expect(decideUntil(input).until).toBe(Date.parse('2026-12-02T00:00:00Z'));
  });
});
