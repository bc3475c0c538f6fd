import { describe, expect, it } from 'vitest';
import { isShared } from '../model/shared-text.js';
import type { CheckDefinition, Observation } from './check.js';
import { MAX_OBSERVED_STRING, shapeObserved } from './outcome.js';
import { type PreparedCheck, prepareCheck } from './prepare.js';
import { plainCopy, redactField } from './redact.js';
import { SHARE_MAX_FIELDS, shapeRepeated, sharedShape, sharedShapes } from './shape-share.js';
import { itemWith, registryOf, webKind } from './test-support/kinds.js';

/** Shaped headers and bodies shared between outcomes while they repeat: never a different value. */

const registry = registryOf(webKind as CheckDefinition<unknown, unknown>);
const source = { environment: 'production', block: {}, env: {} };

function prepared(target: string): PreparedCheck {
  const p = prepareCheck(itemWith(`i/${target}`, { kind: 'web', target }), registry, source);
  if (!('check' in p)) throw new Error(p.outcome.message);
  return p.check;
}
const check = prepared('api/ready');

/** What the redaction walk alone makes of a field: the value every output must show. */
const walked = (name: string, value: unknown) => redactField(name, value, check.known, MAX_OBSERVED_STRING);
const text = (v: unknown) => JSON.stringify(v);
const keysOf = (v: unknown) => (typeof v === 'object' && v !== null ? Object.keys(v) : []);

const nginx = () => ({
  server: 'nginx/1.22.1',
  date: 'Mon, 07 Dec 2026 10:00:00 GMT',
  'content-type': 'application/json',
  'content-length': '11',
  connection: 'keep-alive',
  'x-request-id': 'bench',
});
const observe = (headers: Record<string, unknown>, body: unknown = { ok: true }): Observation => ({
  status: 200,
  headers,
  body,
  text: '{"ok":true}',
  latency_ms: 1.25,
});

describe('sharedShape', () => {
  it('gives a later outcome the object an earlier one keeps when its headers and body repeat', () => {
    const first = shapeObserved(check, observe(nginx()));
    const second = shapeObserved(check, observe(nginx()));
    expect(second.headers).toBe(first.headers);
    expect(second.body).toBe(first.body);
    expect(text(second)).toBe(text(walked('x', observe(nginx()))));
    // Shared, so frozen: no holder of one outcome can change what another shows.
    expect(Object.isFrozen(second.headers)).toBe(true);
    expect(() => {
      (second.headers as Record<string, unknown>).server = 'changed';
    }).toThrow(TypeError);
  });

  // Each case: a field kept first, then another value for it; the second must show exactly its own shape.
  const cases: { name: string; first: unknown; next: unknown; shared: boolean }[] = [
    { name: 'the same values', first: nginx(), next: nginx(), shared: true },
    {
      name: 'a value changed',
      first: nginx(),
      next: { ...nginx(), date: 'Mon, 07 Dec 2026 10:00:01 GMT' },
      shared: false,
    },
    { name: 'a key added', first: nginx(), next: { ...nginx(), vary: 'accept' }, shared: false },
    { name: 'a key missing', first: { a: '1', b: '2' }, next: { a: '1' }, shared: false },
    { name: 'the keys reordered', first: { a: '1', b: '2' }, next: { b: '2', a: '1' }, shared: false },
    { name: 'a number for a string', first: { n: '1' }, next: { n: 1 }, shared: false },
    { name: '-0 for 0', first: { n: 0 }, next: { n: -0 }, shared: false },
    { name: 'false for null', first: { v: null }, next: { v: false }, shared: false },
    {
      name: 'numbers and booleans repeated',
      first: { n: 1.5, b: true, z: null },
      next: { n: 1.5, b: true, z: null },
      shared: true,
    },
    {
      name: 'the same credential redacted',
      first: { authorization: 'Bearer aaaaaaaaaa' },
      next: { authorization: 'Bearer bbbbbbbbbb' },
      shared: true,
    },
    { name: 'a nested object (never kept)', first: { a: { b: 1 } }, next: { a: { b: 1 } }, shared: false },
    {
      name: 'a long string (never kept)',
      first: { t: 'x'.repeat(300) },
      next: { t: 'x'.repeat(300) },
      shared: false,
    },
    { name: 'an array (never kept)', first: ['a'], next: ['a'], shared: false },
    { name: 'too many keys (never kept)', first: wide(40), next: wide(40), shared: false },
    { name: 'a null prototype repeated', first: bare({ a: '1' }), next: bare({ a: '1' }), shared: true },
  ];
  for (const { name, first, next, shared } of cases) {
    it(`${name}: ${shared ? 'shared' : 'a copy of its own'}, showing its own values`, () => {
      const field = `case ${name}`;
      const a = shapeObserved(check, { [field]: first } as Observation)[field];
      const b = shapeObserved(check, { [field]: next } as Observation)[field];
      expect(text(b)).toBe(text(walked(field, next)));
      expect(keysOf(b)).toEqual(keysOf(walked(field, next)));
      if (shared) expect(b).toBe(a);
      else expect(b).not.toBe(a);
    });
  }

  it('shows what the walk shows for generated objects, repeated or not, in any order of arrival', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const values = [
      'a',
      'b',
      '',
      'nginx',
      0,
      -0,
      1,
      2.5,
      true,
      false,
      null,
      'x'.repeat(257),
      Number.NaN,
      Infinity,
    ];
    const keys = ['a', 'b', 'c', 'date', 'set-cookie', '__proto__', '1', 'constructor'];
    const pool: Record<string, unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      if (pool.length > 0 && random(2) === 0) {
        // A repeat: the same keys and values as one seen before, in a new object.
        pool.push(JSON.parse(JSON.stringify(pool[random(pool.length)]!)) as Record<string, unknown>);
        continue;
      }
      const o: Record<string, unknown> = random(5) === 0 ? Object.create(null) : {};
      for (let k = random(5); k > 0; k--) o[keys[random(keys.length)]!] = values[random(values.length)];
      pool.push(o);
    }
    for (const [i, value] of pool.entries()) {
      const field = `f${i % 3}`;
      const shaped = shapeObserved(check, { [field]: value } as Observation)[field];
      const expected = walked(field, value);
      expect(text(shaped)).toBe(text(expected));
      expect(keysOf(shaped)).toEqual(keysOf(expected));
      expect(Object.getPrototypeOf(shaped)).toBe(Object.getPrototypeOf(expected));
    }
  });

  it('registers a kept object for its texts to be written once from its first repeat on, not before', () => {
    const once = sharedShape('marked', { ...nginx(), date: 'once' }) as object;
    expect(isShared(once)).toBe(false);
    const first = sharedShape('marked', nginx()) as object;
    expect(isShared(first)).toBe(false);
    expect(sharedShape('marked', nginx())).toBe(first);
    expect(isShared(first)).toBe(true);
    expect(isShared(once)).toBe(false);
  });

  it('keeps one object per field name, for a bounded number of names', () => {
    for (let i = 0; i < SHARE_MAX_FIELDS * 3; i++) sharedShape(`name ${i}`, { i: String(i) });
    expect(sharedShapes()).toBeLessThanOrEqual(SHARE_MAX_FIELDS);
  });

  it('returns anything else as it is', () => {
    for (const v of ['text', 1, null, undefined, true]) expect(sharedShape('x', v)).toBe(v);
    const frozen = Object.freeze({ a: '1' });
    expect(sharedShape('frozen', frozen)).toBe(frozen);
    expect(sharedShape('frozen', { a: '1' })).not.toBe(frozen);
  });
});

describe('shapeRepeated: a repeat of an object the walk left as it was is not walked again', () => {
  const copyOf = (name: string, value: unknown) => plainCopy(name, value)!;

  it('knows what equal headers shape to once they came out of the walk unchanged, under the same secrets', () => {
    const first = shapeObserved(check, observe(nginx())).headers;
    expect(shapeRepeated('headers', copyOf('headers', nginx()), check.known)).toBe(first);
    // A changed value, another set of known secrets: not known without the walk.
    const later = { ...nginx(), date: 'Mon, 07 Dec 2026 10:00:09 GMT' };
    expect(shapeRepeated('headers', copyOf('headers', later), check.known)).toBeUndefined();
    expect(shapeRepeated('headers', copyOf('headers', nginx()), new Map())).toBeUndefined();
  });

  it('walks every time an object whose values the walk changes: a credential, a cut text, a number it converts', () => {
    const changed: Record<string, unknown>[] = [
      { authorization: 'Bearer aaaaaaaaaa' },
      { link: 'https://user:hunter2hunter2@example.com/' },
      { t: 'x'.repeat(MAX_OBSERVED_STRING + 1) },
      { n: Number.NaN },
    ];
    for (const [i, value] of changed.entries()) {
      const field = `changed ${i}`;
      const first = shapeObserved(check, { [field]: value } as Observation)[field];
      expect(shapeRepeated(field, copyOf(field, { ...value }), check.known)).toBeUndefined();
      const again = shapeObserved(check, { [field]: { ...value } } as Observation)[field];
      expect(text(again)).toBe(text(first));
      expect(text(again)).toBe(text(walked(field, value)));
    }
  });

  it("hides a check's own secret in headers another check showed as they were", () => {
    const env = { API_TOKEN: 'hunter2hunter2hunter2' };
    const p = prepareCheck(itemWith('i/secret', { kind: 'web', target: 'api/ready' }), registry, {
      ...source,
      env,
    });
    if (!('check' in p)) throw new Error(p.outcome.message);
    const echoed = () => ({ ...nginx(), 'x-echo': 'hunter2hunter2hunter2' });
    const plain = shapeObserved(check, observe(echoed())).headers as Record<string, unknown>;
    expect(plain['x-echo']).toBe('hunter2hunter2hunter2');
    const hidden = shapeObserved(p.check, observe(echoed())).headers as Record<string, unknown>;
    expect(hidden['x-echo']).toBe('${API_TOKEN}');
    expect(JSON.stringify(shapeObserved(p.check, observe(echoed())))).not.toContain('hunter2');
  });

  it('reads each value of a repeated object once, as the walk does', () => {
    let reads = 0;
    const counted = () => ({
      ...nginx(),
      get server() {
        reads++;
        return 'nginx/1.22.1';
      },
    });
    const first = shapeObserved(check, observe(counted())).headers;
    reads = 0;
    const again = shapeObserved(check, observe(counted())).headers;
    expect(reads).toBe(1);
    expect(again).toBe(first);
  });
});

function wide(n: number): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < n; i++) o[`k${i}`] = 'v';
  return o;
}

function bare(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, entries);
}
