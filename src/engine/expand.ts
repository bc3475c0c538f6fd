/**
 * `${NAME}` expansion in check targets and options: first the environment's block in front matter, then
 * the process environment. Values from the process environment are secrets (DESIGN.md: secrets come only
 * from there), so they are recorded for redaction and shown as `${NAME}` in anything that leaves the engine.
 */

/** A `${NAME}` that nothing defines; the item becomes `error` with this message. */
export class ExpansionError extends Error {
  override readonly name = 'ExpansionError';
}

/** Where `${NAME}` values come from. */
export interface ExpansionSource {
  /** The environment's name, for messages. */
  environment: string;
  /** The environment's block in front matter. */
  block: Readonly<Record<string, string>>;
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** Variables the checklist names secret (front matter `secrets:`), besides those named like secrets. */
  secretNames?: readonly string[];
  /**
   * Leave names the block does not define as `${NAME}` (and `$${NAME}` escaped): the check runs on a
   * runner, which expands them from its own environment. Nothing is read from `env` then.
   */
  deferToRunner?: boolean;
}

/** An expanded value and the secret values it took from the process environment (value -> `${NAME}`). */
export interface Expanded<T> {
  value: T;
  secrets: Map<string, string>;
}

// `$${NAME}` is an escaped, literal `${NAME}`.
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const MAX_DEPTH = 8;
const NO_STACK: readonly string[] = [];

/**
 * Expand every `${NAME}` in strings anywhere inside `value` (objects and arrays are walked; keys are not).
 * Throws ExpansionError for an unset name.
 * @example expand('${BASE_URL}/ready', { environment: 'prod', block: { BASE_URL: 'https://x' }, env: {} }).value
 */
export function expand<T>(value: T, source: ExpansionSource): Expanded<T> {
  const secrets = new Map<string, string>();
  return { value: walk(value, source, secrets) as T, secrets };
}

/** Whether a value holds a `${NAME}` reference anywhere (lint cannot check such values fully). */
export function hasReference(value: unknown): boolean {
  if (typeof value === 'string') return /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(value);
  if (Array.isArray(value)) return value.some(hasReference);
  if (value && typeof value === 'object') return Object.values(value).some(hasReference);
  return false;
}

function walk(value: unknown, source: ExpansionSource, secrets: Map<string, string>): unknown {
  if (typeof value === 'string') return expandString(value, source, secrets, NO_STACK);
  if (Array.isArray(value)) return value.map((v) => walk(v, source, secrets));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      if (Object.hasOwn(value, k)) out[k] = walk((value as Record<string, unknown>)[k], source, secrets);
    }
    return out;
  }
  return value;
}

function expandString(
  text: string,
  source: ExpansionSource,
  secrets: Map<string, string>,
  stack: readonly string[],
): string {
  if (!text.includes('${')) return text; // no reference: the common case for option values
  return text.replace(REFERENCE, (_match, escaped: string, name: string) =>
    resolveReference(escaped, name, source, secrets, stack),
  );
}

function resolveReference(
  escaped: string,
  name: string,
  source: ExpansionSource,
  secrets: Map<string, string>,
  stack: readonly string[],
): string {
  if (escaped) return source.deferToRunner ? `$\${${name}}` : `\${${name}}`;
  if (Object.hasOwn(source.block, name)) {
    if (stack.includes(name) || stack.length >= MAX_DEPTH) {
      throw new ExpansionError(
        `\${${name}} refers to itself in environment ${source.environment} (${[...stack, name].join(' -> ')})`,
      );
    }
    // A block value may itself name process-environment secrets: `postgres://app:${DB_PASSWORD}@db/app`.
    return expandString(String(source.block[name]), source, secrets, [...stack, name]);
  }
  if (source.deferToRunner) return `\${${name}}`;
  const fromEnv = source.env[name];
  if (fromEnv === undefined) {
    throw new ExpansionError(
      `\${${name}} is not set for environment ${source.environment} (front matter) nor in the process environment`,
    );
  }
  if (fromEnv !== '') secrets.set(fromEnv, `\${${name}}`);
  return fromEnv;
}
