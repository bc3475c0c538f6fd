import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from './check.js';
import { type PreparedCheck, prepareCheck, prepareMemo } from './prepare.js';
import { type CheckCommon, sharedCommon } from './prepared-check.js';
import { itemWith, registryOf, webKind } from './test-support/kinds.js';

/** Prepared checks share their kind, options, conditions, limits, host and secrets while these repeat. */

const registry = registryOf(webKind as CheckDefinition<unknown, unknown>);
const source = { environment: 'production', block: {}, env: {} };

function prepared(p: ReturnType<typeof prepareCheck>): PreparedCheck {
  if (!('check' in p)) throw new Error(`not prepared: ${p.outcome.message}`);
  return p.check;
}

/** What a prepared check reads as, field by field (getters included). */
const fields = (c: PreparedCheck) => ({
  item: c.item.id,
  def: c.def.kind,
  target: c.target,
  options: c.options,
  conditions: c.conditions.map((x) => x.expr),
  timeoutMs: c.timeoutMs,
  retries: c.retries,
  retryDelayMs: c.retryDelayMs,
  host: c.host,
  known: [...c.known],
});

describe('sharedCommon', () => {
  const base: CheckCommon = {
    def: webKind as CheckDefinition<unknown, unknown>,
    options: {},
    conditions: [],
    timeoutMs: 10_000,
    retries: 0,
    retryDelayMs: 1_000,
    host: 'a',
    known: new Map(),
  };

  it('gives the last common part again while every value is the same, frozen', () => {
    const memo = { last: undefined };
    const first = sharedCommon({ ...base }, memo);
    expect(sharedCommon({ ...base }, memo)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { timeoutMs: number }).timeoutMs = 1;
    }).toThrow(TypeError);
  });

  // Each field changed alone makes a part of its own, with that value; the one after it is new again.
  it.each(Object.keys(base) as (keyof CheckCommon)[])('makes a new part when %s differs', (key) => {
    const memo = { last: undefined };
    const first = sharedCommon({ ...base }, memo);
    const other = { ...base, [key]: key === 'known' ? new Map() : key === 'def' ? { ...base.def } : 7 };
    const second = sharedCommon(other, memo);
    expect(second).not.toBe(first);
    expect(second[key]).toBe(other[key]);
    expect(first[key]).toBe(base[key]);
    expect(sharedCommon({ ...base }, memo)).not.toBe(second);
  });

  it('shares nothing without a memo', () => {
    expect(sharedCommon({ ...base }, undefined)).not.toBe(sharedCommon({ ...base }, undefined));
  });
});

describe('prepared checks of a run', () => {
  it('read exactly what each item says, whatever its neighbours share', () => {
    const memo = prepareMemo();
    const items = [
      itemWith('c/a', { kind: 'web', target: 'a/1' }),
      itemWith('c/b', { kind: 'web', target: 'a/2' }),
      itemWith('c/slow', { kind: 'web', target: 'a/3', timeout: '5s', retries: 2 }),
      itemWith('c/other-host', { kind: 'web', target: 'b/4' }),
      itemWith('c/d', { kind: 'web', target: 'a/5', expect: ['status == 204'] }),
      itemWith('c/e', { kind: 'web', target: 'a/6' }),
    ];
    const withMemo = items.map((i) => fields(prepared(prepareCheck(i, registry, source, memo))));
    // Each prepared alone (no memo: nothing shared) reads the same.
    const alone = items.map((i) => fields(prepared(prepareCheck(i, registry, source))));
    expect(withMemo).toEqual(alone);
    expect(withMemo[2]).toMatchObject({ timeoutMs: 5_000, retries: 2 });
    expect(withMemo[1]).toMatchObject({ timeoutMs: 10_000, retries: 0 });
    expect(withMemo[5]).toMatchObject({ timeoutMs: 10_000, conditions: withMemo[0]!.conditions });
    expect(withMemo[4]!.conditions).toEqual(['status == 204']);
    expect(withMemo[3]!.host).toBe('b');
  });

  it('cannot be changed by whoever holds one (so no check changes another)', () => {
    const memo = prepareMemo();
    const [a, b] = ['a/1', 'a/2'].map((t) =>
      prepared(prepareCheck(itemWith(`c/${t}`, { kind: 'web', target: t }), registry, source, memo)),
    );
    expect(() => {
      (a as { timeoutMs: number }).timeoutMs = 1;
    }).toThrow(TypeError);
    expect(() => {
      (a as { conditions: unknown }).conditions = [];
    }).toThrow(TypeError);
    expect(b!.timeoutMs).toBe(10_000);
    expect(a!.target).toBe('a/1');
    expect(b!.target).toBe('a/2');
  });
});
