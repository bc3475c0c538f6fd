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

  it('takes other milliseconds of a second it has seen in normal form as they are, and nothing else', () => {
    expect(iso('2026-12-06T10:00:07.100Z', 'at')).toBe('2026-12-06T10:00:07.100Z');
    // Of that second, in normal form: kept as given.
    for (const ms of ['000', '101', '999'])
      expect(iso(`2026-12-06T10:00:07.${ms}Z`, 'at')).toBe(`2026-12-06T10:00:07.${ms}Z`);
    // Of that second, in another form, or no time: normalised or refused as before.
    const cases: [string, string][] = [
      ['2026-12-06T10:00:07.5Z', '2026-12-06T10:00:07.500Z'],
      ['2026-12-06T10:00:07.25Z', '2026-12-06T10:00:07.250Z'],
      ['2026-12-06T10:00:07.123+01:00', '2026-12-06T09:00:07.123Z'],
      ['2026-12-06T10:00:07.1234Z', '2026-12-06T10:00:07.123Z'],
      ['2026-12-06T10:00:07Z', '2026-12-06T10:00:07.000Z'],
    ];
    for (const [value, normal] of cases) {
      expect(iso('2026-12-06T10:00:07.100Z', 'at')).toBe('2026-12-06T10:00:07.100Z');
      expect(iso(value, 'at')).toBe(normal);
    }
    for (const bad of ['2026-12-06T10:00:07.12xZ', '2026-12-06T10:00:07.123Zx', '2026-12-06T10:00:07.']) {
      expect(iso('2026-12-06T10:00:07.100Z', 'at')).toBe('2026-12-06T10:00:07.100Z');
      expect(() => iso(bad, 'at')).toThrow(StoreInputError);
    }
    // A second never seen in normal form is checked in full.
    expect(() => iso('2026-13-06T10:00:07.100Z', 'at')).toThrow(StoreInputError);
    expect(iso('2026-12-06T10:00:08.100Z', 'at')).toBe('2026-12-06T10:00:08.100Z');
  });
});
