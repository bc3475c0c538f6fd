import { describe, expect, it } from 'vitest';
import type { CheckDefinition, Observation } from './check.js';
import { shapeObserved } from './outcome.js';
import { type PreparedCheck, prepareCheck } from './prepare.js';
import { itemWith, registryOf, secretKind, webKind } from './test-support/kinds.js';

/** Observed values as they leave the engine: the same keys in the same order, however they are copied. */

const registry = registryOf(
  webKind as CheckDefinition<unknown, unknown>,
  secretKind as CheckDefinition<unknown, unknown>,
);
const source = { environment: 'production', block: {}, env: {} };

function prepared(kind: 'web' | 'secret', target: string): PreparedCheck {
  const p = prepareCheck(itemWith(`i/${kind}`, { kind, target }), registry, source);
  if (!('check' in p)) throw new Error(p.outcome.message);
  return p.check;
}

describe('shapeObserved', () => {
  it('keeps every key of a full observation in its order, values redacted and cut', () => {
    const observation: Observation = {
      status: 200,
      headers: { 'set-cookie': 'sid=abc', server: 'nginx' },
      body: { ok: true },
      text: 'x'.repeat(5000),
      truncated: false,
      latency_ms: 3,
      location: '',
    };
    const shaped = shapeObserved(prepared('web', 'api/ready'), observation);
    expect(Object.keys(shaped)).toEqual(Object.keys(observation));
    expect(shaped.headers).toEqual({ 'set-cookie': '[redacted]', server: 'nginx' });
    expect(shaped.text).toMatch(/… \(cut to 4096 characters\)$/);
    expect(shaped).not.toBe(observation);
    // The kind's own object is left as it was.
    expect(observation.headers).toEqual({ 'set-cookie': 'sid=abc', server: 'nginx' });
  });

  it('leaves out keys without a value, and symbols, as before', () => {
    const hidden = Symbol('hidden');
    const observation = { status: 503, location: undefined, body: 'down' } as Observation;
    expect(JSON.stringify(shapeObserved(prepared('web', 'api/down'), observation))).toBe(
      '{"status":503,"body":"down"}',
    );
    const withSymbol = { status: 200, [hidden]: 'x' } as unknown as Observation;
    const shaped = shapeObserved(prepared('web', 'api/ready'), withSymbol);
    expect(Object.getOwnPropertySymbols(shaped)).toEqual([]);
    expect(shaped).toEqual({ status: 200 });
  });

  it('keeps no `__proto__` key an observation parsed from JSON has, as before', () => {
    const observation = JSON.parse('{"status":200,"__proto__":{"polluted":true},"body":"ok"}') as Observation;
    const shaped = shapeObserved(prepared('web', 'api/odd'), observation);
    expect(JSON.stringify(shaped)).toBe('{"status":200,"body":"ok"}');
    expect(Object.hasOwn(shaped, '__proto__')).toBe(false);
  });

  it('shows a secret variable as its fingerprint, whichever way the observation is copied', () => {
    const check = prepared('secret', 'TOKEN');
    const full = shapeObserved(check, { set: true, value: 'hunter2-secret-value', length: 20 });
    const partial = shapeObserved(check, { set: true, value: 'hunter2-secret-value', length: undefined });
    expect(full.value).toMatch(/^\[secret len=20 sha256=/);
    expect(partial.value).toBe(full.value);
    expect(JSON.stringify([full, partial])).not.toContain('hunter2');
  });
});
