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

// `$${NAME}` is an escaped, literal `${NAME}`. A reference is `$` `$`? `{` NAME `}` with NAME
// `[A-Za-z_][A-Za-z0-9_]*`, found left to right as `/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g` would
// (expandString scans for it by hand: a run expands every target, and the regular expression's match
// arrays and captures were ~0.3 KB of garbage a check).
const MAX_DEPTH = 8;
const NO_STACK: readonly string[] = [];

/**
 * Where expanding puts the secrets it takes from the process environment (value -> `${NAME}`): `found`
 * is made when the first is found, so expanding what names none (nearly every target) allocates no map.
 */
export interface SecretSink {
  found: Map<string, string> | undefined;
}

/**
 * Expand every `${NAME}` in strings anywhere inside `value` (objects and arrays are walked; keys are not).
 * Throws ExpansionError for an unset name.
 * @example expand('${BASE_URL}/ready', { environment: 'prod', block: { BASE_URL: 'https://x' }, env: {} }).value
 */
export function expand<T>(value: T, source: ExpansionSource): Expanded<T> {
  const sink: SecretSink = { found: undefined };
  const expanded = walk(value, source, sink) as T;
  return { value: expanded, secrets: sink.found ?? new Map() };
}

/**
 * `expand(value, source).value`, the secrets it takes from the process environment added to `sink`
 * (in the order `expand` would list them). What a run's prepare uses: no result object, no map per check.
 */
export function expandInto<T>(value: T, source: ExpansionSource, sink: SecretSink): T {
  return walk(value, source, sink) as T;
}

/** Whether a value holds a `${NAME}` reference anywhere (lint cannot check such values fully). */
export function hasReference(value: unknown): boolean {
  if (typeof value === 'string') return /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(value);
  if (Array.isArray(value)) return value.some(hasReference);
  if (value && typeof value === 'object') return Object.values(value).some(hasReference);
  return false;
}

function walk(value: unknown, source: ExpansionSource, secrets: SecretSink): unknown {
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

const DOLLAR = 0x24;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** Whether `c` may start a NAME (`[A-Za-z_]`). */
function nameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** The index of the `}` closing a NAME that starts at `from`, or -1 when none does. */
function nameClose(text: string, from: number): number {
  if (!nameStart(text.charCodeAt(from))) return -1;
  let i = from + 1;
  for (let c = text.charCodeAt(i); nameStart(c) || (c >= 0x30 && c <= 0x39); c = text.charCodeAt(++i));
  return text.charCodeAt(i) === CLOSE ? i : -1;
}

function expandString(
  text: string,
  source: ExpansionSource,
  secrets: SecretSink,
  stack: readonly string[],
): string {
  if (!text.includes('${')) return text; // no reference: the common case for option values
  let out = '';
  let last = 0;
  for (let i = text.indexOf('$'); i !== -1; ) {
    // `$${NAME}` first; else `${NAME}` (what the regular expression's `\$?` does when it backtracks).
    const escaped = text.charCodeAt(i + 1) === DOLLAR && text.charCodeAt(i + 2) === OPEN;
    let open = escaped ? i + 3 : i + 2;
    let close = escaped ? nameClose(text, open) : -1;
    if (close === -1 && text.charCodeAt(i + 1) === OPEN) {
      open = i + 2;
      close = nameClose(text, open);
    }
    if (close === -1) {
      i = text.indexOf('$', i + 1);
      continue;
    }
    const known = lastPlain;
    const value =
      known !== undefined &&
      known.block === source.block &&
      open === i + 2 &&
      stack.length === 0 &&
      close - open === known.name.length &&
      text.startsWith(known.name, open)
        ? known.value
        : resolveReference(open === i + 3, text.slice(open, close), source, secrets, stack);
    out += text.slice(last, i) + value;
    last = close + 1;
    i = text.indexOf('$', last);
  }
  if (last === 0) return text;
  // Joined, not `out + rest`: one flat string, as `replace` made. A `+` string is a pair of pieces that
  // `trim` keeps as it is and every attempt's `new URL` flattens: a young string written into a prepared
  // (old) target, kept to the next mark-compact (bench/README "branch prep16").
  return [out, text.slice(last)].join('');
}

/**
 * The last `${NAME}` of a block taken at the top level whose value names nothing (so it records no secret
 * and cannot refer to itself): every target of a long checklist names the same one or two, and each was
 * sliced out, looked up in the block by a key not yet internalized (a string-table lookup) and its value
 * scanned again. A block is never changed once read (the checklist model is not mutated).
 */
let lastPlain: { block: ExpansionSource['block']; name: string; value: string } | undefined;

function resolveReference(
  escaped: boolean,
  name: string,
  source: ExpansionSource,
  secrets: SecretSink,
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
    const value = String(source.block[name]);
    if (value.includes('${')) return expandString(value, source, secrets, [...stack, name]);
    if (stack.length === 0) lastPlain = { block: source.block, name, value };
    return value;
  }
  if (source.deferToRunner) return `\${${name}}`;
  const fromEnv = source.env[name];
  if (fromEnv === undefined) {
    throw new ExpansionError(
      `\${${name}} is not set for environment ${source.environment} (front matter) nor in the process environment`,
    );
  }
  if (fromEnv !== '') {
    secrets.found ??= new Map();
    secrets.found.set(fromEnv, `\${${name}}`);
  }
  return fromEnv;
}
