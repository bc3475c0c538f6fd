import { type ASTNode, Environment, type ParseResult } from '@marcbachmann/cel-js';
import type { CelType, CheckDefinition, Observation, VariableDecl } from './check.js';
import { type KnownSecrets, redactText, secretFingerprint } from './redact.js';

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
    return `unknown variable "${name}" in \`${expr}\`; ${observes}`;
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
  const paths = new Map<string, ValuePath>();
  const roots = new Set<string>();
  collectPaths(program.ast, def.variables, paths, roots);
  return { expr, program, roots: [...roots], paths: [...paths.values()] };
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

/**
 * Convert an observed JS value to the CEL value its declared type needs: int -> BigInt, double ->
 * number, and inside dyn/map/list integral numbers become BigInt so `body.count == 3` holds for JSON 3.
 * @example toCelValue('int', 200) // 200n
 */
export function toCelValue(type: CelType | string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return converterFor(type)(value);
}

type Converter = (value: unknown) => unknown;

/** Converters by declared type, built once per type: conditions run per item, types repeat. */
const converters = new Map<string, Converter>();

function converterFor(type: string): Converter {
  let convert = converters.get(type);
  if (!convert) {
    convert = buildConverter(type.replace(/\s+/g, ''));
    converters.set(type, convert);
  }
  return convert;
}

function buildConverter(t: string): Converter {
  if (t === 'int') {
    return (value) => (typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value);
  }
  if (t === 'double') return (value) => (typeof value === 'bigint' ? Number(value) : value);
  if (t === 'string' || t === 'bool' || t === 'bytes') return identity;
  const list = /^list<(.+)>$/.exec(t);
  if (list) {
    const item = list[1]!;
    return (value) => (Array.isArray(value) ? value.map((v) => toCelValue(item, v)) : toDyn(value));
  }
  const map = /^map<(.+)>$/.exec(t);
  if (map) {
    const valueType = splitTopLevel(map[1]!)[1] ?? 'dyn';
    const convertValue = converterFor(valueType);
    // map<string, string> (http headers): values need no conversion, the object serves as it is.
    if (convertValue === identity)
      return (value) => (isPlainObject(value) ? value : convertMap(value, identity));
    return (value) => convertMap(value, (v) => toCelValue(valueType, v));
  }
  return toDyn;
}

const identity: Converter = (value) => value;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function splitTopLevel(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      out.push(args.slice(start, i));
      start = i + 1;
    }
  }
  out.push(args.slice(start));
  return out;
}

function convertMap(value: unknown, convert: (v: unknown) => unknown): unknown {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, convert(v)]));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return toDyn(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = convert(v);
  return out;
}

function toDyn(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toDyn);
  if (value instanceof Set) return [...value].map(toDyn);
  return convertMap(value, toDyn);
}

/** Missing means "not observed"; null only counts as observed for dyn variables (JSON null). */
function isObserved(decl: VariableDecl | undefined, value: unknown): boolean {
  if (value === undefined) return false;
  return value !== null || decl?.type === 'dyn';
}

/**
 * Evaluate conditions in order over an observation. The first false one makes the item `fail` with
 * its expression and the actual values (`status == 200 — got status=503`). When the check threw a
 * CheckFailure (`failure`), conditions over its partial observation are still judged, so
 * `connected == false` can pass; anything else is `error` with the failure's message.
 */
export function evaluateConditions(
  def: AnyDefinition,
  conditions: readonly Condition[],
  observation: Observation,
  opts: { failure?: string; known?: KnownSecrets } = {},
): ConditionVerdict {
  const known = opts.known ?? new Map<string, string>();
  // One context for all conditions, each variable converted once, when a condition first reads it
  // (several conditions often read the same variable, `body`).
  const context: Record<string, unknown> = {};
  for (const condition of conditions) {
    let missing: string[] | undefined;
    for (const r of condition.roots) {
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
    for (const root of condition.roots) {
      if (!Object.hasOwn(context, root))
        context[root] = toCelValue(def.variables[root]!.type, observation[root]);
    }
    let result: unknown;
    try {
      result = condition.program(context);
    } catch (err) {
      if (opts.failure !== undefined) return { status: 'error', message: opts.failure };
      const e = err as CelError;
      const why = e.summary ?? e.message.split('\n')[0];
      return {
        status: 'fail',
        message: `${condition.expr} — ${why}; got ${showValues(def, condition, observation, known)}`,
      };
    }
    if (result === true) continue;
    if (opts.failure !== undefined) return { status: 'error', message: opts.failure };
    const got = showValues(def, condition, observation, known);
    if (result === false) return { status: 'fail', message: `${condition.expr} — got ${got}` };
    return { status: 'fail', message: `${condition.expr} did not yield true or false — got ${got}` };
  }
  return { status: 'pass' };
}

const ABSENT = Symbol('absent');
const MAX_SHOWN = 160;

function resolve(observation: Observation, steps: (string | number)[]): unknown {
  let cur: unknown = observation;
  for (const step of steps) {
    if (cur instanceof Map) {
      if (!cur.has(step)) return ABSENT;
      cur = cur.get(step);
    } else if (Array.isArray(cur) && typeof step === 'number') {
      if (step < 0 || step >= cur.length) return ABSENT;
      cur = cur[step];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, step)) {
      cur = (cur as Record<string | number, unknown>)[step];
    } else {
      return ABSENT;
    }
  }
  return cur === undefined ? ABSENT : cur;
}

/** `status=503, body.db="down"`, with secret variables as fingerprints and secrets redacted. */
export function showValues(
  def: AnyDefinition,
  condition: Condition,
  observation: Observation,
  known: KnownSecrets = new Map(),
): string {
  return condition.paths
    .map(({ text, steps }) => {
      const root = steps[0] as string;
      if (def.variables[root]?.secret) {
        const v = observation[root];
        if (steps.length > 1 || v === undefined || v === null) return `${text}=[secret]`;
        return `${text}=${secretFingerprint(String(v))}`;
      }
      const value = resolve(observation, steps);
      return `${text}=${value === ABSENT ? '<absent>' : redactText(formatValue(value), known)}`;
    })
    .join(', ');
}

/** A value as a person reads it in a message: strings quoted, numbers plain, objects as short JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value instanceof Date) return value.toISOString();
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v) =>
        typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v,
      ) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
