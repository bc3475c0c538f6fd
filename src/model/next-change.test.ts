import { describe, expect, it } from 'vitest';
import type { Checklist, Item } from './checklist.js';
import type { Attestation, Waiver } from './state.js';
import { decide, decideUntil, type VerdictInputs } from './verdict.js';

/** decideUntil: the evaluation is the same at every instant before it, and differs at it. */

const NOW = new Date('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;

function item(id: string, over: Partial<Item> = {}): Item {
  return {
    id,
    title: id,
    kind: 'task',
    section: ['S'],
    checked: false,
    blocking: true,
    check: null,
    line: 1,
    column: 1,
    description: '',
    ...over,
  };
}

function inputs(items: Item[], state: { attestations?: Attestation[]; waivers?: Waiver[] }, now = NOW) {
  const checklist: Checklist = {
    id: 'c',
    name: 'C',
    digest: 'sha256:new',
    environments: { default: {} },
    policy: { waiver_max_days: 30, signoffs: [] },
    notify: [],
    sections: [],
    items,
    signoffs: [],
    warnings: [],
    launch: '2026-12-02',
  };
  return {
    checklist,
    environment: 'default',
    outcomes: new Map(),
    attestations: state.attestations ?? [],
    waivers: state.waivers ?? [],
    signoffs: [],
    now,
  } satisfies VerdictInputs;
}

const at = (ms: number) => new Date(ms).toISOString();
const base = { checklist: 'c', environment: 'default', by: 'ana' };
const same = (input: VerdictInputs, t: number) => JSON.stringify(decide({ ...input, now: new Date(t) }));

describe('decideUntil', () => {
  it('is the earliest expiry of a waiver or an attestation, recurring periods included', () => {
    const input = inputs([item('a'), item('b'), item('r', { recurs: '1d' })], {
      waivers: [
        {
          ...base,
          item: 'a',
          reason: 'r',
          owner: 'o',
          at: at(NOW.getTime() - HOUR),
          expiresAt: at(NOW.getTime() + 3 * HOUR),
        },
      ],
      attestations: [
        {
          ...base,
          item: 'b',
          evidence: 'e',
          at: at(NOW.getTime() - HOUR),
          expiresAt: at(NOW.getTime() + 5 * HOUR),
        },
        // A day's period from 22 hours ago: it lapses in 2 hours, before the others.
        { ...base, item: 'r', evidence: 'e', at: at(NOW.getTime() - 22 * HOUR) },
      ],
    });
    const next = decideUntil(input).until;
    expect(next).toBe(NOW.getTime() + 2 * HOUR);
    expect(same(input, next - 1)).toBe(same(input, NOW.getTime()));
    expect(same(input, next)).not.toBe(same(input, NOW.getTime()));
  });

  it('is the due date or the launch day when nothing expires sooner', () => {
    const input = inputs(
      [item('a', { due: { date: '2026-12-01', source: 'annotation', text: 'due: 2026-12-01' } })],
      {},
    );
    const next = decideUntil(input).until;
    expect(next).toBe(Date.parse('2026-12-02T00:00:00Z'));
    expect(same(input, next - 1)).toBe(same(input, NOW.getTime()));
    // At midnight the item is overdue and the launch day has come.
    const after = decide({ ...input, now: new Date(next) });
    expect(after.items[0]!.overdue).toBe(true);
    expect(after.launched).toBe(true);
  });

  it('ignores what has lapsed already', () => {
    const input = inputs([item('a')], {
      waivers: [
        {
          ...base,
          item: 'a',
          reason: 'r',
          owner: 'o',
          at: at(NOW.getTime() - 2 * HOUR),
          expiresAt: at(NOW.getTime() - HOUR),
        },
      ],
    });
    expect(decideUntil(input).until).toBe(Date.parse('2026-12-02T00:00:00Z'));
  });
});
