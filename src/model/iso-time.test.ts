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

  it('writes the other milliseconds of the second seen last as toISOString does', () => {
    const t = Date.parse('2026-12-06T10:00:07.000Z');
    expect(isoTime(new Date(t + 500))).toBe('2026-12-06T10:00:07.500Z');
    for (const ms of [0, 1, 9, 10, 42, 99, 100, 101, 999, 998, 7, 70, 700])
      expect(isoTime(new Date(t + ms))).toBe(new Date(t + ms).toISOString());
    // The next second, and back again: each formatted afresh.
    expect(isoTime(new Date(t + 1000))).toBe('2026-12-06T10:00:08.000Z');
    expect(isoTime(new Date(t + 5))).toBe('2026-12-06T10:00:07.005Z');
  });

  it('is toISOString around and before the epoch, and for six-digit and negative years', () => {
    const seconds = [
      -1,
      0,
      1,
      -62_198_755_200,
      -62_198_755_201,
      253_402_300_799,
      253_402_300_800,
      8.64e12 - 1,
      -8.64e12,
    ];
    for (const s of seconds) {
      for (const ms of [0, 1, 99, 500, 999]) {
        const d = new Date(s * 1000 + ms);
        expect(isoTime(d)).toBe(d.toISOString());
      }
    }
    // Milliseconds running across many seconds, as a service's clock does, one after another.
    const start = Date.parse('2026-12-31T23:59:58.990Z');
    for (let ms = start; ms < start + 2_100; ms += 7)
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it('throws for an invalid date, as toISOString does, and keeps nothing for it', () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(isoTime(new Date(5))).toBe(new Date(5).toISOString());
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(isoTime(new Date(6))).toBe(new Date(6).toISOString());
  });
});
