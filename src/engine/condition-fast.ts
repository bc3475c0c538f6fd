import type { ASTNode } from '@marcbachmann/cel-js';
import type { Observation, VariableDecl } from './check.js';

/**
 * A shortcut for the commonest conditions (`status == 200`, `body.ok == true`, `"x-request-id" in
 * headers`, `status < 400`): a plain comparison of one observed value with a literal, answered on the
 * observation as it is, without converting it into CEL values (a copy of the whole body, BigInts) or
 * walking the expression. It answers only "holds"; anything else (false, a value of another type, a
 * missing key, a shape it does not know) goes to CEL, which gives the verdict and its message. So a
 * condition is never judged otherwise than CEL would: the shortcut holds only where CEL's value is `true`
 * (condition-fast.test.ts compares the two over many observations). It matters in a run's first
 * thousands of checks, while the engine's code is not optimized yet (bench/README "branch warm8").
 */

/** Whether a condition holds for an observation; false means "ask CEL". */
export type Holds = (observation: Observation) => boolean;

type Literal = bigint | string | boolean;
type Compare = '==' | '!=' | '<' | '<=' | '>' | '>=';

const FLIPPED: Record<Compare, Compare> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/**
 * The shortcut for a type-checked condition's syntax tree, or undefined when it has none.
 * @example fastHolds(parse('status == 200').ast, http.variables)?.({ status: 200 }) // true
 */
export function fastHolds(ast: ASTNode, variables: Record<string, VariableDecl>): Holds | undefined {
  if (ast.op === 'in') {
    const [key, map] = ast.args as [ASTNode, ASTNode];
    if (key.op !== 'value' || typeof key.args !== 'string' || map.op !== 'id') return undefined;
    const name = map.args as string;
    if (!Object.hasOwn(variables, name) || !isStringMap(variables[name]!.type)) return undefined;
    const wanted = key.args;
    // Such an object is the CEL map itself (cel-values.ts); CEL's `in` on it: an own key whose value is
    // not undefined.
    return (o) => {
      const m = o[name];
      return isMapAsIs(m) && Object.hasOwn(m, wanted) && m[wanted] !== undefined;
    };
  }
  if (!(ast.op in FLIPPED)) return undefined;
  let [left, right] = ast.args as [ASTNode, ASTNode];
  let op = ast.op as Compare;
  if (left.op === 'value') {
    [left, right] = [right, left];
    op = FLIPPED[op];
  }
  if (right.op !== 'value' || !isLiteral(right.args)) return undefined;
  const literal = right.args;
  const path = pathOf(left);
  if (!path || !Object.hasOwn(variables, path[0]!)) return undefined;
  const type = variables[path[0]!]!.type.replace(/\s+/g, '');
  const [root, ...fields] = path as [string, ...string[]];
  if (fields.length > 0) {
    // Fields of a dyn value (a JSON body): CEL sees a converted copy of plain objects, key by key.
    if (type !== 'dyn' || fields.some((f) => f === '__proto__')) return undefined;
    return (o) => {
      let v: unknown = o[root];
      for (let i = 0; i < fields.length; i++) {
        if (!isMapAsIs(v) || !Object.prototype.propertyIsEnumerable.call(v, fields[i]!)) return false;
        v = v[fields[i]!];
      }
      return compares(v, op, literal, true);
    };
  }
  // A root of its declared type: int (a JS integer becomes a CEL int), string, bool, or dyn.
  const integral = type === 'int' || type === 'dyn';
  if (!integral && type !== 'string' && type !== 'bool') return undefined;
  return (o) => compares(o[root], op, literal, integral);
}

/**
 * `value op literal` when both are of one kind (integers, strings, booleans); false otherwise, and for
 * integers beyond 2^53 (CEL then compares what JSON did not keep exactly).
 */
function compares(value: unknown, op: Compare, literal: Literal, integral: boolean): boolean {
  if (typeof literal !== 'bigint') {
    // Strings and booleans: equality only (their ordering is CEL's to answer).
    if (typeof value !== typeof literal) return false;
    if (op === '==') return value === literal;
    return op === '!=' && value !== literal;
  }
  if (!integral || typeof value !== 'number' || !Number.isSafeInteger(value)) return false;
  if (literal > MAX_SAFE || literal < MIN_SAFE) return false;
  const b = Number(literal);
  switch (op) {
    case '==':
      return value === b;
    case '!=':
      return value !== b;
    case '<':
      return value < b;
    case '<=':
      return value <= b;
    case '>':
      return value > b;
    default:
      return value >= b;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function isLiteral(value: unknown): value is Literal {
  return typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean';
}

function isStringMap(type: string): boolean {
  return type.replace(/\s+/g, '') === 'map<string,string>';
}

/**
 * An object CEL takes as a map with these very keys, as it is or once converted (cel-values.ts copies a
 * dyn object key by key): Object's prototype or none, and no own `constructor` (CEL reads it to tell a
 * value's type) or `__proto__` key (the copy would take it as its prototype).
 */
function isMapAsIs(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (
    (proto === Object.prototype || proto === null) &&
    !Object.hasOwn(value, 'constructor') &&
    !Object.hasOwn(value, '__proto__')
  );
}

/** `name` or `name.field.field`: the root and the field names, else undefined. */
function pathOf(node: ASTNode): string[] | undefined {
  if (node.op === 'id') return [node.args as string];
  if (node.op !== '.') return undefined;
  const [base, field] = node.args as [ASTNode, unknown];
  const path = pathOf(base);
  return path && typeof field === 'string' ? [...path, field] : undefined;
}
