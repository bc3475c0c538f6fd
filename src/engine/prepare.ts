import * as z from 'zod';
import { type CheckSpec, COMMON_CHECK_OPTIONS, type Item } from '../model/checklist.js';
import { hasOwnKeys } from '../model/own-keys.js';
import type { CheckOutcome } from '../model/state.js';
import { didYouMean } from '../model/suggest.js';
import { type CheckDefinition, type KindRegistry, parseTarget } from './check.js';
import { type Condition, compileCondition } from './conditions.js';
import { type ExpansionSource, expand, expandInto, type SecretSink } from './expand.js';
import { type CommonMemo, LeanPreparedCheck, sharedCommon } from './prepared-check.js';
import { environmentSecrets, redactText } from './redact.js';
import type { RunnerJob } from './runners.js';

/**
 * From a check block to something that can run, once per run: kind looked up, `${NAME}` expanded, target
 * and options parsed by the kind's schemas into the values `run()` receives, conditions compiled.
 * The common options (timeout, retries, window) were parsed when the checklist was read. Anything wrong
 * here is the item's `error` outcome, never an exception that stops the run.
 */

type AnyDefinition = CheckDefinition<unknown, unknown>;

/** A check ready to run. */
export interface PreparedCheck {
  item: Item;
  // Not the check spec: what running it needs is below, and a run lets the spec go once prepared
  // (`dropCheckSpec`): a prepared check holding it would keep every spec alive until its check ran.
  def: AnyDefinition;
  /**
   * Target and options after expansion, as the kind's schemas parsed them (a URL, host and port...):
   * parsed once per run and handed to every attempt. May hold secrets: never output them.
   */
  target: unknown;
  options: unknown;
  conditions: Condition[];
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  /** Per-host limiter key, from the kind. */
  host: string | undefined;
  /** Secret values this check knows (process-env values it expanded) -> what to show instead. */
  known: Map<string, string>;
  /** A `runner:` check: observed by a runner holding `label`, which receives `job` (target unparsed). */
  runner?: { label: string; job: RunnerJob };
}

/**
 * What a run parses once and shares between its checks: the options of a kind given none. Most checks of
 * a long checklist give their kind no options of its own, and parsing `{}` again for each of 5,000 items
 * gives 5,000 equal values (zod and the kind's transform cost more than the rest of preparing an item).
 * The shared value is frozen: `run()` and `hostKey()` only read their options. One per run (the schemas
 * are pure, but a run's memo goes with it).
 */
export interface PrepareMemo {
  readonly noOptions: Map<AnyDefinition, { readonly success: true; readonly data: unknown }>;
  /**
   * Compiled conditions by kind and by the list of expressions they came from: items read from the parse
   * cache share one `expect` list (cache-entry.ts), so their checks share one frozen list of compiled
   * conditions instead of an array each (~50 bytes a check, all held while the run prepares them).
   */
  readonly conditions: Map<AnyDefinition, WeakMap<readonly string[], readonly Condition[]>>;
  /**
   * Per-host limiter keys, one string each: the kind builds a new one for every check (`127.0.0.1:80`
   * from its URL), and a run holds every prepared check at once (~50 bytes a check: bench/README
   * "branch mem11"). As many entries as the run has hosts.
   */
  readonly hosts: Map<string, string>;
  /** The prepared checks' common part: one object for a row of checks that have it alike (prepared-check.ts). */
  readonly common: CommonMemo;
}

export function prepareMemo(): PrepareMemo {
  return { noOptions: new Map(), conditions: new Map(), hosts: new Map(), common: { last: undefined } };
}

/** The one string of the run for `host` (see PrepareMemo.hosts). */
function sharedHost(host: string | undefined, memo: PrepareMemo | undefined): string | undefined {
  if (host === undefined || !memo) return host;
  const shared = memo.hosts.get(host);
  if (shared !== undefined) return shared;
  memo.hosts.set(host, host);
  return host;
}

/** The compiled conditions of `expressions` for `def`: shared through `memo` when there is one. */
function conditionsOf(def: AnyDefinition, expressions: string[], memo: PrepareMemo | undefined): Condition[] {
  let byList = memo?.conditions.get(def);
  const shared = byList?.get(expressions);
  if (shared) return shared as Condition[];
  // Mapped, not pushed: an array grown by push keeps room for 17 (~150 bytes a check, all held at once).
  const compiled = expressions.map((expr) => compileCondition(def, expr));
  if (!memo) return compiled;
  if (!byList) {
    byList = new WeakMap();
    memo.conditions.set(def, byList);
  }
  byList.set(expressions, Object.freeze(compiled));
  return compiled;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function isEmptyObject(value: unknown): boolean {
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  return !hasOwnKeys(value);
}

/**
 * The kind's options parsed: from the run's memo when the check gives none and the kind's schema took
 * `{}` before, else parsed (and remembered when they are none).
 */
function parseOptions(
  def: AnyDefinition,
  options: unknown,
  memo: PrepareMemo | undefined,
): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  const none = memo !== undefined && isEmptyObject(options);
  const known = none ? memo.noOptions.get(def) : undefined;
  if (known !== undefined) return known;
  const parsed = def.options.safeParse(options ?? {});
  // The result itself is remembered (frozen): its checks read `success` and `data` only.
  if (none && parsed.success)
    memo.noOptions.set(def, Object.freeze({ success: true, data: deepFreeze(parsed.data) }));
  return parsed;
}

/** Keys a (possibly wrapped) zod object schema accepts, to list them when an option is unknown. */
export function schemaKeys(schema: unknown): string[] | undefined {
  let s = schema as { _zod?: { def: { type: string; in?: unknown; innerType?: unknown } } } | undefined;
  for (let i = 0; i < 8 && s?._zod; i++) {
    if (s instanceof z.ZodObject) return Object.keys(s.shape);
    const def = s._zod.def;
    s = (def.type === 'pipe' ? def.in : def.innerType) as typeof s;
  }
  return undefined;
}

/**
 * Messages for a schema failure, each naming the field: `target: Invalid URL`,
 * `unknown option "header"; http accepts: headers, body`.
 */
export function describeSchemaError(
  kind: string,
  what: 'target' | 'options',
  error: Pick<z.ZodError, 'issues'>,
  schema: unknown,
): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const allowed = schemaKeys(schema);
      const accepts =
        allowed && allowed.length > 0
          ? `${kind} accepts: ${allowed.join(', ')}`
          : `${kind} takes no options of its own`;
      // A typo of a common option (`timout`) lands here too, as the kind's options are the rest of the map.
      const hint = didYouMean(String(issue.keys[0]), [...(allowed ?? []), ...COMMON_CHECK_OPTIONS]);
      return `unknown option${issue.keys.length > 1 ? 's' : ''} ${keys} for ${kind};${hint} ${accepts} (plus the common ones: expect, timeout, retries, retry_delay, blocking, hold, every, tolerance, due, owner)`;
    }
    const path = issue.path.map(String).join('.');
    const field = what === 'target' ? (path ? `${kind} target ${path}` : `${kind} target`) : `option ${path}`;
    return `${field}: ${issue.message}`;
  });
}

/** The conditions of a check: its `expect`, else the kind's default expectation. */
export function expectationsOf(spec: CheckSpec, def: AnyDefinition): string[] {
  return spec.expect.length > 0 ? spec.expect : def.defaultExpect;
}

/** The item's `error` outcome for `message`, with the secrets the check knows redacted. */
function failed(item: Item, message: string, known: Map<string, string>): { outcome: CheckOutcome } {
  return { outcome: { item: item.id, status: 'error' as const, message: redactText(message, known) } };
}

/**
 * Prepare one item's check for `environment`. Returns the prepared check, or the `error` outcome that
 * explains why it cannot run (unset variable, bad option after expansion, unknown kind...). `memo`: what
 * the run's checks share (see PrepareMemo); without it every check parses its own options.
 */
export function prepareCheck(
  item: Item & { check: CheckSpec },
  registry: KindRegistry,
  source: ExpansionSource,
  memo?: PrepareMemo,
): { check: PreparedCheck } | { outcome: CheckOutcome } {
  const spec = item.check;
  // The run's secret environment values (one map, so one matcher, shared by every check that adds none).
  let known: Map<string, string> = environmentSecrets(source.env, source.secretNames);
  const def = registry.get(spec.kind);
  if (!def)
    return failed(
      item,
      `unknown check kind "${spec.kind}"; known kinds: ${registry.names().join(', ')}`,
      known,
    );
  if (spec.runner !== undefined) {
    return prepareForRunner(item, def, spec.runner, source, known, (message) => failed(item, message, known));
  }

  let target: unknown;
  let options: unknown;
  // The secrets the target and then the options take from the process environment, in that order.
  const sink: SecretSink = { found: undefined };
  try {
    // The target, then the options (in that order: the first unset name is the one reported). Options
    // that are none (most checks: one shared empty object) are kept as they are, not walked into a copy.
    target = expandInto(spec.target, source, sink);
    options = isEmptyObject(spec.options) ? spec.options : expandInto(spec.options, source, sink);
  } catch (err) {
    return failed(item, (err as Error).message, known);
  }
  if (sink.found !== undefined) known = new Map([...known, ...sink.found]);
  const t = parseTarget(def.target, target);
  if (!t.success)
    return failed(item, describeSchemaError(def.kind, 'target', t.error, def.target).join('; '), known);
  const o = parseOptions(def, options, memo);
  if (!o.success)
    return failed(item, describeSchemaError(def.kind, 'options', o.error, def.options).join('; '), known);

  let conditions: Condition[];
  try {
    conditions = conditionsOf(def, expectationsOf(spec, def), memo);
  } catch (err) {
    return failed(item, (err as Error).message, known);
  }

  let host: string | undefined;
  try {
    host = sharedHost(def.hostKey?.(t.data, o.data), memo);
  } catch {
    // A kind that cannot name a host for an odd target still runs, under the global limit only.
    host = undefined;
  }
  const common = sharedCommon(
    {
      def,
      options: o.data,
      conditions,
      timeoutMs: spec.timeoutMs,
      retries: spec.retries,
      retryDelayMs: spec.retryDelayMs,
      host,
      known,
    },
    memo?.common,
  );
  return { check: new LeanPreparedCheck(item, t.data, common) };
}

/**
 * Why the server cannot judge `condition` of a `runner:` check, or undefined when it can: it reads a
 * secret observed value (an `env` check's `value`), which a runner returns only as its fingerprint, and
 * the check does not say `secret: false`. The one rule for both the run (the item is `error`) and
 * `gonogo lint` (a located error), so the two always agree.
 */
export function runnerSecretProblem(
  def: AnyDefinition,
  condition: Pick<Condition, 'expr' | 'roots'>,
  options: unknown,
): string | undefined {
  if ((options as { secret?: unknown } | undefined)?.secret === false) return undefined;
  const secret = condition.roots.find((r) => def.variables[r]?.secret);
  if (secret === undefined) return undefined;
  return `the condition "${condition.expr}" reads ${secret}, which a runner reports only as a fingerprint; judge set or length instead, or say secret: false for a value that is not a secret`;
}

/**
 * A `runner:` check: the server compiles its conditions (it judges) and builds the job a runner gets,
 * with only the environment block expanded; the runner expands the rest from its own environment and
 * parses target and options with the same schemas. A condition on a secret variable cannot be judged
 * here (the runner returns its fingerprint), so it is refused unless the check says `secret: false`.
 */
function prepareForRunner(
  item: Item & { check: CheckSpec },
  def: AnyDefinition,
  label: string,
  source: ExpansionSource,
  known: Map<string, string>,
  fail: (message: string) => { outcome: CheckOutcome },
): { check: PreparedCheck } | { outcome: CheckOutcome } {
  const spec = item.check;
  let expanded: { target: unknown; options: unknown };
  try {
    expanded = expand(
      { target: spec.target, options: spec.options },
      { ...source, deferToRunner: true },
    ).value;
  } catch (err) {
    return fail((err as Error).message);
  }
  const options = (expanded.options ?? {}) as Record<string, unknown>;
  const declaredPublic = options.secret === false;
  const conditions: Condition[] = [];
  try {
    for (const expr of expectationsOf(spec, def)) {
      const condition = compileCondition(def, expr);
      const problem = runnerSecretProblem(def, condition, options);
      if (problem !== undefined) return fail(problem);
      conditions.push(condition);
    }
  } catch (err) {
    return fail((err as Error).message);
  }
  const job: RunnerJob = {
    item: item.id,
    kind: def.kind,
    target: expanded.target,
    options,
    timeoutMs: spec.timeoutMs,
    secretNames: [...(source.secretNames ?? [])],
    ...(declaredPublic ? { secret: false as const } : {}),
  };
  return {
    check: {
      item,
      def,
      target: expanded.target,
      options,
      conditions,
      timeoutMs: spec.timeoutMs,
      retries: spec.retries,
      retryDelayMs: spec.retryDelayMs,
      host: undefined,
      known,
      runner: { label, job },
    },
  };
}
