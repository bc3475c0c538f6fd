import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration } from './duration.js';
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

describe('parseDuration bounds', () => {
  it.each([
    '99999999999d',
    '5300w',
    '36600d',
    '99999999999999999999',
    `1${'0'.repeat(400)}d`,
    MAX_DURATION_MS + 1,
  ])('rejects %j as longer than 100 years, naming the field', (input) => {
    expect(() => parseDuration(input, 'valid_for')).toThrow(ConfigError);
    expect(() => parseDuration(input, 'valid_for')).toThrow(/^valid_for: .*longer than 100 years/);
  });

  it('accepts up to 100 years', () => {
    expect(parseDuration('36500d')).toBe(MAX_DURATION_MS);
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
