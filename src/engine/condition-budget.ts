import type { ASTNode } from '@marcbachmann/cel-js';
import safeRegex from 'safe-regex2';

/**
 * The budget conditions run under (DESIGN "Conditions run under a budget"). What can be known from the
 * text alone is judged here, when the condition is compiled (so at lint): regular expressions that can
 * backtrack without bound, and nested comprehensions over literal lists whose step count is known. What
 * depends on the observation (the length of a body, of a list) cannot be known then; such conditions are
 * marked `bounded` and evaluated off the main thread under the check's time limit (condition-pool.ts).
 */

/** Evaluation steps a condition may take when its cost is known from its text (about 50 ms of CPU). */
export const STEP_BUDGET = 200_000;

/** The comprehension macros of CEL; each runs its body once per element of its receiver. */
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** What the text of a condition says about its cost. */
export interface ConditionCost {
  /** Evaluation needs a time limit: it iterates over observed data or runs a regular expression. */
  bounded: boolean;
  /** Why the condition is refused, for a person; undefined when it is within the budget. */
  problem?: string;
}

interface Walk {
  bounded: boolean;
  problem?: string;
  /** Sizes of the literal lists of the deepest comprehension chain seen, for the message. */
  sizes: number[];
}

/**
 * Judge a parsed condition: refuse unsafe regular expression literals and comprehensions known to exceed
 * the step budget; mark the rest that may be slow as `bounded`.
 * @example assessCondition(env.parse('text.matches("^(a+)+$")').ast).problem // 'regular expression …'
 */
export function assessCondition(ast: ASTNode): ConditionCost {
  const walk: Walk = { bounded: false, sizes: [] };
  const steps = stepsOf(ast, walk, []);
  if (walk.problem) return { bounded: walk.bounded, problem: walk.problem };
  if (steps > STEP_BUDGET) {
    const lists = walk.sizes.map((n) => n.toLocaleString('en-US')).join(' × ');
    return {
      bounded: walk.bounded,
      problem: `nested comprehensions over lists of ${lists} elements take about ${formatSteps(steps)} evaluation steps, over the budget of ${formatSteps(STEP_BUDGET)} (a condition must finish within 100 ms); nest fewer comprehensions or iterate over shorter lists`,
    };
  }
  return { bounded: walk.bounded };
}

function formatSteps(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unbounded';
}

/** Steps to evaluate `node` once; comprehensions multiply their body by the length of a literal list. */
function stepsOf(node: ASTNode, walk: Walk, sizes: number[]): number {
  if (node.op === 'rcall') {
    const [name, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
    if (COMPREHENSIONS.has(name) && args.length >= 2) {
      const length = receiver.op === 'list' ? (receiver.args as ASTNode[]).length : undefined;
      // Over observed data the length is known only at run time: evaluated under a time limit then.
      if (length === undefined) walk.bounded = true;
      const inner = [...sizes, length ?? 1];
      if (length !== undefined && inner.length > walk.sizes.length) walk.sizes = inner.filter((n) => n > 1);
      let body = 0;
      for (const arg of args.slice(1)) body += stepsOf(arg, walk, inner);
      return 1 + stepsOf(receiver, walk, sizes) + (length ?? 1) * body;
    }
    if (name === 'matches' && args.length === 1) checkPattern(args[0]!, walk);
  }
  let steps = 1;
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object' && 'op' in x && 'args' in x)
      steps += stepsOf(x as ASTNode, walk, sizes);
  };
  visit(node.args);
  return steps;
}

/**
 * Every regular expression is evaluated under a time limit (the text it runs over is observed); one
 * written in the condition is also refused now when it is invalid or can backtrack without bound.
 */
function checkPattern(pattern: ASTNode, walk: Walk): void {
  walk.bounded = true;
  if (walk.problem || pattern.op !== 'value' || typeof pattern.args !== 'string') return;
  const source = pattern.args;
  try {
    new RegExp(source);
  } catch (err) {
    walk.problem = `regular expression ${JSON.stringify(source)} is not valid: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
    return;
  }
  if (!safeRegex(source)) {
    walk.problem = `regular expression ${JSON.stringify(source)} can backtrack without bound (a repetition inside a repetition, such as (a+)+): a long text would stall the check; rewrite it without the nested repetition (e.g. "^a+$")`;
  }
}
