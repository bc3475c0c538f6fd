import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { generator } from '../test-support/random.js';
import { type CheckDefinition, defineCheck, type Observation } from './check.js';
import { compileCondition, evaluateConditions, toCelValue } from './conditions.js';

const kind = defineCheck({
  kind: 'fast',
  summary: 'variables of every type the shortcut reads',
  target: z.string(),
  options: z.strictObject({}),
  variables: {
    status: { type: 'int', description: 'status' },
    body: { type: 'dyn', description: 'body' },
    headers: { type: 'map<string, string>', description: 'headers' },
    text: { type: 'string', description: 'text' },
    truncated: { type: 'bool', description: 'truncated' },
    ms: { type: 'double', description: 'ms' },
  },
  defaultExpect: [],
  async run() {
    return {};
  },
}) as CheckDefinition<unknown, unknown>;

const CONDITIONS = [
  'status == 200',
  '200 == status',
  'status != 500',
  'status < 400',
  '400 > status',
  'status >= 200',
  'status <= 199',
  'body.ok == true',
  'body.ok != false',
  'body.n == 3',
  'body.n < 10',
  'body.n > 9007199254740990',
  'body.a.b == "x"',
  'body.s == "a"',
  'body.s != "a"',
  'body.constructor == "x"',
  'body == 3',
  'body == "3"',
  '"x-request-id" in headers',
  '"constructor" in headers',
  'text == "hello"',
  'text != "hello"',
  'truncated == false',
  'truncated != true',
  'status == 9007199254740993',
  'ms < 2.5',
];

class Box {
  ok = true;
}
const withProto = JSON.parse('{"__proto__": {"ok": true}, "ok": true, "n": 3}');
const bare = Object.assign(Object.create(null), { ok: true, n: 3, s: 'a', a: { b: 'x' } });
const POOLS: Record<string, unknown[]> = {
  status: [200, 200.5, 500, 199, 0, -0, 2 ** 53, 2 ** 53 + 2, '200', 200n, null, undefined, true],
  body: [
    { ok: true, n: 3, s: 'a', a: { b: 'x' } },
    { ok: 'true', n: 3.5, s: 1, a: { b: 1 } },
    { ok: false, n: 2 ** 60, s: 'b', a: null },
    { ok: undefined, n: -3, constructor: 'x' },
    { a: { b: new Date(0) } },
    { a: JSON.parse('{"__proto__": {"b": "x"}, "b": "x"}'), n: 3 },
    { a: { b: 'x', constructor: 'y' }, n: 3 },
    bare,
    withProto,
    new Box(),
    [true],
    new Map([['ok', true]]),
    null,
    undefined,
    3,
    3.5,
    '3',
    true,
  ],
  headers: [
    { 'x-request-id': '1' },
    {},
    { 'x-request-id': undefined },
    { 'x-request-id': '1', constructor: 'c' },
    new (class Headers {
      'x-request-id' = '1';
    })(),
    Object.assign(Object.create(null), { 'x-request-id': '1', constructor: 'c' }),
    new Map([['x-request-id', '1']]),
    ['x-request-id'],
    null,
    undefined,
  ],
  text: ['hello', 'Hello', 5, null, undefined],
  truncated: [false, true, 'false', 0, null],
  ms: [1, 2.4, 3, null],
};

/** What CEL itself says, as evaluateConditions asks it: true only when the condition holds. */
function celHolds(expr: string, observation: Observation): boolean {
  const condition = compileCondition(kind, expr);
  const context: Record<string, unknown> = {};
  for (const root of condition.roots) {
    const value = observation[root];
    const type = kind.variables[root]!.type;
    if (value === undefined || (value === null && type !== 'dyn')) return false; // refused, not true
    context[root] = toCelValue(type, value);
  }
  try {
    return condition.program(context) === true;
  } catch {
    return false;
  }
}

/** A few thousand observations mixing every value of every pool (deterministic). */
function observations(): Observation[] {
  const out: Observation[] = [];
  const names = Object.keys(POOLS);
  const { pick } = generator(7);
  for (let n = 0; n < 3000; n++) {
    const o: Observation = {};
    for (const name of names) {
      const pool = POOLS[name]!;
      const value = pick(pool);
      if (value !== undefined) o[name] = value;
    }
    out.push(o);
  }
  // And each value of each pool beside an otherwise typical observation.
  for (const name of names) {
    for (const value of POOLS[name]!) {
      out.push({ status: 200, body: { ok: true }, headers: { 'x-request-id': '1' }, [name]: value });
    }
  }
  return out;
}

describe('the shortcut for simple conditions', () => {
  it('holds only where CEL says true, and where it holds it agrees with CEL', () => {
    let held = 0;
    for (const observation of observations()) {
      for (const expr of CONDITIONS) {
        const holds = compileCondition(kind, expr).holds;
        if (!holds?.(observation)) continue;
        held++;
        expect([expr, observation, celHolds(expr, observation)]).toEqual([expr, observation, true]);
      }
    }
    expect(held).toBeGreaterThan(1000);
  });

  it("covers the bench's conditions, not costly or double ones", () => {
    const nginx = {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': 'abc' },
      body: { ok: true, item: 3 },
    };
    for (const expr of ['status == 200', 'body.ok == true', '"x-request-id" in headers']) {
      expect(compileCondition(kind, expr).holds?.(nginx)).toBe(true);
    }
    for (const expr of ['ms < 2.5', 'text.matches("^h")', 'body.ok == true && status == 200']) {
      expect(compileCondition(kind, expr).holds).toBeUndefined();
    }
  });

  it('gives evaluateConditions the same verdicts and messages as CEL alone', () => {
    const conditions = ['status == 200', 'body.ok == true', '"x-request-id" in headers'].map((e) =>
      compileCondition(kind, e),
    );
    const plain = conditions.map(({ holds: _, ...rest }) => rest);
    for (const observation of observations()) {
      expect(evaluateConditions(kind, conditions, observation)).toEqual(
        evaluateConditions(kind, plain, observation),
      );
    }
  });
});
