import { describe, expect, it } from 'vitest';
import { readChecklist } from '../../markdown/index.js';
import type { Attestation } from '../../model/state.js';
import { decide } from '../../model/verdict.js';
import { isProgram, programView } from './program.js';

/** A 90-day program in the shape of seed 001, with task items under day-range headings. */
const PROGRAM = `---
id: program
launch: 2026-01-01
---
# Post-launch program (90 days)

## A) Reliability track

### 0–14 days (P0)
- [ ] SLO dashboard <!-- owner: sre -->
- [x] Incident playbook

### 15–90 days (P1)
- [ ] Capacity reporting

## B) Security track

### 15–90 days (P1)
- [ ] ASVS lite checklist

### First week
- [ ] Rotate test secrets <!-- owner: security -->
- [ ] Access review

## Governance
- [ ] Weekly ops review
`;

const checklist = readChecklist({ bytes: PROGRAM, file: 'program.md', kinds: new Set() });
const at = (iso: string) => new Date(iso);
const evaluate = (now: Date, attestations: Attestation[] = []) =>
  decide({
    checklist,
    environment: 'default',
    outcomes: new Map(),
    attestations,
    waivers: [],
    signoffs: [],
    now,
  });

describe('programView', () => {
  it('groups by track and window, overdue first', () => {
    const now = at('2026-01-21T00:00:00Z'); // day 20
    const view = programView(checklist, evaluate(now), now);
    expect(view).toMatchObject({ launch: '2026-01-01', day: 20, total: 7, done: 1, overdue: 4 });
    expect(view.tracks.map((t) => [t.title, t.overdue])).toEqual([
      ['A) Reliability track', 1],
      ['B) Security track', 2],
      ['Governance', 1],
    ]);
    const security = view.tracks[1]!;
    // Windows in due order: the first week before 15–90 days.
    expect(security.windows.map((w) => [w.label, w.due, w.overdue])).toEqual([
      ['First week', '2026-01-08', 2],
      ['15–90 days (P1)', '2026-04-01', 0],
    ]);
    const reliability = view.tracks[0]!.windows[0]!;
    expect(reliability.items.map((i) => [i.title, i.status, i.overdue, i.daysLate, i.owner])).toEqual([
      ['SLO dashboard', 'pending', true, 6, 'sre'],
      ['Incident playbook', 'pass', false, 0, null],
    ]);
    // "Weekly ops review" recurs: first due one week after launch.
    expect(view.tracks[2]!.windows.map((w) => [w.label, w.due])).toEqual([['Recurring', '2026-01-08']]);
    expect(view.tracks[2]!.windows[0]!.items[0]).toMatchObject({ recurs: '7d', overdue: true });
  });

  it('puts tracks in document order when nothing is overdue', () => {
    const now = at('2026-01-05T00:00:00Z');
    const view = programView(checklist, evaluate(now), now);
    expect(view.overdue).toBe(0);
    expect(view.tracks.map((t) => t.title)).toEqual([
      'A) Reliability track',
      'B) Security track',
      'Governance',
    ]);
  });

  it('makes a recurring review fall due again when its attestation runs out (--valid-for)', () => {
    const review: Attestation = {
      checklist: 'program',
      environment: 'default',
      item: 'governance/weekly-ops-review',
      evidence: 'ops review notes 2026-01-05',
      by: 'ana',
      at: '2026-01-05T10:00:00.000Z',
      expiresAt: '2026-01-12T10:00:00.000Z',
    };
    const inWeek = evaluate(at('2026-01-09T00:00:00Z'), [review]).items.find((i) => i.id === review.item)!;
    expect(inWeek.status).toBe('pass');
    const nextWeek = evaluate(at('2026-01-13T00:00:00Z'), [review]).items.find((i) => i.id === review.item)!;
    expect(nextWeek).toMatchObject({ status: 'pending', due: '2026-01-12', overdue: true });
    expect(nextWeek.message).toContain('due again every 7d');
  });

  it('recognises a program by its due dates', () => {
    expect(isProgram(checklist)).toBe(true);
    expect(isProgram({ items: checklist.items.map(({ due: _due, recurs: _recurs, ...i }) => i) })).toBe(
      false,
    );
  });
});
