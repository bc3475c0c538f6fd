import { afterEach, describe, expect, it, vi } from 'vitest';
import { markShared } from '../../model/shared-text.js';
import { generator } from '../../test-support/random.js';
import { ELEMENTS_PER_PIECE, prettyPieces } from './json.js';
import { MAX_DEPTH, MAX_TEMPLATES } from './pretty-json.js';

/**
 * The report's items written from templates (pretty-json.ts) must be JSON.stringify(value, null, 2) byte
 * for byte, whatever repeats, differs, is shared or is odd: every case here is written as a top-level
 * key's array, the way the report's items are, and compared with the engine's text of the whole.
 */

const text = (value: object): string => [...prettyPieces(value)].join('');
const expectEngine = (value: object) => expect(text(value)).toBe(JSON.stringify(value, null, 2));

function shared<T extends object>(o: T): T {
  markShared(Object.freeze(o));
  return o;
}

const STRINGS = [
  '',
  'nginx/1.22.1',
  'q"uote',
  'back\\slash',
  'line\nbreak',
  '\u0000\u001f\u007f',
  '\ud800',
  'a\udfffb',
  'é 🚀',
  '\u2028',
  'x'.repeat(40),
];
const NUMBERS = [
  0,
  -0,
  1.5,
  -7,
  1e21,
  1e-7,
  2 ** 53,
  -5e-324,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  123456789,
];
const KEYS = ['a', 'b', '10', '2', '', '__proto__', 'toJSON', 'x-request-id', 'é', '\ud800', 'q"k'];

/** Put `value` at `key` as an own, enumerable key (a plain `__proto__` assignment sets the prototype). */
function own<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

describe('report items written from templates', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes items built alike with values that differ, shared objects at two depths, as JSON.stringify', () => {
    const headers = [shared({ server: 'nginx', date: 'Mon' }), shared({ server: 'nginx', date: 'Tue' })];
    const body = shared({ ok: true, path: '/item' });
    const items = Array.from({ length: 3 * ELEMENTS_PER_PIECE + 5 }, (_, i) => ({
      id: `item-${i}`,
      title: i % 9 === 4 ? `needs "escape" ${i}` : `Item ${i}`,
      section: ['Bench'],
      status: i % 5 === 0 ? 'fail' : 'pass',
      observed: { status: 200, headers: headers[Math.floor(i / 40)] ?? headers[1], body, latency_ms: i / 7 },
      // The same place holding a shared object, another shared object, or a member of the item.
      extra: i % 3 === 0 ? body : headers[i % 2],
      due: null,
      flags: i % 4 === 0 ? [] : ['late'],
      durationMs: i % 7 === 0 ? -0 : i,
    }));
    expectEngine({ verdict: 'GO', items, after: [] });
  });

  it('writes items whose values change kind at the same place as JSON.stringify', () => {
    const kinds: unknown[] = [
      's',
      'needs "escape"',
      7,
      -0,
      Number.NaN,
      true,
      null,
      undefined,
      () => 1,
      Symbol('s'),
      { a: 1 },
      {},
      [],
      [1],
      shared({ s: 1 }),
      new Date(0),
      { toJSON: (k: string) => `at ${k}` },
      10n,
    ];
    const items = [];
    for (let i = 0; i < kinds.length; i++) {
      for (let j = 0; j < kinds.length; j++) {
        items.push({ id: i, v: kinds[i], w: { v: kinds[j] }, after: 'x' });
      }
    }
    const bigint = items.filter((item) => typeof item.v === 'bigint' || typeof item.w.v === 'bigint');
    const rest = items.filter((item) => !bigint.includes(item));
    expectEngine({ items: rest });
    expect(() => text({ items: bigint.slice(0, 1) })).toThrow(TypeError);
    expect(() => JSON.stringify({ items: bigint.slice(0, 1) })).toThrow(TypeError);
  });

  it("gives a toJSON the element's own index in the whole array, and a member its name", () => {
    const items = Array.from({ length: 2 * ELEMENTS_PER_PIECE + 3 }, (_, i) =>
      i % 2 === 0 ? { toJSON: (key: string) => ({ key, i }) } : { i, at: { toJSON: (key: string) => key } },
    );
    expectEngine({ items });
    expect(text({ items })).toContain('"key": "64"');
  });

  it('writes odd elements and members: null prototype, class instance, boxed values, getters, holes, deep nesting', () => {
    class Point {
      x = 1;
      y = [2];
    }
    const deep: Record<string, unknown> = { leaf: 'end' };
    let nest = deep;
    for (let i = 0; i < MAX_DEPTH + 5; i++) nest = { down: nest, i };
    const getter = Object.defineProperty({ b: 1 }, 'a', { get: () => ({ z: [1, 'two'] }), enumerable: true });
    const hidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
    const items: unknown[] = [
      Object.assign(Object.create(null) as object, { a: 1, b: { c: [] } }),
      new Point(),
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
      new Number(-0),
      new String('boxed "s"'),
      new Boolean(false),
      getter,
      hidden,
      // biome-ignore lint/suspicious/noSparseArray: a hole is written as null
      [1, , 3],
      nest,
      own(own({}, '__proto__', { x: 1 }), '10', 'ten'),
      { 2: 'two', 1: 'one', b: 'b', a: 'a' },
      { [Symbol('s')]: 1, v: 'after a symbol key' },
      [undefined, () => 1, Symbol('s'), null],
      'a string element',
      42,
      undefined,
      () => 1,
    ];
    // Twice over, so that each is written again from its template.
    expectEngine({ items: [...items, ...items] });
  });

  it('follows enumerable keys and a toJSON added to Object.prototype after templates were kept', () => {
    const body = shared({ ok: true });
    const value = { items: Array.from({ length: 40 }, (_, i) => ({ i, body, o: { a: i } })) };
    expectEngine(value);
    const proto = Object.prototype as Record<string, unknown>;
    proto.inherited = 'listed by for…in';
    try {
      expectEngine(value);
    } finally {
      delete proto.inherited;
    }
    proto.toJSON = function (this: object, key: string) {
      return key === 'body' ? 'replaced' : { ...this };
    };
    try {
      expectEngine(value);
      expect(text(value)).toContain('"body": "replaced"');
    } finally {
      delete proto.toJSON;
    }
    expectEngine(value);
  });

  it('throws on a cycle as JSON.stringify does', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    expect(() => text({ items: [{ ok: 1 }, cycle] })).toThrow(TypeError);
  });

  it('writes generated items of a few shapes, repeating and changing, as JSON.stringify', () => {
    const g = generator(20);
    const sharedObjects = Array.from({ length: 6 }, (_, i) =>
      shared(
        own(
          { n: i },
          g.pick(KEYS),
          g.pick<unknown>([...STRINGS, ...NUMBERS.filter(Number.isFinite), true, null]),
        ),
      ),
    );
    const value = (depth: number): unknown => {
      const r = g.rand();
      if (r < 0.3) return g.pick(STRINGS);
      if (r < 0.45) return g.pick(NUMBERS);
      if (r < 0.5) return g.pick<unknown>([true, false, null, undefined]);
      if (r < 0.65) return g.pick(sharedObjects);
      if (depth > 3) return 'deep';
      if (r < 0.8) return Array.from({ length: g.int(3) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = g.int(4); i > 0; i--) own(o, g.pick(KEYS), value(depth + 1));
      return o;
    };
    for (let round = 0; round < 60; round++) {
      // A few shapes, each item a copy of one with some values drawn again: templates kept, matched,
      // dropped (more shapes than MAX_TEMPLATES) and missed.
      const shapes = Array.from({ length: 1 + g.int(MAX_TEMPLATES + 2) }, () => value(0));
      const items = Array.from({ length: 1 + g.int(3 * ELEMENTS_PER_PIECE) }, () => {
        const base = structuredCloneShared(g.pick(shapes));
        return g.rand() < 0.5 ? redraw(base, () => value(2), g.rand) : base;
      });
      expectEngine({ items, tail: 'end' });
    }
  });

  it('writes items built alike from their template, without the engine writing each', () => {
    const headers = shared({ server: 'nginx', 'content-type': 'application/json' });
    const items = Array.from({ length: 20 * ELEMENTS_PER_PIECE }, (_, i) => ({
      id: `item-${i}`,
      status: 'pass',
      observed: { status: 200, headers, latency_ms: i + 0.5 },
    }));
    const expected = JSON.stringify({ items }, null, 2);
    const stringify = vi.spyOn(JSON, 'stringify');
    expect(text({ items })).toBe(expected);
    // The engine wrote the shared object once (and numbers, names): not the items, nor each piece of
    // them (20 pieces).
    const objects = stringify.mock.calls.filter(([v]) => typeof v === 'object' && v !== null);
    expect(objects.length).toBeLessThan(5);
  });
});

/** A copy of a generated value that keeps its shared objects (they are compared by identity). */
function structuredCloneShared(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structuredCloneShared);
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  const o: Record<string, unknown> = {};
  for (const key of Object.keys(v)) own(o, key, structuredCloneShared((v as Record<string, unknown>)[key]));
  return o;
}

/** Some of a copy's values drawn again. */
function redraw(v: unknown, draw: () => unknown, rand: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => (rand() < 0.2 ? draw() : redraw(x, draw, rand)));
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) own(o, key, rand() < 0.2 ? draw() : redraw(o[key], draw, rand));
  return o;
}
