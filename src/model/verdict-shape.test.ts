import { describe, expect, it } from 'vitest';
import type { Item } from './checklist.js';
import type { Attestation, CheckOutcome, Waiver } from './state.js';
import { checkSpec } from './test-support/check-spec.js';
import { decideChecklist, taskItem } from './test-support/decide-inputs.js';
import { decide } from './verdict.js';

/**
 * The evaluated items as reports list them, whatever way decide builds them: every key in the same order,
 * absent ones absent (not undefined), and `flags` an empty list when there are none, never shared by
 * mistake with an item that has some.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const base = { checklist: 'c', environment: 'default' };
const check = checkSpec({ kind: 'http', target: 'http://x', line: 1, column: 1 });

const item = (id: string, over: Partial<Item> = {}): Item => taskItem(id, { line: 3, ...over });

const checklist = decideChecklist;

const outcome = (id: string, durationMs: number): CheckOutcome => ({
  item: id,
  status: 'pass',
  observed: { status: 200 },
  durationMs,
  at: '2026-12-01T11:00:00Z',
});
const expiredAttestation: Attestation = {
  ...base,
  item: 'm/expired',
  evidence: 'seen',
  by: 'ana',
  at: '2026-10-01T00:00:00Z',
  expiresAt: '2026-11-01T00:00:00Z',
};
const expiredWaiver: Waiver = {
  ...base,
  item: 'm/expired',
  reason: 'later',
  owner: 'sre',
  by: 'boss',
  at: '2026-10-01T00:00:00Z',
  expiresAt: '2026-11-01T00:00:00Z',
};
const COMMON = 'id,title,kind,section,phase,status,blocking,message,observed,due,overdue,owner,flags';

describe('evaluated items', () => {
  const items = [
    item('c/ran', { check }),
    item('c/not-run', { check }),
    item('m/plain'),
    item('m/no-line', { line: undefined as unknown as number }),
    item('m/criterion', { polarity: 'nogo', track: 'ops' }),
    item('m/expired'),
    item('m/fresh'),
  ];
  const ev = decide({
    checklist: checklist(items),
    environment: 'default',
    outcomes: new Map([['c/ran', outcome('c/ran', 12)]]),
    attestations: [expiredAttestation],
    waivers: [expiredWaiver],
    signoffs: [],
    now: NOW,
  });
  const byId = new Map(ev.items.map((i) => [i.id, i]));

  it('list their keys in the reports order, absent ones left out', () => {
    expect(Object.keys(byId.get('c/ran')!).join()).toBe(`${COMMON},durationMs,line`);
    expect(Object.keys(byId.get('c/not-run')!).join()).toBe(`${COMMON},line`);
    expect(Object.keys(byId.get('m/plain')!).join()).toBe(`${COMMON},line`);
    expect(Object.keys(byId.get('m/no-line')!).join()).toBe(COMMON);
    expect(Object.keys(byId.get('m/criterion')!).join()).toBe(`${COMMON},polarity,track,line`);
    expect(Object.keys(byId.get('m/expired')!).join()).toBe(`${COMMON},attestation,waiver,line`);
    expect(JSON.stringify(byId.get('c/ran'))).toBe(
      '{"id":"c/ran","title":"c/ran","kind":"task","section":["S"],"phase":"pre-launch","status":"pass","blocking":true,"message":"","observed":{"status":200},"due":null,"overdue":false,"owner":null,"flags":[],"durationMs":12,"line":3}',
    );
  });

  it('give an item without flags an empty list, and one with both expiries both flags', () => {
    expect(byId.get('m/plain')!.flags).toEqual([]);
    expect(JSON.stringify(byId.get('m/fresh')!.flags)).toBe('[]');
    expect(byId.get('m/expired')!.flags).toEqual(['attestation-expired', 'waiver-expired']);
    // The items without flags still have none after one with flags was evaluated.
    expect(ev.items.filter((i) => i.flags.length > 0).map((i) => i.id)).toEqual(['m/expired']);
    expect(ev.reasons.map((r) => r.code)).toContain('waiver-expired');
  });
});
