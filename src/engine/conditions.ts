import { type ASTNode, Environment, type ParseResult } from '@marcbachmann/cel-js';
import { didYouMean } from '../model/suggest.js';
import { toCelValue } from './cel-values.js';
import type { CheckDefinition, Observation, VariableDecl } from './check.js';
import { assessCondition } from './condition-budget.js';
import { fastHolds, type Holds } from './condition-fast.js';
import type { KnownSecrets } from './redact.js';
import { showValues } from './show-values.js';

export { toCelValue } from './cel-values.js';
export { formatValue, showValues } from './show-values.js';

/**
 * `expect` conditions: CEL (cel-js) over the variables a kind declares. One Environment per kind,
 * expressions compiled once and cached, so 5,000 items sharing `status == 200` parse it once.
 */

type AnyDefinition = CheckDefinition<unknown, unknown>;

/** A condition that type-checked against its kind, ready to evaluate. */
export interface Condition {
  expr: string;
  program: ParseResult;
  /** Declared variables the expression reads. */
  roots: string[];
  /** Variable paths worth showing when it is false (`status`, `body.db`, `rows[0]`). */
  paths: ValuePath[];
  /** Its cost depends on the observation (a comprehension over it, a regular expression): time-limited. */
  bounded: boolean;
  /** A comparison with a literal: whether it holds, answered without CEL (condition-fast.ts). */
  holds?: Holds;
}

/** A chain of field / index accesses rooted at a declared variable. */
export interface ValuePath {
  text: string;
  steps: (string | number)[];
}

/** What the conditions concluded about one observation. */
export interface ConditionVerdict {
  status: 'pass' | 'fail' | 'error';
  message?: string;
}

/** A condition that cannot be compiled for its kind; `message` names the problem for a person. */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
}

const environments = new WeakMap<object, Environment>();
const compiled = new WeakMap<object, Map<string, Condition | ConditionError>>();

/** The CEL environment of a kind: its declared variables with their CEL types. */
export function environmentFor(def: AnyDefinition): Environment {
  let env = environments.get(def);
  if (!env) {
    env = new Environment({ homogeneousAggregateLiterals: false });
    for (const [name, decl] of Object.entries(def.variables)) {
      env.registerVariable(name, decl.type, { description: decl.description });
    }
    environments.set(def, env);
  }
  return env;
}

/**
 * Compile one condition for a kind; throws ConditionError naming an unknown variable (with the kind's
 * variables), a syntax error or a type error.
 * @example compileCondition(http, 'status == 200').roots // ['status']
 */
export function compileCondition(def: AnyDefinition, expr: string): Condition {
  let cache = compiled.get(def);
  if (!cache) {
    cache = new Map();
    compiled.set(def, cache);
  }
  let entry = cache.get(expr);
  if (!entry) {
    try {
      entry = compileUncached(def, expr);
    } catch (err) {
      entry = err instanceof ConditionError ? err : new ConditionError(String(err));
    }
    cache.set(expr, entry);
  }
  if (entry instanceof ConditionError) throw entry;
  return entry;
}

/** Lint one condition: undefined when fine, else the message. */
export function lintCondition(def: AnyDefinition, expr: string): string | undefined {
  try {
    compileCondition(def, expr);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

interface CelError {
  code?: string;
  summary?: string;
  message: string;
  range?: { start: number; end: number };
}

function describe(def: AnyDefinition, expr: string, err: CelError): string {
  const observes = `${def.kind} observes: ${Object.keys(def.variables).join(', ')}`;
  if (err.code === 'unknown_variable') {
    const name = err.range ? expr.slice(err.range.start, err.range.end) : (err.summary ?? '');
    return `unknown variable "${name}" in \`${expr}\`;${didYouMean(name, Object.keys(def.variables))} ${observes}`;
  }
  const why = err.summary ?? err.message.split('\n')[0];
  const at = err.range ? ` at column ${err.range.start + 1}` : '';
  return `condition \`${expr}\` is not valid CEL: ${why}${at}; ${observes}`;
}

function compileUncached(def: AnyDefinition, expr: string): Condition {
  if (typeof expr !== 'string' || expr.trim() === '') {
    throw new ConditionError('a condition must be a non-empty CEL expression such as `status == 200`');
  }
  const env = environmentFor(def);
  let program: ParseResult;
  try {
    program = env.parse(expr);
  } catch (err) {
    throw new ConditionError(describe(def, expr, err as CelError));
  }
  // Checked on the program's own syntax tree: cel-js keeps the types on it, and evaluates a checked tree
  // directly (an unchecked one is type-checked again at every evaluation).
  const checked = program.check();
  if (!checked.valid) throw new ConditionError(describe(def, expr, checked.error as CelError));
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new ConditionError(
      `condition \`${expr}\` yields ${checked.type}; a condition must be true or false (e.g. \`${expr} > 0\`)`,
    );
  }
  const cost = assessCondition(program.ast);
  if (cost.problem) throw new ConditionError(`condition \`${expr}\` is refused: ${cost.problem}`);
  const paths = new Map<string, ValuePath>();
  const roots = new Set<string>();
  collectPaths(program.ast, def.variables, paths, roots);
  const holds = cost.bounded ? undefined : fastHolds(program.ast, def.variables);
  const condition = { expr, program, roots: [...roots], paths: [...paths.values()], bounded: cost.bounded };
  return holds ? { ...condition, holds } : condition;
}

function pathOf(node: ASTNode): (string | number)[] | undefined {
  switch (node.op) {
    case 'id':
      return [node.args];
    case '.':
    case '.?': {
      const base = pathOf(node.args[0]);
      return base ? [...base, node.args[1]] : undefined;
    }
    case '[]':
    case '[?]': {
      const base = pathOf(node.args[0]);
      const index = node.args[1];
      if (!base || index.op !== 'value') return undefined;
      const v = index.args;
      if (typeof v === 'string') return [...base, v];
      if (typeof v === 'bigint' || typeof v === 'number') return [...base, Number(v)];
      return undefined;
    }
    default:
      return undefined;
  }
}

function pathText(steps: (string | number)[]): string {
  let out = String(steps[0]);
  for (const step of steps.slice(1)) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(step)) out += `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

function collectPaths(
  node: ASTNode,
  variables: Record<string, VariableDecl>,
  paths: Map<string, ValuePath>,
  roots: Set<string>,
): void {
  const steps = pathOf(node);
  if (steps && typeof steps[0] === 'string' && Object.hasOwn(variables, steps[0])) {
    roots.add(steps[0]);
    const text = pathText(steps);
    if (!paths.has(text)) paths.set(text, { text, steps });
    return;
  }
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object' && 'op' in x && 'args' in x) {
      collectPaths(x as ASTNode, variables, paths, roots);
    }
  };
  visit(node.args);
}

/** Missing means "not observed"; null only counts as observed for dyn variables (JSON null). */
function isObserved(decl: VariableDecl | undefined, value: unknown): boolean {
  if (value === undefined) return false;
  return value !== null || decl?.type === 'dyn';
}

/** What evaluating one condition gave: its value, why CEL refused it, or that it ran out of time. */
export type ConditionOutcome = { value: unknown } | { why: string } | { timedOut: string };

/** A condition to evaluate over the variables it reads (already CEL values). */
export interface ConditionRequest {
  condition: Condition;
  context: Record<string, unknown>;
}

/** Evaluate one condition in this thread. */
export function evaluateHere({ condition, context }: ConditionRequest): ConditionOutcome {
  try {
    return { value: condition.program(context) };
  } catch (err) {
    return refusedBy(err);
  }
}

function refusedBy(err: unknown): { why: string } {
  const e = err as CelError;
  return { why: e.summary ?? e.message.split('\n')[0] ?? String(err) };
}

type ConditionOptions = { failure?: string; known?: KnownSecrets };

/**
 * Evaluate conditions in order over an observation. The first false one makes the item `fail` with
 * its expression and the actual values (`status == 200 — got status=503`). When the check threw a
 * CheckFailure (`failure`), conditions over its partial observation are still judged, so
 * `connected == false` can pass; anything else is `error` with the failure's message.
 * Everything runs in this thread; `evaluateBounded` (condition-pool.ts) time-limits the costly ones.
 */
export function evaluateConditions(
  def: AnyDefinition,
  conditions: readonly Condition[],
  observation: Observation,
  opts: ConditionOptions = {},
): ConditionVerdict {
  // judgeConditions' loop without the generator (its object and one step object per condition): every
  // condition is evaluated here, a bounded one over its own variables only, as the caller would. The
  // context is made when CEL is first asked: when every condition holds on the observation as it is
  // (nearly every check of a run), there is none.
  let context: Record<string, unknown> | undefined;
  // Indexed loops: for…of allocates an iterator and a result per step until the code is optimized,
  // which a run's first thousands of checks are not.
  for (let i = 0; i < conditions.length; i++) {
    const condition = conditions[i]!;
    // Held on the observation as it is: every root observed, so CEL would have been asked and said true.
    if (opts.failure === undefined && condition.holds?.(observation)) continue;
    const refused = refusal(def, condition, observation, opts);
    if (refused) return refused;
    context ??= {};
    convertRoots(def, condition, observation, context);
    let verdict: ConditionVerdict | undefined;
    if (condition.bounded) {
      verdict = verdictOf(
        def,
        condition,
        evaluateHere({ condition, context: ownContext(condition, context) }),
        observation,
        opts,
      );
    } else {
      try {
        const value = condition.program(context);
        if (value === true) continue;
        verdict = verdictOf(def, condition, { value }, observation, opts);
      } catch (err) {
        verdict = verdictOf(def, condition, refusedBy(err), observation, opts);
      }
    }
    if (verdict) return verdict;
  }
  return { status: 'pass' };
}

/** Why a condition cannot be evaluated: a variable it reads was not observed, or the check failed. */
function refusal(
  def: AnyDefinition,
  condition: Condition,
  observation: Observation,
  opts: ConditionOptions,
): ConditionVerdict | undefined {
  let missing: string[] | undefined;
  const roots = condition.roots;
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i]!;
    if (isObserved(def.variables[r], observation[r])) continue;
    missing ??= [];
    missing.push(r);
  }
  if (missing || (opts.failure !== undefined && condition.roots.length === 0)) {
    missing ??= [];
    if (opts.failure !== undefined) return { status: 'error', message: opts.failure };
    return {
      status: 'error',
      message: `cannot evaluate \`${condition.expr}\`: ${missing.join(', ')} ${missing.length > 1 ? 'were' : 'was'} not observed`,
    };
  }
  return undefined;
}

/** The variables a condition reads, converted into the shared context once each. */
function convertRoots(
  def: AnyDefinition,
  condition: Condition,
  observation: Observation,
  context: Record<string, unknown>,
): void {
  const roots = condition.roots;
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i]!;
    if (!Object.hasOwn(context, root))
      context[root] = toCelValue(def.variables[root]!.type, observation[root]);
  }
}

function ownContext(condition: Condition, context: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const root of condition.roots) own[root] = context[root];
  return own;
}

/** The verdict a condition's outcome gives, or undefined when it held (true: go on to the next). */
function verdictOf(
  def: AnyDefinition,
  condition: Condition,
  outcome: ConditionOutcome,
  observation: Observation,
  opts: ConditionOptions,
): ConditionVerdict | undefined {
  if ('timedOut' in outcome) {
    return {
      status: 'error',
      message: `condition \`${condition.expr}\` did not finish within ${outcome.timedOut} and was stopped; conditions run under a budget: simplify the expression or run it over less data`,
    };
  }
  if ('why' in outcome) {
    if (opts.failure !== undefined) return { status: 'error', message: opts.failure };
    return {
      status: 'fail',
      message: `${condition.expr} — ${outcome.why}; got ${showValues(def, condition, observation, opts.known)}`,
    };
  }
  const result = outcome.value;
  if (result === true) return undefined;
  if (opts.failure !== undefined) return { status: 'error', message: opts.failure };
  const got = showValues(def, condition, observation, opts.known);
  if (result === false) return { status: 'fail', message: `${condition.expr} — got ${got}` };
  return { status: 'fail', message: `${condition.expr} did not yield true or false — got ${got}` };
}

/**
 * The judgement of evaluateConditions as a generator: cheap conditions are evaluated in place, the
 * `bounded` ones are handed to the caller, who answers with their outcome (time-limited evaluation).
 */
export function* judgeConditions(
  def: AnyDefinition,
  conditions: readonly Condition[],
  observation: Observation,
  opts: ConditionOptions = {},
): Generator<ConditionRequest, ConditionVerdict, ConditionOutcome> {
  // One context for all conditions, each variable converted once, when a condition first reads it
  // (several conditions often read the same variable, `body`).
  const context: Record<string, unknown> = {};
  for (const condition of conditions) {
    const refused = refusal(def, condition, observation, opts);
    if (refused) return refused;
    convertRoots(def, condition, observation, context);
    const outcome: ConditionOutcome = condition.bounded
      ? yield { condition, context: ownContext(condition, context) }
      : evaluateHere({ condition, context });
    const verdict = verdictOf(def, condition, outcome, observation, opts);
    if (verdict) return verdict;
  }
  return { status: 'pass' };
}
