// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from './check.js';
import { compileCondition, evaluateConditions, lintCondition, toCelValue } from './conditions.js';
import { certKind, dbKind, secretKind, webKind } from './test-support/kinds.js';

const web = webKind as CheckDefinition<unknown, unknown>;
const cert = certKind as CheckDefinition<unknown, unknown>;
const secret = secretKind as CheckDefinition<unknown, unknown>;
const db = dbKind as CheckDefinition<unknown, unknown>;

const judge = (
  def: CheckDefinition<unknown, unknown>,
  exprs: string[],
  observation: Record<string, unknown>,
  failure?: string,
) =>
  evaluateConditions(
    def,
    exprs.map((e) => compileCondition(def, e)),
    observation,
    failure === undefined ? {} : { failure },
  );

describe('lintCondition', () => {
  it.each([
    ['status == 200', web, undefined],
    ['body.db == "ok"', web, undefined],
    ['"x-request-id" in headers', web, undefined],
    ['body.count == 3 && latency_ms < 500', web, undefined],
    ['days_left > 14', cert, undefined],
    [
      'rows == 1',
      web,
      'unknown variable "rows" in `rows == 1`; web observes: status, headers, body, latency_ms',
    ],
    ['status == "ok"', web, 'no such overload: int == string'],
    ['status >', web, 'is not valid CEL'],
    ['status + 1', web, 'yields int; a condition must be true or false'],
    ['', web, 'non-empty CEL expression'],
    ['size(rows) > 0', db, undefined],
    ['rows[0].n == 1', db, undefined],
  ])('%s', (expr, def, problem) => {
    const message = lintCondition(def as CheckDefinition<unknown, unknown>, expr);
    if (problem === undefined) expect(message).toBeUndefined();
    else expect(message).toContain(problem);
  });
});

describe('evaluateConditions', () => {
  it.each([
    { name: 'int pass', def: web, exprs: ['status == 200'], obs: { status: 200 }, status: 'pass' },
    {
      name: 'int fail shows the value',
      def: web,
      exprs: ['status == 200'],
      obs: { status: 503 },
      status: 'fail',
      message: 'status == 200 — got status=503',
    },
    {
      name: 'double against an int literal',
      def: cert,
      exprs: ['days_left > 14'],
      obs: { days_left: 4.9 },
      status: 'fail',
      message: 'days_left > 14 — got days_left=4.9',
    },
    {
      name: 'integral double passes',
      def: cert,
      exprs: ['days_left > 14'],
      obs: { days_left: 30 },
      status: 'pass',
    },
    {
      name: 'nested dyn field shows the path',
      def: web,
      exprs: ['body.db == "ok"'],
      obs: { body: { db: 'down' } },
      status: 'fail',
      message: 'body.db == "ok" — got body.db="down"',
    },
    {
      name: 'JSON integers compare as int',
      def: web,
      exprs: ['body.count == 3'],
      obs: { body: { count: 3 } },
      status: 'pass',
    },
    {
      name: 'JSON reals compare with ints',
      def: web,
      exprs: ['body.load < 2'],
      obs: { body: { load: 1.5 } },
      status: 'pass',
    },
    {
      name: 'the first false condition is reported',
      def: web,
      exprs: ['status == 200', 'body.db == "ok"', 'latency_ms < 100'],
      obs: { status: 200, body: { db: 'ok' }, latency_ms: 350.5 },
      status: 'fail',
      message: 'latency_ms < 100 — got latency_ms=350.5',
    },
    {
      name: 'several values of one condition',
      def: web,
      exprs: ['status == 200 && body.db == "ok"'],
      obs: { status: 503, body: { db: 'down' } },
      status: 'fail',
      message: 'status == 200 && body.db == "ok" — got status=503, body.db="down"',
    },
    {
      name: 'a missing key fails with the reason',
      def: web,
      exprs: ['body.db == "ok"'],
      obs: { body: { status: 'x' } },
      status: 'fail',
      message: 'body.db == "ok" — No such key: db; got body.db=<absent>',
    },
    {
      name: 'header membership',
      def: web,
      exprs: ['"x-request-id" in headers'],
      obs: { headers: { 'x-request-id': 'abc' } },
      status: 'pass',
    },
    {
      name: 'a variable the check did not observe is an error',
      def: web,
      exprs: ['status == 200'],
      obs: { body: {} },
      status: 'error',
      message: 'cannot evaluate `status == 200`: status was not observed',
    },
    {
      name: 'check failure: conditions over the partial observation still count',
      def: db,
      exprs: ['connected == false'],
      obs: { connected: false },
      failure: 'connect ECONNREFUSED 127.0.0.1:1',
      status: 'pass',
    },
    {
      name: 'check failure: a false condition is an error with the failure message',
      def: db,
      exprs: ['connected'],
      obs: { connected: false },
      failure: 'connect ECONNREFUSED 127.0.0.1:1',
      status: 'error',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    },
    {
      name: 'check failure: a condition over unobserved rows is an error with the failure message',
      def: db,
      exprs: ['size(rows) == 1'],
      obs: { connected: false },
      failure: 'connect ECONNREFUSED 127.0.0.1:1',
      status: 'error',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    },
    {
      name: 'rows of maps',
      def: db,
      exprs: ['rows[0].n == 1 && count == 1'],
      obs: { connected: true, rows: [{ n: 1 }], count: 1 },
      status: 'pass',
    },
  ])('$name', ({ def, exprs, obs, failure, status, message }) => {
    const verdict = judge(def as CheckDefinition<unknown, unknown>, exprs, obs, failure);
    expect(verdict.status).toBe(status);
    if (message !== undefined) expect(verdict.message).toBe(message);
  });

  it('never shows a secret variable, only its fingerprint', () => {
    const value = 'sup3r-s3cret-value-0123456789abc';
    const verdict = judge(secret, ['value == "expected"'], { set: true, value, length: value.length });
    expect(verdict.status).toBe('fail');
    expect(verdict.message).not.toContain(value);
    expect(verdict.message).toMatch(/^value == "expected" — got value=\[secret len=32 sha256=[0-9a-f]{8}\]$/);
  });

  it('redacts known secrets inside shown values', () => {
    const verdict = evaluateConditions(
      web,
      [compileCondition(web, 'body.url == "x"')],
      { body: { url: 'https://example.com/?k=hunter2hunter2' } },
      { known: new Map([['hunter2hunter2', '${API_KEY}']]) },
    );
    expect(verdict.message).toBe('body.url == "x" — got body.url="https://example.com/?k=${API_KEY}"');
  });
});

describe('toCelValue', () => {
  it.each([
    ['int', 200, 200n],
    ['double', 4n, 4],
    ['double', 4.9, 4.9],
    ['dyn', { a: [1, 1.5, 'x', null] }, { a: [1n, 1.5, 'x', null] }],
    ['list<double>', [1, 2], [1, 2]],
    ['map<string, int>', { a: 1 }, { a: 1n }],
    ['map<string, double>', { a: 1 }, { a: 1 }],
  ])('%s %o', (type, input, output) => {
    expect(toCelValue(type, input)).toEqual(output);
  });
});
