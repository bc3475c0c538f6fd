import { describe, expect, it } from 'vitest';
import { formatValue, groupBySection, observedPairs, shortDigest } from './formatter.js';
import { noGoReport } from './test-support/sample-report.js';

describe('formatValue', () => {
  it.each([
    ['ok', '"ok"'],
    [503, '503'],
    [20.158306999999922, '20.16'],
    [true, 'true'],
    [null, 'null'],
    [{ db: 'down' }, '{"db":"down"}'],
    ['x'.repeat(100), `"${'x'.repeat(58)}…`],
  ])('%j -> %s', (value, want) => {
    expect(formatValue(value)).toBe(want);
  });
});

describe('observedPairs', () => {
  const observed = {
    status: 503,
    truncated: false,
    location: '',
    text: '{"db":"down"}',
    body: { db: 'down' },
    latency_ms: 3.456,
  };

  it('puts what the failed condition names first, leaves out empty values and text beside body', () => {
    expect(observedPairs(observed, 'body.db == "ok" — got "down"')).toEqual([
      'body={"db":"down"}',
      'status=503',
      'truncated=false',
      'latency_ms=3.46',
    ]);
  });

  it('shows scalars before structures when the message names nothing', () => {
    expect(observedPairs(observed)[0]).toBe('status=503');
    expect(observedPairs(observed).at(-1)).toBe('body={"db":"down"}');
  });

  it('keeps text when there is no body, and honours the limit', () => {
    expect(observedPairs({ text: 'hello', a: 1, b: 2 }, '', 2)).toEqual(['text="hello"', 'a=1']);
    expect(observedPairs(null)).toEqual([]);
  });
});

describe('groupBySection', () => {
  it('groups by the innermost section in document order', () => {
    const groups = groupBySection(noGoReport().items);
    expect(groups.map((g) => [g.title, g.items.length])).toEqual([
      ['5) Observability', 3],
      ['6) Security', 3],
      ['7) Ops | Access', 2],
    ]);
  });

  it('keeps same-named sections under different parents apart', () => {
    const [a, b] = noGoReport().items;
    const groups = groupBySection([
      { ...a!, section: ['Staging', 'Checks'] },
      { ...b!, section: ['Production', 'Checks'] },
    ]);
    expect(groups).toHaveLength(2);
  });
});

describe('shortDigest', () => {
  it.each([
    [`sha256:${'a'.repeat(64)}`, 'sha256:aaaaaaaaaaaa'],
    ['abcdef0123456789', 'abcdef012345'],
  ])('%s -> %s', (digest, want) => {
    expect(shortDigest(digest)).toBe(want);
  });
});
