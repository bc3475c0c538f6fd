// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type CheckDefinition, defineCheck } from './check.js';
import { type PreparedCheck, prepareCheck, prepareMemo } from './prepare.js';
import { itemWith, registryOf } from './test-support/kinds.js';

/** A kind whose options schema counts its parses and fills in defaults. */
let parses = 0;
const counted = defineCheck({
  kind: 'counted',
  summary: 'test kind counting option parses',
  target: z.string().min(1),
  options: z
    .strictObject({
      headers: z.record(z.string(), z.string()).optional(),
      retries_too: z.number().optional(),
    })
    .transform((o) => {
      parses++;
      return { headers: o.headers ?? {}, limit: o.retries_too ?? 3 };
    }),
  variables: { status: { type: 'int', description: 'status' } },
  defaultExpect: ['status == 200'],
  async run() {
    return { status: 200 };
  },
});
const registry = registryOf(counted as CheckDefinition<unknown, unknown>);
const source = { environment: 'production', block: { TOKEN_HEADER: 'x-token' }, env: {} };

function prepared(p: ReturnType<typeof prepareCheck>): PreparedCheck {
  if (!('check' in p)) throw new Error(`not prepared: ${p.outcome.message}`);
  return p.check;
}

describe('prepareCheck with a run memo', () => {
  it('parses the options of checks that give none once per run, and shares them frozen', () => {
    parses = 0;
    const memo = prepareMemo();
    const checks = ['a', 'b', 'c'].map((id) =>
      prepared(prepareCheck(itemWith(`x/${id}`, { kind: 'counted', target: id }), registry, source, memo)),
    );
    expect(parses).toBe(1);
    expect(checks.map((c) => c.options)).toEqual([0, 1, 2].map(() => ({ headers: {}, limit: 3 })));
    expect(checks[1]!.options).toBe(checks[0]!.options);
    expect(Object.isFrozen(checks[0]!.options)).toBe(true);
    expect(Object.isFrozen((checks[0]!.options as { headers: object }).headers)).toBe(true);
    // Targets are each check's own.
    expect(checks.map((c) => c.target)).toEqual(['a', 'b', 'c']);
  });

  it('parses given options for each check, never handing it the shared value', () => {
    parses = 0;
    const memo = prepareMemo();
    const none = prepared(
      prepareCheck(itemWith('x/none', { kind: 'counted', target: 't' }), registry, source, memo),
    );
    const given = prepared(
      prepareCheck(
        itemWith('x/given', {
          kind: 'counted',
          target: 't',
          options: { headers: { '${TOKEN_HEADER}': 'v' }, retries_too: 5 },
        }),
        registry,
        source,
        memo,
      ),
    );
    const again = prepared(
      prepareCheck(itemWith('x/again', { kind: 'counted', target: 't' }), registry, source, memo),
    );
    expect(given.options).toEqual({ headers: { '${TOKEN_HEADER}': 'v' }, limit: 5 });
    expect(Object.isFrozen(given.options)).toBe(false);
    expect(again.options).toBe(none.options);
    expect(parses).toBe(2);
  });

  it('reports bad options for every check that gives them', () => {
    const memo = prepareMemo();
    for (const id of ['a', 'b']) {
      const p = prepareCheck(
        itemWith(`x/${id}`, { kind: 'counted', target: 't', options: { retries_too: 'many' } }),
        registry,
        source,
        memo,
      );
      expect('outcome' in p && p.outcome.message).toMatch(/option retries_too/);
    }
  });

  it('shares one frozen list of compiled conditions between checks with one list of expressions', () => {
    const memo = prepareMemo();
    const conditions = ['status == 200', 'status != 500'];
    /** An item whose check's `expect` is `list` itself (as items read from the parse cache share one). */
    const item = (id: string, list: string[]) => {
      const it = itemWith(`x/${id}`, { kind: 'counted', target: id });
      it.check.expect = list;
      return it;
    };
    const [a, b, c] = [item('a', conditions), item('b', conditions), item('c', [...conditions])].map((i) =>
      prepared(prepareCheck(i, registry, source, memo)),
    );
    expect(b!.conditions).toBe(a!.conditions);
    expect(Object.isFrozen(a!.conditions)).toBe(true);
    expect(a!.conditions.map((k) => k.expr)).toEqual(conditions);
    // An equal list that is another array: equal conditions (each expression is compiled once anyway).
    expect(c!.conditions).not.toBe(a!.conditions);
    expect(c!.conditions).toEqual(a!.conditions);
    // Without a memo, a check's own list.
    const alone = prepared(prepareCheck(item('d', conditions), registry, source));
    expect(alone.conditions).not.toBe(a!.conditions);
    expect(Object.isFrozen(alone.conditions)).toBe(false);
  });

  it('without a memo, parses for every check', () => {
    parses = 0;
    for (const id of ['a', 'b'])
      prepareCheck(itemWith(`x/${id}`, { kind: 'counted', target: 't' }), registry, source);
    expect(parses).toBe(2);
  });
});

describe('prepareCheck: the per-host limiter keys of a run', () => {
  const hosted = defineCheck({
    kind: 'hosted',
    summary: 'test kind keyed by the host of its target',
    target: z.string().min(1),
    options: z.strictObject({}),
    variables: { status: { type: 'int', description: 'status' } },
    defaultExpect: ['status == 200'],
    hostKey: (target: string) => `${target.split('/')[0]}:80`,
    async run() {
      return { status: 200 };
    },
  });
  const hosts = registryOf(hosted as CheckDefinition<unknown, unknown>);

  it('gives every check its host, keeping one entry per host in the run memo', () => {
    const memo = prepareMemo();
    const targets = ['a.example/1', 'a.example/2', 'b.example/1', 'a.example/3', 'b.example/2'];
    const checks = targets.map((target, i) =>
      prepared(prepareCheck(itemWith(`h/${i}`, { kind: 'hosted', target }), hosts, source, memo)),
    );
    expect(checks.map((c) => c.host)).toEqual([
      'a.example:80',
      'a.example:80',
      'b.example:80',
      'a.example:80',
      'b.example:80',
    ]);
    expect([...memo.hosts.keys()]).toEqual(['a.example:80', 'b.example:80']);
    // Without a memo (the server's single checks) the key is the kind's own.
    const alone = prepared(
      prepareCheck(itemWith('h/alone', { kind: 'hosted', target: 'c.example/1' }), hosts, source),
    );
    expect(alone.host).toBe('c.example:80');
  });
});
