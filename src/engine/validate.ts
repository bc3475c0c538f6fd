import type * as z from 'zod';
import type { Checklist, CheckSpec } from '../model/checklist.js';
import { ParseError } from '../model/errors.js';
import { didYouMean } from '../model/suggest.js';
import { type CheckDefinition, type KindRegistry, parseTarget } from './check.js';
import { compileCondition, lintCondition } from './conditions.js';
import { expand, hasReference } from './expand.js';
import { describeSchemaError, runnerSecretProblem } from './prepare.js';

type AnyDefinition = CheckDefinition<unknown, unknown>;

/**
 * Lint every check against its kind: a known kind, a target and options the kind's schemas accept,
 * conditions that compile over the kind's variables (the common options were parsed, and located, when
 * the checklist was read). Each problem is located at
 * its check block. `${NAME}` is expanded from the front-matter environments where possible; a value
 * that needs the process environment can only be checked at run time, except for unknown option names.
 * @example const errors = validateChecks(checklist, await loadRegistry()); // [] when valid
 */
export function validateChecks(checklist: Checklist, registry: KindRegistry): ParseError[] {
  const errors: ParseError[] = [];
  for (const item of checklist.items) {
    const check = item.check;
    if (!check) continue;
    const at = { file: check.file ?? checklist.file, line: check.line, column: check.column };
    const report = (message: string, where = at) =>
      errors.push(new ParseError(`${item.id}: ${message}`, where));
    const reportExpect = (message: string, i: number) => report(message, { ...at, ...check.expectAt?.[i] });
    for (const message of validateCheck(check, checklist, registry, reportExpect)) report(message);
  }
  return errors;
}

/**
 * The `runner:` checks whose conditions the server could not judge (a secret observed value, which a
 * runner returns only as a fingerprint), each located at its condition: the run's own rule
 * (runnerSecretProblem), for `gonogo lint`. A run still reads such a checklist, the item being `error`.
 * @example const errors = validateRunnerChecks(checklist, registry); // [] when every runner check can be judged
 */
export function validateRunnerChecks(checklist: Checklist, registry: KindRegistry): ParseError[] {
  const errors: ParseError[] = [];
  for (const item of checklist.items) {
    const check = item.check;
    const def = check?.runner === undefined ? undefined : registry.get(check.kind);
    if (!check || !def || !Array.isArray(check.expect)) continue;
    const at = { file: check.file ?? checklist.file, line: check.line, column: check.column };
    check.expect.forEach((expr, i) => {
      // A condition that does not compile is validateChecks' to report.
      if (typeof expr !== 'string' || lintCondition(def, expr) !== undefined) return;
      const problem = runnerSecretProblem(def, compileCondition(def, expr), check.options);
      if (problem !== undefined) {
        errors.push(
          new ParseError(`${item.id}: expect[${i}]: ${problem} (runner: ${check.runner})`, {
            ...at,
            ...check.expectAt?.[i],
          }),
        );
      }
    });
  }
  return errors;
}

/**
 * The problems of one check block, as messages (no location); a condition's problem goes to `atExpect`
 * with its index, when given, so it can be located at the condition itself.
 */
export function validateCheck(
  check: CheckSpec,
  checklist: Checklist,
  registry: KindRegistry,
  atExpect?: (message: string, index: number) => void,
): string[] {
  const def = registry.get(check.kind);
  if (!def) {
    const known = registry.names();
    return [
      `unknown check kind "${check.kind}";${didYouMean(check.kind, known)} known kinds: ${known.length > 0 ? known.join(', ') : '(none installed)'}`,
    ];
  }
  const problems = [
    ...schemaProblems(def, 'target', check.target, checklist),
    ...schemaProblems(def, 'options', check.options ?? {}, checklist),
  ];

  const expectations = Array.isArray(check.expect) ? check.expect : [];
  if (!Array.isArray(check.expect)) problems.push('expect: must be a list of CEL conditions');
  expectations.forEach((expr, i) => {
    if (typeof expr !== 'string') {
      problems.push(`expect[${i}]: must be a CEL condition written as text, got ${JSON.stringify(expr)}`);
      return;
    }
    const problem = lintCondition(def, expr);
    if (problem && atExpect) atExpect(`expect[${i}]: ${problem}`, i);
    else if (problem) problems.push(`expect[${i}]: ${problem}`);
  });
  return [...new Set(problems)];
}

function schemaProblems(
  def: AnyDefinition,
  what: 'target' | 'options',
  raw: unknown,
  checklist: Checklist,
): string[] {
  const schema = (what === 'target' ? def.target : def.options) as z.ZodType;
  if (!hasReference(raw)) return describe(def, what, schema, raw, false);

  const envNames = Object.keys(checklist.environments);
  const problems = new Set<string>();
  for (const env of envNames.length > 0 ? envNames : ['default']) {
    let value: unknown;
    try {
      value = expand(raw, { environment: env, block: checklist.environments[env] ?? {}, env: {} }).value;
    } catch {
      // Needs the process environment: only option names can be judged before run time.
      for (const p of describe(def, what, schema, raw, true)) problems.add(p);
      continue;
    }
    const suffix = envNames.length > 1 ? ` (environment ${env})` : '';
    for (const p of describe(def, what, schema, value, false)) problems.add(`${p}${suffix}`);
  }
  return [...problems];
}

/**
 * The options schemas known to accept `{}`: most checks of a long checklist give their kind no options,
 * and the answer is the same for every one of them (schemas are pure), so it is asked once.
 */
const acceptsNoOptions = new WeakSet<z.ZodType>();

/**
 * Why `schema` refuses `value` (as `schema.safeParse` words it), or undefined when it accepts it: a
 * target by parseTarget (a good plain target without zod's per-parse machinery), no options asked once
 * per schema.
 */
function refusal(what: 'target' | 'options', schema: z.ZodType, value: unknown): z.ZodError | undefined {
  if (what === 'target') {
    const parsed = parseTarget(schema, value);
    return parsed.success ? undefined : parsed.error;
  }
  const none = isEmptyMap(value);
  if (none && acceptsNoOptions.has(schema)) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) return parsed.error;
  if (none) acceptsNoOptions.add(schema);
  return undefined;
}

/** A plain object without keys (what a check block without kind options gives). */
function isEmptyMap(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

function describe(
  def: AnyDefinition,
  what: 'target' | 'options',
  schema: z.ZodType,
  value: unknown,
  onlyUnknownKeys: boolean,
): string[] {
  const error = refusal(what, schema, value);
  if (!error) return [];
  const issues = onlyUnknownKeys ? error.issues.filter((i) => i.code === 'unrecognized_keys') : error.issues;
  return describeSchemaError(def.kind, what, { issues }, schema);
}
