import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';
import { ConfigError } from './errors.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['90d', 90 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['250', 250],
    [1000, 1000],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'soon', '10 parsecs', '5m later', '-1s', 'm5'])('rejects %j naming the field', (input) => {
    expect(() => parseDuration(input, 'timeout')).toThrow(ConfigError);
    expect(() => parseDuration(input, 'timeout')).toThrow(/^timeout: /);
  });
});

describe('formatDuration', () => {
  it.each([
    [450, '450ms'],
    [90_000, '1m30s'],
    [86_400_000 + 3_600_000, '1d1h'],
  ])('%d -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
