import { describe, expect, it } from 'vitest';
import type { Checklist, Item } from '../model/checklist.js';
import type { CheckOutcome, Waiver } from '../model/state.js';
import { checkSpec } from '../model/test-support/check-spec.js';
import { taskItem } from '../model/test-support/decide-inputs.js';
import { decide } from '../model/verdict.js';
import { deriveEvents, eventId, isoWeek, type WatchSnapshot, wants } from './events.js';

/** A task whose id is `section/title`. */
const item = (id: string, extra: Partial<Item> = {}): Item =>
  taskItem(id, { title: id.split('/')[1]!, section: [id.split('/')[0]!], ...extra });

const check = checkSpec({ kind: 'http', target: 'https://x', line: 2, column: 3 });
const checklist: Checklist = {
  id: 'launch',
  name: 'Launch',
  digest: 'sha256:1',
  launch: '2026-01-01',
  environments: {},
  policy: { waiver_max_days: 30, signoffs: [] },
  notify: [],
  sections: [],
  items: [
    item('ops/api', { check }),
    item('ops/db', { check }),
    item('ops/backup', { checked: true, due: { offsetDays: 14, source: 'annotation', text: '+14d' } }),
  ],
  signoffs: [],
  warnings: [],
};

function evaluate(
  statuses: Record<string, CheckOutcome['status']>,
  opts: { now: string; waivers?: Waiver[]; unchecked?: boolean },
) {
  const outcomes = new Map(Object.entries(statuses).map(([i, status]) => [i, { item: i, status }]));
  const c = opts.unchecked
    ? { ...checklist, items: checklist.items.map((i) => ({ ...i, checked: false })) }
    : checklist;
  return decide({
    checklist: c,
    environment: 'default',
    outcomes,
    attestations: [],
    waivers: opts.waivers ?? [],
    signoffs: [],
    now: new Date(opts.now),
  });
}

const NOW = '2026-01-07T12:00:00Z'; // a Wednesday, week 2026-W02
const base: WatchSnapshot = {
  verdict: 'GO',
  failing: [],
  overdue: [],
  expiring: [],
  expired: [],
  digestWeek: '2026-W02',
  digestFailing: [],
};

describe('deriveEvents', () => {
  it.each([
    {
      name: 'a verdict change and the newly failing item',
      previous: base,
      statuses: { 'ops/api': 'fail', 'ops/db': 'pass' } as const,
      expected: ['verdict.changed', 'item.failing'],
    },
    {
      name: 'nothing when nothing changed',
      previous: { ...base, verdict: 'NO-GO', failing: ['ops/api'] } as WatchSnapshot,
      statuses: { 'ops/api': 'fail', 'ops/db': 'pass' } as const,
      expected: [],
    },
    {
      name: 'only the item that newly fails (error counts as failing)',
      previous: { ...base, verdict: 'NO-GO', failing: ['ops/api'] } as WatchSnapshot,
      statuses: { 'ops/api': 'fail', 'ops/db': 'error' } as const,
      expected: ['item.failing'],
    },
    {
      name: 'a recovery changes the verdict back',
      previous: { ...base, verdict: 'NO-GO', failing: ['ops/api'] } as WatchSnapshot,
      statuses: { 'ops/api': 'pass', 'ops/db': 'pass' } as const,
      expected: ['verdict.changed'],
    },
    {
      name: 'the first evaluation is a baseline for the verdict but announces failing items',
      previous: undefined,
      statuses: { 'ops/api': 'fail', 'ops/db': 'pass' } as const,
      expected: ['item.failing'],
    },
  ])('$name', ({ previous, statuses, expected }) => {
    const { events } = deriveEvents({
      checklist,
      evaluation: evaluate(statuses, { now: NOW }),
      previous,
      previousVersion: 4,
      now: new Date(NOW),
    });
    expect(events.map((e) => e.event)).toEqual(expected);
  });

  it('carries the webhook payload fields: verdict, previous, reasons, items', () => {
    const { events } = deriveEvents({
      checklist,
      evaluation: evaluate({ 'ops/api': 'fail', 'ops/db': 'pass' }, { now: NOW }),
      previous: base,
      previousVersion: 4,
      now: new Date(NOW),
    });
    const changed = events[0]!;
    expect(changed).toMatchObject({
      event: 'verdict.changed',
      checklist: 'launch',
      environment: 'default',
      verdict: 'NO-GO',
      previous: 'GO',
      at: '2026-01-07T12:00:00.000Z',
    });
    expect(changed.reasons.join()).toContain('ops/api');
    expect(changed.items.map((i) => i.id)).toEqual(['ops/api']);
  });

  it('gives the same event the same id on every replica, and a later re-failure a new id', () => {
    const run = (version: number) =>
      deriveEvents({
        checklist,
        evaluation: evaluate({ 'ops/api': 'fail', 'ops/db': 'pass' }, { now: NOW }),
        previous: base,
        previousVersion: version,
        now: new Date(NOW),
      }).events.map((e) => e.id);
    expect(run(4)).toEqual(run(4));
    expect(run(5)[0]).not.toBe(run(4)[0]);
    expect(run(4)[0]).toBe(eventId('verdict.changed', 'launch', 'default', 'GO->NO-GO', '4'));
  });

  it('announces an item once when it becomes overdue', () => {
    const day20 = '2026-01-21T00:00:00Z';
    const evaluation = evaluate({ 'ops/api': 'pass', 'ops/db': 'pass' }, { now: day20, unchecked: true });
    const first = deriveEvents({
      checklist,
      evaluation,
      previous: base,
      previousVersion: 1,
      now: new Date(day20),
    });
    const overdue = first.events.find((e) => e.event === 'item.overdue');
    expect(overdue?.items).toEqual([expect.objectContaining({ id: 'ops/backup', due: '2026-01-15' })]);
    const again = deriveEvents({
      checklist,
      evaluation,
      previous: first.next,
      previousVersion: 2,
      now: new Date(day20),
    });
    expect(again.events.filter((e) => e.event === 'item.overdue')).toEqual([]);
  });

  describe('waivers', () => {
    const waiver: Waiver = {
      checklist: 'launch',
      environment: 'default',
      item: 'ops/api',
      reason: 'vendor outage',
      owner: 'sre',
      by: 'ana',
      at: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-10T00:00:00.000Z',
    };
    it.each([
      ['2026-01-05T00:00:00Z', []],
      ['2026-01-07T00:00:01Z', ['waiver.expiring']],
      ['2026-01-10T00:00:01Z', ['waiver.expired']],
    ])('at %s: %j', (now, expected) => {
      const evaluation = evaluate({ 'ops/api': 'fail', 'ops/db': 'pass' }, { now, waivers: [waiver] });
      const previous = { ...base, verdict: evaluation.verdict, failing: ['ops/api'] } as WatchSnapshot;
      const { events, next } = deriveEvents({
        checklist,
        evaluation,
        previous,
        previousVersion: 1,
        now: new Date(now),
      });
      const waiverEvents = events.filter((e) => e.event.startsWith('waiver.'));
      expect(waiverEvents.map((e) => e.event)).toEqual(expected);
      for (const e of waiverEvents) expect(e.waiver).toMatchObject({ item: 'ops/api', owner: 'sre' });
      // Said once: the next evaluation with the same state says nothing more about the waiver.
      const again = deriveEvents({
        checklist,
        evaluation,
        previous: next,
        previousVersion: 2,
        now: new Date(now),
      });
      expect(again.events.filter((e) => e.event.startsWith('waiver.'))).toEqual([]);
    });
  });

  describe('attestations', () => {
    // A weekly review attested with --valid-for 7d: announced once when it has 3 days or less left.
    const manual: Checklist = { ...checklist, items: [item('ops/weekly-review')] };
    const attestation = {
      checklist: 'launch',
      environment: 'default',
      item: 'ops/weekly-review',
      evidence: 'ops review 2026-01-03',
      by: 'ana',
      at: '2026-01-03T00:00:00.000Z',
      expiresAt: '2026-01-10T00:00:00.000Z',
    };
    it.each([
      ['2026-01-05T00:00:00Z', []],
      ['2026-01-07T00:00:01Z', ['attestation.expiring']],
      ['2026-01-10T00:00:01Z', []],
    ])('at %s: %j', (now, expected) => {
      const evaluation = decide({
        checklist: manual,
        environment: 'default',
        outcomes: new Map(),
        attestations: [attestation],
        waivers: [],
        signoffs: [],
        now: new Date(now),
      });
      const previous = { ...base, verdict: evaluation.verdict } as WatchSnapshot;
      const { events, next } = deriveEvents({
        checklist: manual,
        evaluation,
        previous,
        previousVersion: 1,
        now: new Date(now),
      });
      const found = events.filter((e) => e.event === 'attestation.expiring');
      expect(found.map((e) => e.event)).toEqual(expected);
      for (const e of found) {
        expect(e.attestation).toMatchObject({
          item: 'ops/weekly-review',
          by: 'ana',
          expires_at: attestation.expiresAt,
        });
      }
      const again = deriveEvents({
        checklist: manual,
        evaluation,
        previous: next,
        previousVersion: 2,
        now: new Date(now),
      });
      expect(again.events.filter((e) => e.event === 'attestation.expiring')).toEqual([]);
    });
  });

  describe('digest.weekly', () => {
    it('is sent once when a new ISO week starts, with new failures since the last digest', () => {
      const monday = '2026-01-12T08:00:00Z';
      const evaluation = evaluate({ 'ops/api': 'fail', 'ops/db': 'fail' }, { now: monday });
      const previous = {
        ...base,
        verdict: 'NO-GO',
        failing: ['ops/api', 'ops/db'],
        digestFailing: ['ops/api'],
      } as WatchSnapshot;
      const { events, next } = deriveEvents({
        checklist,
        evaluation,
        previous,
        previousVersion: 9,
        now: new Date(monday),
      });
      expect(events.map((e) => e.event)).toEqual(['digest.weekly']);
      expect(events[0]!.digest).toMatchObject({ week: '2026-W03', summary: { fail: 2 } });
      expect(events[0]!.digest!.new_failures.map((i) => i.id)).toEqual(['ops/db']);
      expect(next.digestWeek).toBe('2026-W03');
      const again = deriveEvents({
        checklist,
        evaluation,
        previous: next,
        previousVersion: 10,
        now: new Date(monday),
      });
      expect(again.events).toEqual([]);
    });

    it('is not sent on the first evaluation', () => {
      const { events, next } = deriveEvents({
        checklist,
        evaluation: evaluate({ 'ops/api': 'pass', 'ops/db': 'pass' }, { now: NOW }),
        previous: undefined,
        previousVersion: 0,
        now: new Date(NOW),
      });
      expect(events).toEqual([]);
      expect(next.digestWeek).toBe('2026-W02');
    });
  });
});

describe('isoWeek', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2025-12-29T00:00:00Z', '2026-W01'],
    ['2025-12-28T23:59:59Z', '2025-W52'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2026-01-12T00:00:00Z', '2026-W03'],
  ])('%s is in %s', (date, week) => {
    expect(isoWeek(new Date(date))).toBe(week);
  });
});

describe('wants', () => {
  it.each([
    [{}, true],
    [{ events: [] }, true],
    [{ events: ['verdict.changed'] }, true],
    [{ events: ['digest.weekly'] }, false],
  ])('%j wants verdict.changed: %s', (target, expected) => {
    expect(wants(target, 'verdict.changed')).toBe(expected);
  });
});
