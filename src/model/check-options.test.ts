import { describe, expect, it } from 'vitest';
import { checkSettingsSchema, parseCheckSettings } from './check-options.js';
import { COMMON_CHECK_OPTIONS } from './checklist.js';

const H = 3_600_000;

describe('parseCheckSettings', () => {
  it('gives what the schema gives for blocks with only conditions (its shortcut past zod) and all else', () => {
    const values: unknown[] = [
      'status == 200',
      '',
      '  ',
      ['a', 'b == 1'],
      ['a', ' '],
      [],
      ['a', 1],
      [null],
      1,
      null,
      undefined,
      true,
      { a: 1 },
    ];
    const cases: Record<string, unknown>[] = [{}, { timeout: '5s' }, { expect: 'a', retries: 2 }];
    for (const value of values) cases.push({ expect: value }, { expect: value, name: 'n' });
    cases.push(Object.assign(Object.create({ inherited: 1 }), { expect: 'a' }) as Record<string, unknown>);
    for (const options of cases) {
      const parsed = checkSettingsSchema().safeParse(options);
      const want = parsed.success
        ? { settings: parsed.data }
        : {
            problems: parsed.error.issues.map((i) => ({ key: String(i.path[0] ?? ''), message: i.message })),
          };
      expect(parseCheckSettings(options), JSON.stringify(options)).toEqual(want);
    }
    // The conditions are a list of their own, not the block's.
    const list = ['a'];
    const got = parseCheckSettings({ expect: list });
    expect('settings' in got && got.settings.expect).not.toBe(list);
  });

  it('defaults every option: 10s timeout, no retries, 1s between attempts, no window', () => {
    expect(parseCheckSettings({})).toEqual({
      settings: { expect: [], timeoutMs: 10_000, retries: 0, retryDelayMs: 1_000, written: {} },
    });
  });

  it.each([
    ['timeout', { timeout: '5s' }, { timeoutMs: 5_000, written: { timeout: '5s' } }],
    ['a bare number is milliseconds', { timeout: 250 }, { timeoutMs: 250, written: { timeout: '250' } }],
    ['the longest timeout', { timeout: '24h' }, { timeoutMs: 24 * H }],
    ['retries, lowest', { retries: 0 }, { retries: 0 }],
    ['retries, highest', { retries: 100 }, { retries: 100 }],
    ['no pause between attempts', { retry_delay: '0s' }, { retryDelayMs: 0 }],
    ['one condition', { expect: 'status == 200' }, { expect: ['status == 200'] }],
    ['conditions', { expect: ['a', 'b'] }, { expect: ['a', 'b'] }],
    ['blocking', { blocking: false }, { blocking: false }],
    [
      'a window with the default every and tolerance',
      { hold: '24h' },
      { window: { holdMs: 24 * H, everyMs: 60_000, tolerance: 1, holdText: '24h' } },
    ],
    [
      'a window with every and tolerance',
      { hold: '1h', every: '30s', tolerance: '99.9%' },
      {
        window: { holdMs: H, everyMs: 30_000, tolerance: 99.9 / 100, holdText: '1h' },
        written: { hold: '1h', every: '30s', tolerance: '99.9%' },
      },
    ],
    [
      'a hold of exactly one interval',
      { hold: '1m', every: '1m' },
      { window: expect.objectContaining({ holdMs: 60_000 }) },
    ],
    [
      'tolerance of 100%',
      { hold: '1h', tolerance: '100%' },
      { window: expect.objectContaining({ tolerance: 1 }) },
    ],
    ['every without hold has no window', { every: '10s' }, { written: { every: '10s' } }],
    ['due as an offset', { due: '+2w' }, { due: { offsetDays: 14, source: 'annotation', text: '+2w' } }],
    [
      'due as a date',
      { due: '2026-12-01' },
      { due: { date: '2026-12-01', source: 'annotation', text: '2026-12-01' } },
    ],
    [
      'owner, runner and name as text',
      { owner: 7, runner: 'dmz', name: 'ready' },
      { owner: '7', runner: 'dmz', name: 'ready' },
    ],
    ['skip, trimmed', { skip: '  no Redis here ' }, { skip: 'no Redis here' }],
  ])('accepts %s', (_name, input, expected) => {
    const result = parseCheckSettings(input);
    expect(result).toEqual({ settings: expect.objectContaining(expected) });
  });

  it.each([
    ['timeout', { timeout: 'soon' }, '"soon" is not a duration; write it like 500ms, 10s, 5m, 24h or 90d'],
    ['timeout', { timeout: true }, 'write a duration such as 10s, 5m or 24h'],
    ['timeout', { timeout: '0s' }, 'must be longer than 0, e.g. 10s'],
    ['timeout', { timeout: '25h' }, '25h is longer than the limit of 24h'],
    ['retries', { retries: -1 }, 'write a whole number from 0 to 100, such as 2'],
    ['retries', { retries: 101 }, 'write a whole number from 0 to 100, such as 2'],
    ['retries', { retries: 1.5 }, 'write a whole number from 0 to 100, such as 2'],
    ['retries', { retries: '2' }, 'write a whole number from 0 to 100, such as 2'],
    [
      'retry_delay',
      { retry_delay: 'later' },
      '"later" is not a duration; write it like 500ms, 10s, 5m, 24h or 90d',
    ],
    ['blocking', { blocking: 'no' }, 'write true or false'],
    ['expect', { expect: [1] }, 'write a condition or a list of conditions'],
    ['expect', { expect: [] }, 'write a condition or a list of conditions, e.g. expect: status == 200'],
    ['expect', { expect: '  ' }, 'write a condition or a list of conditions, e.g. expect: status == 200'],
    ['hold', { hold: '24 hours' }, '"24 hours" is not a duration; write it like 500ms, 10s, 5m, 24h or 90d'],
    [
      'hold',
      { hold: '30s', every: '1m' },
      '30s is shorter than every: 1m; a window needs at least one interval',
    ],
    ['hold', { hold: '30s' }, '30s is shorter than every: 1m; a window needs at least one interval'],
    ['every', { hold: '1h', every: '0s' }, 'must be longer than 0, e.g. 10s'],
    [
      'tolerance',
      { tolerance: 'most' },
      'write the share of window samples that must pass, e.g. 99.9% (more than 0%, at most 100%)',
    ],
    [
      'tolerance',
      { tolerance: '0%' },
      'write the share of window samples that must pass, e.g. 99.9% (more than 0%, at most 100%)',
    ],
    [
      'tolerance',
      { tolerance: '101%' },
      'write the share of window samples that must pass, e.g. 99.9% (more than 0%, at most 100%)',
    ],
    [
      'tolerance',
      { tolerance: 0.999 },
      'write the share of window samples that must pass, e.g. 99.9% (more than 0%, at most 100%)',
    ],
    ['due', { due: 'soon' }, 'due "soon" is neither a date (YYYY-MM-DD) nor an offset from launch like +14d'],
    ['due', { due: 14 }, 'write a date (YYYY-MM-DD) or +14d'],
    [
      'skip',
      { skip: true },
      'give the reason the item does not apply, e.g. skip: no Redis in this deployment',
    ],
    [
      'skip',
      { skip: ' ' },
      'give the reason the item does not apply, e.g. skip: no Redis in this deployment',
    ],
    ['owner', { owner: ['a', 'b'] }, 'write a single name'],
  ])('refuses %s in %j', (key, input, message) => {
    expect(parseCheckSettings(input)).toEqual({ problems: [{ key, message }] });
  });

  it('reports every bad option at once, each by name', () => {
    const result = parseCheckSettings({ timeout: 'soon', retries: -1, tolerance: 'most' });
    expect('problems' in result && result.problems.map((p) => p.key).sort()).toEqual([
      'retries',
      'timeout',
      'tolerance',
    ]);
  });

  it('knows exactly the common options the reader hands it', () => {
    expect(Object.keys(checkSettingsSchema().in.shape).sort()).toEqual([...COMMON_CHECK_OPTIONS].sort());
  });
});
