import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

describe('isoTime', () => {
  it('is toISOString of each instant, the kept one given only for the same millisecond', () => {
    const t = Date.parse('2026-12-06T10:00:00.123Z');
    expect(isoTime(new Date(t))).toBe('2026-12-06T10:00:00.123Z');
    expect(isoTime(new Date(t))).toBe('2026-12-06T10:00:00.123Z');
    expect(isoTime(new Date(t + 1))).toBe('2026-12-06T10:00:00.124Z');
    expect(isoTime(new Date(t))).toBe('2026-12-06T10:00:00.123Z');
    for (const ms of [0, -1, 8.64e15, Date.now()])
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it('throws for an invalid date, as toISOString does, and keeps nothing for it', () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(isoTime(new Date(5))).toBe(new Date(5).toISOString());
  });
});
