import { z } from 'zod';
import type { CheckSpec, Item } from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import type { CheckOutcome } from '../model/state.js';
import type { CheckDefinition, KindRegistry } from './check.js';
import { type Condition, compileCondition } from './conditions.js';
import { type ExpansionSource, expand } from './expand.js';
import { environmentSecrets, redactText } from './redact.js';

/**
 * From a check block to something that can run: kind looked up, `${NAME}` expanded, target and options
 * parsed by the kind's schemas, conditions compiled, timeout / retries resolved. Anything wrong here is
 * the item's `error` outcome, never an exception that stops the run.
 */

type AnyDefinition = CheckDefinition<unknown, unknown>;

/** Defaults of the common options (DESIGN.md "Check kinds"). */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_DELAY_MS = 1_000;

/** A check ready to run. */
export interface PreparedCheck {
  item: Item;
  spec: CheckSpec;
  def: AnyDefinition;
  /** Target and options after expansion and the kind's schemas (may hold secrets: never output them). */
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
}

/** The common options as numbers, or the first problem found (named by field). */
export function commonOptions(
  spec: CheckSpec,
): { timeoutMs: number; retries: number; retryDelayMs: number } | { problem: string } {
  try {
    const timeoutMs =
      spec.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(spec.timeout, 'timeout');
    if (timeoutMs <= 0) return { problem: 'timeout: must be longer than 0, e.g. 10s' };
    const retryDelayMs =
      spec.retry_delay === undefined
        ? DEFAULT_RETRY_DELAY_MS
        : parseDuration(spec.retry_delay, 'retry_delay');
    const retries = spec.retries ?? 0;
    if (!Number.isInteger(retries) || retries < 0 || retries > 100) {
      return { problem: `retries: ${String(retries)} is not a whole number from 0 to 100` };
    }
    return { timeoutMs, retries, retryDelayMs };
  } catch (err) {
    return { problem: (err as Error).message };
  }
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
      return `unknown option${issue.keys.length > 1 ? 's' : ''} ${keys} for ${kind}; ${accepts} (plus the common ones: expect, timeout, retries, retry_delay, blocking, hold, every, tolerance, due, owner)`;
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

type OptionsResult = ReturnType<AnyDefinition['options']['safeParse']>;

/** Options already parsed, per kind, by their JSON text: most items of a checklist share theirs (often `{}`). */
const parsedOptions = new WeakMap<AnyDefinition, Map<string, OptionsResult>>();
const MAX_PARSED_OPTIONS = 1_000;

/**
 * The kind's options schema applied to `raw`. Results are shared between checks with the same options
 * (kinds read their options, never change them), except for options holding secrets, never kept.
 */
function parseOptions(def: AnyDefinition, raw: unknown, shareable: boolean): OptionsResult {
  if (!shareable) return def.options.safeParse(raw);
  const key = JSON.stringify(raw);
  let byText = parsedOptions.get(def);
  if (!byText) {
    byText = new Map();
    parsedOptions.set(def, byText);
  }
  let result = byText.get(key);
  if (!result) {
    result = def.options.safeParse(raw);
    if (byText.size >= MAX_PARSED_OPTIONS) byText.clear();
    byText.set(key, result);
  }
  return result;
}

/**
 * Prepare one item's check for `environment`. Returns the prepared check, or the `error` outcome that
 * explains why it cannot run (unset variable, bad option after expansion, unknown kind...).
 */
export function prepareCheck(
  item: Item & { check: CheckSpec },
  registry: KindRegistry,
  source: ExpansionSource,
): { check: PreparedCheck } | { outcome: CheckOutcome } {
  const spec = item.check;
  // The run's secret environment values (one map, so one matcher, shared by every check that adds none).
  let known: Map<string, string> = environmentSecrets(source.env, source.secretNames);
  const fail = (message: string) => ({
    outcome: { item: item.id, status: 'error' as const, message: redactText(message, known) },
  });
  const def = registry.get(spec.kind);
  if (!def) return fail(`unknown check kind "${spec.kind}"; known kinds: ${registry.names().join(', ')}`);

  let target: unknown;
  let options: unknown;
  try {
    const expanded = expand({ target: spec.target, options: spec.options }, source);
    if (expanded.secrets.size > 0) known = new Map([...known, ...expanded.secrets]);
    target = expanded.value.target;
    options = expanded.value.options;
  } catch (err) {
    return fail((err as Error).message);
  }
  const t = def.target.safeParse(target);
  if (!t.success) return fail(describeSchemaError(def.kind, 'target', t.error, def.target).join('; '));
  const o = parseOptions(def, options ?? {}, known.size === 0);
  if (!o.success) return fail(describeSchemaError(def.kind, 'options', o.error, def.options).join('; '));

  const common = commonOptions(spec);
  if ('problem' in common) return fail(common.problem);

  const conditions: Condition[] = [];
  try {
    for (const expr of expectationsOf(spec, def)) conditions.push(compileCondition(def, expr));
  } catch (err) {
    return fail((err as Error).message);
  }

  let host: string | undefined;
  try {
    host = def.hostKey?.(t.data, o.data);
  } catch {
    // A kind that cannot name a host for an odd target still runs, under the global limit only.
    host = undefined;
  }
  return {
    check: { item, spec, def, target: t.data, options: o.data, conditions, ...common, host, known },
  };
}
