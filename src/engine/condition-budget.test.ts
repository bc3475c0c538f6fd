import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from './check.js';
import { compileCondition, lintCondition } from './conditions.js';
import { webKind } from './test-support/kinds.js';

const web = webKind as CheckDefinition<unknown, unknown>;
const twenty = `[${Array.from({ length: 20 }, (_, i) => i).join(',')}]`;
const nested = (depth: number): string => {
  const vars = 'abcdefgh'.slice(0, depth).split('');
  return vars.reduceRight((body, v) => `${twenty}.exists(${v}, ${body})`, `${vars.join('+')} < 0`);
};

describe('conditions under a budget', () => {
  it.each([
    [
      'a regular expression with a repetition inside a repetition',
      'headers.server.matches("^(a+)+$")',
      /can backtrack without bound/,
    ],
    [
      'an invalid regular expression',
      'headers.server.matches("(a")',
      /regular expression "\(a" is not valid/,
    ],
    [
      'six nested comprehensions over 20 elements',
      nested(6),
      /20 × 20 × 20 × 20 × 20 × 20 elements .* over the budget/,
    ],
    ['five nested comprehensions over 20 elements', nested(5), /over the budget of 200,000/],
  ])('lint refuses %s', (_name, expr, message) => {
    expect(lintCondition(web, expr)).toMatch(message);
  });

  it.each([
    ['a linear regular expression', 'headers.server.matches("^a+$")', true],
    ['an anchored alternation', 'headers.server.matches("^(ok|up)$")', true],
    ['three nested comprehensions over 20 elements', nested(3), false],
    ['a comprehension over observed data', 'body.items.exists(i, i.ok)', true],
    ['a comparison', 'status == 200', false],
  ])('lint accepts %s: %s (time-limited at run time: %s)', (_name, expr, bounded) => {
    expect(lintCondition(web, expr)).toBeUndefined();
    expect(compileCondition(web, expr).bounded).toBe(bounded);
  });
});
