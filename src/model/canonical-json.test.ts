import { describe, expect, it, vi } from 'vitest';
import { generator } from '../test-support/random.js';
import { canonicalJson, canonicalMember, canonicalShapesKept, jsonString } from './canonical-json.js';
import { canonicalJsonSortedCopy } from './test-support/canonical-sorted-copy.js';
import { canonicalJsonV1 } from './test-support/canonical-v1.js';

const TEXTS = [
  '',
  'a',
  'plain ascii',
  'geçmeden İş',
  'ünïcødé ✓ 🚀',
  'line\nbreak\ttab\r',
  'q"uote\\back',
  '\u2028\u2029',
  '\u0000\u0001\u001f\u007f',
  '\ud800',
  'x\udfffy',
  '\ud83d\ude80 paired',
  '\ude80\ud83d reversed',
  '日本語',
  '</script>',
];

const KEYS = [
  'b',
  'a',
  'A',
  'aa',
  '',
  ' ',
  '10',
  '2',
  '0',
  '01',
  '-1',
  '1.5',
  '1e3',
  '4294967294',
  '4294967295',
  '9007199254740993',
  'İ',
  'é',
  'e\u0301',
  '🚀',
  '\ud800',
  'Z',
  '__proto__',
  'constructor',
  'toString',
  'k"\\',
];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  1.5,
  0.1 + 0.2,
  1e21,
  1e-7,
  -5e-324,
  2 ** 53,
  Number.MAX_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** Put `value` at `key` as an own, enumerable key (plain assignment of `__proto__` sets the prototype). */
function own(target: object, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Values of every kind canonicalJson meets, and the odd ones JSON.stringify has rules for. */
function oddValue(g: ReturnType<typeof generator>, depth: number): unknown {
  const r = g.rand();
  if (depth > 4 || r < 0.3) {
    return g.pick<unknown>([
      ...TEXTS,
      ...NUMBERS,
      true,
      false,
      null,
      undefined,
      () => 1,
      Symbol('s'),
      // boxed primitives
      new Number(-0),
      new Number(Number.NaN),
      new String('boxed "text"'),
      new Boolean(false),
    ]);
  }
  if (r < 0.36) return new Date(Date.UTC(2026, 0, 1) + g.int(1e10));
  if (r < 0.42) {
    // toJSON returning each kind of thing: an object (sorted too), a primitive, nothing, a function.
    const inner = oddValue(g, depth + 1);
    const result = g.pick([
      inner,
      { z: inner, a: 1 },
      undefined,
      'text',
      Object.assign(() => 0, { toJSON: () => ({ y: 1, x: 2 }) }),
    ]);
    return { ignored: true, toJSON: () => result };
  }
  if (r < 0.46) {
    // A function with its own toJSON: JSON writes it in arrays and at the top, never as a member.
    return Object.assign(() => 0, { toJSON: (key: string) => ({ key, b: [1, undefined] }) });
  }
  if (r < 0.6) {
    const out = Array.from({ length: g.int(5) }, () => oddValue(g, depth + 1));
    if (g.rand() < 0.1) out.length += 2; // holes
    return out;
  }
  const out: object = g.rand() < 0.1 ? Object.create(null) : {};
  for (let i = g.int(7); i > 0; i--) own(out, g.pick(KEYS), oddValue(g, depth + 1));
  return out;
}

describe('canonicalJson (the one-pass writer)', () => {
  it('writes every value of a varied corpus exactly as the sorted-copy writer did', () => {
    const g = generator(15);
    for (let i = 0; i < 5000; i++) {
      const value = { data: oddValue(g, 0) };
      expect(canonicalJson(value)).toBe(canonicalJsonSortedCopy(value));
    }
  });

  it('writes the same values at the top level, in arrays and parsed back from JSON', () => {
    const g = generator(23);
    for (let i = 0; i < 3000; i++) {
      const value = oddValue(g, 1);
      let expected: string | Error;
      try {
        expected = canonicalJsonSortedCopy(value);
      } catch (err) {
        expected = err as Error;
      }
      if (expected instanceof Error) {
        expect(() => canonicalJson(value)).toThrow(TypeError);
        continue;
      }
      expect(canonicalJson(value)).toBe(expected);
      expect(canonicalJson([value, value])).toBe(canonicalJsonSortedCopy([value, value]));
      // Parsed data (`__proto__` an own key, as read back from the store) as the 0.1 writer wrote it too.
      const parsed: unknown = JSON.parse(expected);
      expect(canonicalJson(parsed)).toBe(canonicalJsonSortedCopy(parsed));
      expect(canonicalJson(parsed)).toBe(canonicalJsonV1(parsed));
    }
  });

  it.each([
    [
      'integer-like keys first, ascending',
      { b: 1, 10: 2, 2: 3, '01': 4, 4294967295: 5, 4294967294: 6, a: 7 },
    ],
    ['undefined, functions and symbols left out', { a: undefined, b: () => 1, c: Symbol('c'), d: 1 }],
    ['the same in arrays as null', [undefined, () => 1, Symbol('c'), 1]],
    ['non-finite numbers and -0', { n: [Number.NaN, Number.POSITIVE_INFINITY, -0, new Number(-0)] }],
    ['lone and paired surrogates', { '\ud800': '\udfff', '🚀': '\ud83d\ude80', x: 'a\ud800b' }],
    ['a toJSON result written as it stands', { d: { toJSON: () => ({ toJSON: () => 'no', b: 1 }) } }],
    ['sparse arrays', { a: Object.assign(new Array(4), { 1: 'one' }) }],
    ['boxed values', { s: new String('x'), b: new Boolean(true), n: new Number(2) }],
    [
      'a boxed value whose valueOf gives an object (written by the engine, its toJSON given the key)',
      {
        n: Object.assign(new Number(1), { valueOf: () => ({ b: 1, a: { toJSON: (key: string) => key } }) }),
        l: [Object.assign(new String('s'), { valueOf: () => ({ toJSON: (key: string) => `at ${key}` }) })],
        f: Object.assign(new Boolean(true), { valueOf: () => () => 1 }),
      },
    ],
    [
      'class instances and collections',
      { m: new Map([[1, 2]]), u: new Uint8Array([3, 1]), e: new Error('x') },
    ],
    ['a getter', Object.defineProperty({ b: 1 }, 'a', { get: () => ({ z: 1, y: 2 }), enumerable: true })],
  ])('writes %s as the sorted-copy writer did', (_name, value) => {
    expect(canonicalJson(value)).toBe(canonicalJsonSortedCopy(value));
  });

  it('writes large objects (sorted by the engine, not kept) as the sorted-copy writer did', () => {
    const g = generator(31);
    for (const size of [17, 64, 65, 300]) {
      const value: Record<string, unknown> = {};
      for (let i = 0; i < size; i++) own(value, `${g.pick(KEYS)}${g.int(1000)}`, g.pick(TEXTS));
      expect(canonicalJson(value)).toBe(canonicalJsonSortedCopy(value));
    }
  });

  it('throws a TypeError where the sorted-copy writer did', () => {
    for (const value of [undefined, () => 1, Symbol('s'), { toJSON: () => undefined }, 1n, { a: [2n] }]) {
      expect(() => canonicalJsonSortedCopy(value)).toThrow(TypeError);
      expect(() => canonicalJson(value)).toThrow(TypeError);
    }
  });
});

describe('the shape memo', () => {
  it('never gives one key set the order of another, and starts again once full', () => {
    // Same first key, other keys: each object must be written in its own order.
    const objects = [
      { m: 1, b: 2, a: 3 },
      { m: 1, a: 3, b: 2 },
      { m: 1, b: 2 },
      { m: 1, b: 2, a: 3, 10: 4 },
      { m: 1, z: 0 },
    ];
    for (let round = 0; round < 3; round++) {
      for (const o of objects) expect(canonicalJson(o)).toBe(canonicalJsonSortedCopy(o));
    }
    // Far more key sets than the memo keeps: it stays bounded, and every text stays right after it clears.
    for (let i = 0; i < 2000; i++) {
      const o = { m: i, [`k${i}`]: i, [`j${i % 7}`]: [i] };
      expect(canonicalJson(o)).toBe(canonicalJsonSortedCopy(o));
      expect(canonicalShapesKept()).toBeLessThanOrEqual(512);
    }
    for (const o of objects) expect(canonicalJson(o)).toBe(canonicalJsonSortedCopy(o));
  });
});

describe('jsonString', () => {
  it('writes every string as JSON.stringify does', () => {
    const g = generator(3);
    const strings = [...TEXTS, ...KEYS];
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let n = g.int(6); n > 0; n--)
        s += g.rand() < 0.5 ? g.pick(strings) : String.fromCharCode(g.int(0x10000));
      strings.push(s);
    }
    for (const s of strings) expect(jsonString(s)).toBe(JSON.stringify(s));
  });

  it('asks the engine once for a text with escapes while it repeats, and right after a change', () => {
    // A run's outcomes each hold an equal (not the same) body text with quotes and a newline.
    const body = (n: number) => `{"ok":true,"n":${String(n).slice(0, 1)}}\n`;
    const long = `"${'x'.repeat(2000)}"`;
    const inputs = [body(1), body(1), body(1), 'plain', body(1), body(2), body(2), body(1), long, long];
    const spy = vi.spyOn(JSON, 'stringify');
    let texts: string[];
    try {
      texts = inputs.map((s) => jsonString(s));
      // body(1) once, body(2) once, body(1) again, the long text each time (not kept): 5 calls, not 9.
      expect(spy).toHaveBeenCalledTimes(5);
    } finally {
      spy.mockRestore();
    }
    expect(texts).toEqual(inputs.map((s) => JSON.stringify(s)));
  });
});

describe('canonicalMember', () => {
  it("is the text canonicalJson writes for an object's member, or nothing where it leaves the member out", () => {
    const values: unknown[] = [
      ...TEXTS,
      0,
      -0,
      Number.NaN,
      1e21,
      true,
      null,
      undefined,
      () => 1,
      Symbol('s'),
      [undefined, () => 1, { b: 1, a: [2] }],
      { toJSON: (key: string) => ({ key, z: 1, a: 2 }) },
      new Date('2026-11-20T10:00:00Z'),
      Object(7),
      { b: { d: 1, c: 2 }, a: null },
    ];
    for (const value of values) {
      const whole = canonicalJson({ observed: value });
      const member = canonicalMember(value, 'observed');
      expect(member === undefined ? '{}' : `{"observed":${member}}`).toBe(whole);
    }
  });
});
