import { describe, expect, it } from 'vitest';
import type { Sample } from '../../engine/store.js';
import { spokenDuration, windowWords } from './window-words.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const MIN = 60_000;
const H = 60 * MIN;
const sample = (agoMs: number, ok = true): Sample => ({
  checklist: 'c',
  environment: 'e',
  item: 'i',
  at: new Date(NOW - agoMs).toISOString(),
  ok,
});
// One sample a minute from `fromAgo` to now.
const every = (fromAgo: number, toAgo = 0) =>
  Array.from({ length: Math.floor((fromAgo - toAgo) / MIN) + 1 }, (_, i) => sample(fromAgo - i * MIN));

describe('windowWords', () => {
  it.each([
    ['no samples', [], 'no samples yet (needs 24 h green)'],
    ['three green hours', every(3 * H), 'green for 3 h of 24 h'],
    [
      'a failure 40 minutes ago',
      [...every(5 * H, 41 * MIN), sample(40 * MIN, false), ...every(39 * MIN)],
      'green for 39 min of 24 h',
    ],
    ['a gap of 2 hours', [...every(10 * H, 3 * H), ...every(H)], 'green for 1 h of 24 h'],
    [
      'latest sample failed',
      [sample(MIN), sample(0, false)],
      'red: the latest sample failed (needs 24 h green)',
    ],
    ['stale samples', every(5 * H, 2 * H), 'no sample for 2 h (needs 24 h green)'],
    ['the whole window', every(25 * H), 'green for the whole 24 h'],
  ])('%s', (_what, samples, words) => {
    expect(windowWords(samples, { holdMs: 24 * H, everyMs: MIN, now: NOW })).toBe(words);
  });

  it.each([
    [30_000, 'less than a minute'],
    [40 * MIN, '40 min'],
    [3.5 * H, '3.5 h'],
    [72 * H, '3 d'],
    [76 * H, '3 d 4 h'],
  ])('says %i ms as %s', (ms, words) => expect(spokenDuration(ms)).toBe(words));
});
