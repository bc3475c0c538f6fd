import { describe, expect, it } from 'vitest';
import { generator } from '../test-support/random.js';
import { canonicalJson } from './canonical-json.js';
import { jsonText } from './json-text.js';
import {
  isShared,
  markShared,
  SHARED_TEXT_MAX_CHARS,
  sharedCanonical,
  sharedJson,
  sharedTextHeld,
} from './shared-text.js';
import { canonicalJsonSortedCopy } from './test-support/canonical-sorted-copy.js';

/**
 * The texts of shared objects (a run's repeated headers and bodies) written once: jsonText must be
 * JSON.stringify and canonicalJson the sorted-copy writer, byte for byte, whatever is shared or not.
 */

const TEXTS = ['', 'nginx/1.22.1', 'q"uote\\back', 'line\nbreak', '\u0000\u001f', '\ud800', 'é 🚀', '\u2028'];
const KEYS = [
  'b',
  'a',
  '10',
  '2',
  '01',
  '',
  '__proto__',
  'constructor',
  'toJSON',
  'x-request-id',
  'é',
  '\ud800',
];
const NUMBERS = [0, -0, 1.5, 1e21, 1e-7, 2 ** 53, -5e-324];

/** Put `value` at `key` as an own, enumerable key (plain assignment of `__proto__` sets the prototype). */
function own<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A flat object of plain values, frozen and registered as engine/shape-share.ts registers one. */
function sharedFlat(g: ReturnType<typeof generator>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = g.int(6); i > 0; i--)
    own(o, g.pick(KEYS), g.pick<unknown>([...TEXTS, ...NUMBERS, true, false, null]));
  markShared(Object.freeze(o));
  return o;
}

/** A member of any kind JSON.stringify has a rule for, shared flat objects among them. */
function member(g: ReturnType<typeof generator>, shared: Record<string, unknown>[], depth: number): unknown {
  const r = g.rand();
  if (r < 0.25) return g.pick(shared);
  if (r < 0.5 || depth > 2)
    return g.pick<unknown>([
      ...TEXTS,
      ...NUMBERS,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      false,
      null,
      undefined,
      Symbol('s'),
      () => 1,
      Object.assign(() => 1, { toJSON: (key: string) => `function at ${key}` }),
      { toJSON: (key: string) => ({ at: key }) },
      new Date(Date.UTC(2026, 11, 7) + g.int(1e9)),
      new Number(-0),
      new String('boxed'),
      Object.create(null),
    ]);
  if (r < 0.65) return Array.from({ length: g.int(4) }, () => member(g, shared, depth + 1));
  return object(g, shared, depth + 1);
}

function object(g: ReturnType<typeof generator>, shared: Record<string, unknown>[], depth: number) {
  const o: Record<string, unknown> = g.rand() < 0.1 ? Object.create(null) : {};
  for (let i = g.int(8); i > 0; i--) own(o, g.pick(KEYS), member(g, shared, depth));
  return o;
}

/** 4,000 generated objects, among 20 shared flat objects, each given to `check`. */
function eachGenerated(seed: number, check: (value: Record<string, unknown>, pick: () => unknown) => void) {
  const g = generator(seed);
  const shared = Array.from({ length: 20 }, () => sharedFlat(g));
  for (let i = 0; i < 4000; i++) check(object(g, shared, 0), () => g.pick(shared));
}

describe('jsonText', () => {
  it('writes every value of a varied corpus, shared members or not, as JSON.stringify does', () => {
    eachGenerated(18, (value) => {
      // Twice: the second time the shared members' texts come from the memo.
      expect(jsonText(value)).toBe(JSON.stringify(value));
      expect(jsonText(value)).toBe(JSON.stringify(value));
      expect(jsonText(JSON.parse(JSON.stringify(value)))).toBe(JSON.stringify(value));
    });
  });

  it.each([
    [
      'an observation of the http kind',
      { status: 200, headers: { server: 'nginx' }, body: { ok: true }, truncated: false },
    ],
    ['integer-like keys first', { b: 1, 10: 2, 2: 3, '01': 4, 4294967295: 5 }],
    ['members JSON leaves out', { a: undefined, b: () => 1, c: Symbol('c'), d: 1 }],
    [
      'a function member with toJSON, given its key',
      { f: Object.assign(() => 1, { toJSON: (k: string) => k }) },
    ],
    ['a member whose toJSON gives nothing', { a: { toJSON: () => undefined }, b: 2 }],
    ['non-finite numbers and -0', { a: Number.NaN, b: Number.NEGATIVE_INFINITY, c: -0 }],
    ['surrogates in keys and text', { '\ud800': '\udfff', '🚀': 'a\ud800b' }],
    ['`__proto__` as an own key', JSON.parse('{"__proto__":{"a":1},"b":2}') as unknown],
    ['a getter', Object.defineProperty({ b: 1 }, 'a', { get: () => ({ z: 1 }), enumerable: true })],
    ['an array', [1, { a: 2 }, undefined]],
    ['a toJSON at the top', { toJSON: () => ({ b: 1 }), a: 2 }],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    ['a Date', new Date(Date.UTC(2026, 11, 7))],
    ['a boxed string', new String('s')],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a string', 'text'],
    ['null', null],
    ['undefined', undefined],
  ])('writes %s as JSON.stringify does', (_name, value) => {
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it('throws where JSON.stringify throws (a BigInt, a cycle)', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    for (const value of [{ n: 1n }, cycle]) {
      expect(() => JSON.stringify(value)).toThrow(TypeError);
      expect(() => jsonText(value)).toThrow(TypeError);
    }
  });

  it("follows a toJSON given to every object after a shared object's text was kept", () => {
    const headers = markedFrozen({ server: 'nginx', 'content-length': '11' });
    const value = { status: 200, headers };
    expect(jsonText(value)).toBe(JSON.stringify(value));
    expect(canonicalJson(value)).toBe(canonicalJsonSortedCopy(value));
    const proto = Object.prototype as { toJSON?: unknown };
    proto.toJSON = function (this: object, key: string) {
      return key === 'headers' ? 'replaced' : { ...this };
    };
    try {
      expect(jsonText(value)).toBe(JSON.stringify(value));
      expect(JSON.stringify(value)).toContain('"headers":"replaced"');
      // canonicalJson calls toJSON as it always has: the same with the shared object as with a copy.
      const copy = { status: 200, headers: { ...headers } };
      expect(canonicalJson({ value })).toBe(canonicalJson({ value: copy }));
    } finally {
      delete proto.toJSON;
    }
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });
});

function markedFrozen<T extends object>(o: T): T {
  markShared(Object.freeze(o));
  return o;
}

describe('canonicalJson with shared objects', () => {
  it('writes values with shared members exactly as the sorted-copy writer did', () => {
    eachGenerated(81, (data, pick) => {
      const value = { data, list: [pick(), pick()], one: pick() };
      expect(canonicalJson(value)).toBe(canonicalJsonSortedCopy(value));
      expect(canonicalJson(value)).toBe(canonicalJsonSortedCopy(value));
    });
  });
});

describe('the shared-text memo', () => {
  it('writes a registered object once per form, and only registered objects are shared', () => {
    const o = markedFrozen({ b: 1, a: 'x' });
    expect(isShared(o)).toBe(true);
    expect(isShared({ b: 1, a: 'x' })).toBe(false);
    let writes = 0;
    const write = (v: Record<string, unknown>) => {
      writes++;
      return canonicalJsonSortedCopy(v);
    };
    expect(sharedCanonical(o, write)).toBe('{"a":"x","b":1}');
    expect(sharedCanonical(o, write)).toBe('{"a":"x","b":1}');
    expect(writes).toBe(1);
    expect(sharedJson(o)).toBe('{"b":1,"a":"x"}');
  });

  it('writes an object not registered anew each time (it may have changed)', () => {
    const headers: Record<string, unknown> = { server: 'nginx', date: 'Mon' };
    const value = { headers };
    expect([canonicalJson(value), jsonText(value)]).toEqual([
      '{"headers":{"date":"Mon","server":"nginx"}}',
      JSON.stringify(value),
    ]);
    headers.date = 'Tue';
    expect([canonicalJson(value), jsonText(value)]).toEqual([
      '{"headers":{"date":"Tue","server":"nginx"}}',
      JSON.stringify(value),
    ]);
  });

  it('holds at most SHARED_TEXT_MAX_CHARS characters, and gives the right text after starting again', () => {
    const long = 'x'.repeat(250);
    const objects = Array.from({ length: 2000 }, (_, i) => {
      const o: Record<string, unknown> = { i };
      for (let k = 0; k < 8; k++) o[`k${k}`] = `${long}${i}`;
      return markedFrozen(o);
    });
    for (const o of objects) {
      expect(canonicalJson(o)).toBe(canonicalJsonSortedCopy(o));
      expect(jsonText({ o })).toBe(JSON.stringify({ o }));
      expect(sharedTextHeld()).toBeLessThanOrEqual(SHARED_TEXT_MAX_CHARS);
    }
    for (const o of objects.slice(0, 50)) expect(canonicalJson(o)).toBe(canonicalJsonSortedCopy(o));
  });
});
