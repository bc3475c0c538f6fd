import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../engine/check.js';
import env from './env.js';
import { celEnvironment, holds } from './test-support/cel.js';

function ctx(vars: Record<string, string | undefined>): CheckContext {
  return { signal: new AbortController().signal, timeoutMs: 5000, baseDir: process.cwd(), env: vars };
}

const run = (target: string, vars: Record<string, string | undefined>) =>
  env.run(env.target.parse(target), env.options.parse({}), ctx(vars));

describe('env target', () => {
  it.each([
    ['DATABASE_URL', 'DATABASE_URL', undefined],
    [' NODE_ENV ', 'NODE_ENV', undefined],
    ['RATE_LIMIT_*', undefined, 'RATE_LIMIT_*'],
    ['FEATURE_?', undefined, 'FEATURE_?'],
  ])('%j is parsed once into a name or a compiled glob', (text, name, glob) => {
    const target = env.target.parse(text);
    expect(target.glob).toBe(glob);
    if (name !== undefined) expect(target).toEqual({ name });
  });

  it('a compiled glob matches whole names, dots included', () => {
    const target = env.target.parse('APP_*');
    expect(target.glob !== undefined && ['APP_A.B', 'MY_APP_A'].map((n) => target.matches(n))).toEqual([
      true,
      false,
    ]);
  });

  it.each(['', 'TWO WORDS'])('%j is refused', (text) => {
    expect(env.target.safeParse(text).success).toBe(false);
  });
});

describe('env kind', () => {
  const vars = {
    DATABASE_URL: 'postgres://app:s3cret@db:5432/app',
    MAINTENANCE_MODE_DEFAULT: 'false',
    EMPTY: '',
    RATE_LIMIT_RPS: '100',
    RATE_LIMIT_BURST: '20',
    RATE_LIMITER: 'on',
    UNSET_BY_ENGINE: undefined,
  };

  it.each([
    {
      name: 'a set variable',
      target: 'MAINTENANCE_MODE_DEFAULT',
      observed: { set: true, value: 'false', length: 5, names: ['MAINTENANCE_MODE_DEFAULT'], count: 1 },
      passes: true,
    },
    {
      name: 'a missing variable fails the default',
      target: 'SENTRY_DSN',
      observed: { set: false, value: '', length: 0, names: [], count: 0 },
      passes: false,
    },
    {
      name: 'an undefined entry counts as unset',
      target: 'UNSET_BY_ENGINE',
      observed: { set: false, value: '', length: 0, names: [], count: 0 },
      passes: false,
    },
    {
      name: 'set to the empty string is still set',
      target: 'EMPTY',
      observed: { set: true, value: '', length: 0, names: ['EMPTY'], count: 1 },
      passes: true,
    },
    {
      name: 'a glob collects the matching names, sorted, and reads the first',
      target: 'RATE_LIMIT_*',
      observed: {
        set: true,
        value: '20',
        length: 2,
        names: ['RATE_LIMIT_BURST', 'RATE_LIMIT_RPS'],
        count: 2,
      },
      passes: true,
    },
    {
      name: 'a glob that matches nothing is unset',
      target: 'FEATURE_*',
      observed: { set: false, value: '', length: 0, names: [], count: 0 },
      passes: false,
    },
    {
      name: 'a brace glob',
      target: 'RATE_LIMIT{ER,_RPS}',
      observed: { set: true, value: 'on', length: 2, names: ['RATE_LIMITER', 'RATE_LIMIT_RPS'], count: 2 },
      passes: true,
    },
  ])('$name', async ({ target, observed, passes }) => {
    const got = await run(target, vars);
    expect(got).toEqual(observed);
    expect(holds(env, env.defaultExpect, got)).toBe(passes);
  });

  it('names are matched case-sensitively, as the process sees them', async () => {
    expect((await run('rate_limit_*', vars)).count).toBe(0);
  });

  it.each([
    { conditions: ['value == "false"'], target: 'MAINTENANCE_MODE_DEFAULT', passes: true },
    { conditions: ['value == "true"'], target: 'MAINTENANCE_MODE_DEFAULT', passes: false },
    { conditions: ['value.startsWith("postgres://")', 'length > 10'], target: 'DATABASE_URL', passes: true },
    { conditions: ['count >= 2', '"RATE_LIMIT_RPS" in names'], target: 'RATE_LIMIT_*', passes: true },
    { conditions: ['names.all(n, n.startsWith("RATE_LIMIT_"))'], target: 'RATE_LIMIT_*', passes: true },
    { conditions: ['!set'], target: 'DEBUG', passes: true },
  ])('typical expectation $conditions on $target', async ({ conditions, target, passes }) => {
    for (const c of conditions)
      expect(celEnvironment(env).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    expect(holds(env, conditions, await run(target, vars))).toBe(passes);
  });

  it('declares only what it observes, and the value as secret', async () => {
    expect(Object.keys(await run('DATABASE_URL', vars)).sort()).toEqual(Object.keys(env.variables).sort());
    expect(env.variables.value?.secret).toBe(true);
    for (const c of env.defaultExpect) expect(celEnvironment(env).check(c), c).toMatchObject({ valid: true });
    // Conditions on variables the kind does not declare are refused before anything runs.
    expect(celEnvironment(env).check('status == 200').valid).toBe(false);
  });

  it.each(['', 'TWO WORDS'])('refuses the target "%s"', (target) => {
    expect(env.target.safeParse(target).success).toBe(false);
  });

  it('has no options of its own', () => {
    expect(env.options.safeParse({ read: true }).success).toBe(false);
  });
});
