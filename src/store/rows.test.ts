import { describe, expect, it } from 'vitest';
import { StoreInputError } from '../engine/store.js';
import { iso } from './rows.js';

describe('iso', () => {
  it('normalises every time, the same one again and again included, and refuses what is no time', () => {
    const cases: [string, string][] = [
      ['2026-12-06T10:00:00Z', '2026-12-06T10:00:00.000Z'],
      ['2026-12-06T10:00:00Z', '2026-12-06T10:00:00.000Z'],
      ['2026-12-06T11:00:00+01:00', '2026-12-06T10:00:00.000Z'],
      ['2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.000Z'],
      ['2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.000Z'],
      ['2026-12-06T10:00:00.001Z', '2026-12-06T10:00:00.001Z'],
    ];
    for (const [value, normal] of cases) expect(iso(value, 'at')).toBe(normal);
    for (const bad of ['', 'soon', '', 'soon']) {
      expect(() => iso(bad, 'at')).toThrow(StoreInputError);
      expect(() => iso(bad, 'at')).toThrow(/^at: ".*" is not an ISO date-time$/);
    }
    expect(iso('2026-12-06T10:00:00Z', 'at')).toBe('2026-12-06T10:00:00.000Z');
  });
});
