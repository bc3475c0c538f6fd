import { describe, expect, it } from 'vitest';
import type { Item } from '../model/checklist.js';
import { ConfigError } from '../model/errors.js';
import { checkSpec, type WrittenCheck } from '../model/test-support/check-spec.js';
import { checklistSchedule, parseSchedule, sampleSchedule } from './schedule.js';

const at = (iso: string) => new Date(iso);

describe('parseSchedule', () => {
  it.each([
    ['30s', '2026-01-01T00:00:10Z', '2026-01-01T00:00:30.000Z'],
    ['30s', '2026-01-01T00:00:30Z', '2026-01-01T00:01:00.000Z'],
    ['5m', '2026-01-01T00:01:00Z', '2026-01-01T00:05:00.000Z'],
    ['1h', '2026-01-01T10:59:59Z', '2026-01-01T11:00:00.000Z'],
    ['1h30m', '2026-01-01T00:00:00Z', '2026-01-01T01:30:00.000Z'],
    ['*/5 * * * *', '2026-01-01T00:01:00Z', '2026-01-01T00:05:00.000Z'],
    ['0 9 * * 1', '2026-01-01T00:00:00Z', '2026-01-05T09:00:00.000Z'],
    ['*/10 * * * * *', '2026-01-01T00:00:05Z', '2026-01-01T00:00:10.000Z'],
    ['@hourly', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00.000Z'],
  ])('%s after %s runs at %s', (text, after, expected) => {
    expect(parseSchedule(text).nextRun(at(after)).toISOString()).toBe(expected);
  });

  it('gives every replica the same slots, whatever moment each one asks', () => {
    const s = parseSchedule('5m');
    expect(s.nextRun(at('2026-01-01T00:00:01Z'))).toEqual(s.nextRun(at('2026-01-01T00:04:59Z')));
    expect(s.currentSlot(at('2026-01-01T00:07:00Z'))?.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    const c = parseSchedule('*/5 * * * *');
    expect(c.currentSlot(at('2026-01-01T00:07:00Z'))?.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(c.currentSlot(at('2026-01-01T00:05:00Z'))?.toISOString()).toBe('2026-01-01T00:05:00.000Z');
  });

  it.each([
    ['every 5 minutes', /schedule: "every 5 minutes" is neither an interval/],
    ['61 * * * *', /minute/],
    ['* * * *', /neither an interval/],
    ['5x', /neither an interval|not a duration/],
    ['500ms', /shorter than 1s/],
    ['', /empty/],
  ])('rejects %j with a ConfigError naming the field', (text, message) => {
    const run = () => parseSchedule(text);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as ConfigError).field).toBe('schedule');
    }
  });
});

describe('checklistSchedule and sampleSchedule', () => {
  const item = (check: Omit<WrittenCheck, 'kind' | 'target'> | null): Pick<Item, 'id' | 'check'> => ({
    id: 'ops/health',
    check: check ? checkSpec({ kind: 'http', target: 'x', ...check }) : null,
  });

  it('is absent without `schedule:`', () => {
    expect(checklistSchedule({})).toBeUndefined();
    expect(checklistSchedule({ schedule: '1m' })?.intervalMs).toBe(60_000);
  });

  it('samples a windowed check every `every`, 1m by default, and never a check without hold', () => {
    expect(sampleSchedule(item({ hold: '1h', every: '10s' }))?.intervalMs).toBe(10_000);
    expect(sampleSchedule(item({ hold: '1h' }))?.intervalMs).toBe(60_000);
    expect(sampleSchedule(item({ every: '10s' }))).toBeUndefined();
    expect(sampleSchedule(item(null))).toBeUndefined();
  });

  it('honours a sub-second every, and refuses one so short it would only spin', () => {
    const s = sampleSchedule(item({ hold: '4s', every: '250ms' }))!;
    expect(s.intervalMs).toBe(250);
    expect(s.nextRun(new Date(1_000)).getTime()).toBe(1_250);
    expect(() => sampleSchedule(item({ hold: '4s', every: '1ms' }))).toThrow(
      /ops\/health: every: must be at least 10ms/,
    );
  });
});
