import { createHash } from 'node:crypto';

/**
 * Secret redaction for everything that leaves the engine: observed values, messages, stored results.
 * Two sources of knowledge: shapes that are secret wherever they appear (URL passwords, credential
 * headers and query parameters, well-known key formats) and exact values the engine knows are secret
 * (process-environment variables named like secrets or listed in front matter `secrets:`, values used in
 * `${NAME}` expansion, variables a kind declares `secret`).
 */

/** Exact secret values and what to show instead (`${DB_PASSWORD}`, `[secret len=32 sha256=1a2b3c4d]`). */
export type KnownSecrets = ReadonlyMap<string, string>;

/**
 * Values shorter than this are not replaced inside longer text: replacing every "1" or "on" would
 * garble messages without protecting anything a guess could not find anyway.
 */
export const MIN_SECRET_LENGTH = 4;

const REDACTED = '[redacted]';

/**
 * Environment values shorter than this are not treated as secrets: a `KEY_PREFIX=app` would otherwise
 * redact every "app" in every output.
 */
export const MIN_ENV_SECRET_LENGTH = 6;

/** Process-environment variable names that mark their value secret. */
const SECRET_ENV_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|KEY|DSN|CREDENTIAL/i;

/** Query parameter and header name segments that mark a value as a credential. */
const CREDENTIAL_WORDS =
  'api_?key|apikey|key|token|access_token|refresh_token|id_token|password|passwd|pwd|secret|client_secret|signature|sig|credentials?|auth';

/** Object keys whose values are credentials whatever they look like (header names, config keys). */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'access_token',
  'refresh_token',
  'private_key',
  'token',
]);

/** Key shapes recognised anywhere in text; the prefix is kept so a person can tell what was hidden. */
const PATTERNS: { re: RegExp; replace: string | ((match: string, ...groups: string[]) => string) }[] = [
  {
    re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    replace: (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${REDACTED}`,
  },
  // user:password@ in any scheme://; the user name stays, it helps debugging and is not a secret.
  { re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi, replace: '$1:***@' },
  {
    re: /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)(["']?\s*[:=]\s*)[^\r\n,}]+/gi,
    replace: `$1$2${REDACTED}`,
  },
  // `X-Custom-Token: …`: a header-like name (x- prefix or hyphenated) ending in a credential word.
  {
    re: /\b((?:x-[\w-]*|[\w]+-[\w-]*)(?:token|secret|key|password|auth|signature|credentials?))(["']?\s*[:=]\s*["']?)[^\r\n,}"']+/gi,
    replace: `$1$2${REDACTED}`,
  },
  { re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, replace: `$1 ${REDACTED}` },
  { re: /\b((?:sk|rk)_(?:live|test)_)[A-Za-z0-9]{6,}/g, replace: `$1${REDACTED}` },
  { re: /\b(xox[abposr]-)[A-Za-z0-9-]{8,}/g, replace: `$1${REDACTED}` },
  { re: /\b(gh[pousr]_)[A-Za-z0-9]{16,}/g, replace: `$1${REDACTED}` },
  { re: /\b(github_pat_)[A-Za-z0-9_]{16,}/g, replace: `$1${REDACTED}` },
  { re: /\b((?:AKIA|ASIA))[0-9A-Z]{16}\b/g, replace: `$1${REDACTED}` },
  { re: /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, replace: `[redacted JWT]` },
  {
    re: /(https:\/\/hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g,
    replace: `$1${REDACTED}`,
  },
  // Last, so a key shape above keeps its telling prefix (`token=sk_live_[redacted]`).
  // `?api_key=…&password=…` in a URL or an echoed query string.
  {
    re: new RegExp(
      `(^|[?&;\\s"'(,{])((?:[\\w.-]*[_.-])?(?:${CREDENTIAL_WORDS})=)(?![^&\\s#"'<>,;]*\\[redacted)[^&\\s#"'<>,;]+`,
      'gim',
    ),
    replace: `$1$2${REDACTED}`,
  },
];

/** `[secret len=32 sha256=1a2b3c4d]`: enough to tell two values apart, not enough to recover one. */
export function secretFingerprint(value: string): string {
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `[secret len=${value.length} sha256=${hash}]`;
}

/**
 * A cheap first look: every pattern above needs one of these substrings, so the common case (a status
 * text, a content type, a JSON field) skips eleven regular expressions. Keep it in step with PATTERNS.
 */
const TRIGGER =
  /PRIVATE KEY|:\/\/|authorization|cookie|x-api-key|x-auth-token|bearer|basic|[sr]k_(?:live|test)_|xox[abposr]-|gh[pousr]_|github_pat_|AKIA|ASIA|eyJ|(?:key|token|pwd|passwd|password|secret|sig|signature|credentials?|auth)\s*(?:=|["']?\s*:)/i;

/**
 * One matcher for the known secret values worth searching for inside text, longest first, compiled once
 * per map (a run's environment secrets are one map shared by its checks); null when there are none.
 */
const matchers = new WeakMap<KnownSecrets, RegExp | null>();
function matcherOf(known: KnownSecrets): RegExp | null {
  let re = matchers.get(known);
  if (re === undefined) {
    const values = [...known.keys()]
      .filter((v) => v.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
    re = values.length === 0 ? null : new RegExp(values.map(escapeRegExp).join('|'), 'g');
    matchers.set(known, re);
  }
  return re;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const fromEnvironment = new WeakMap<object, Map<string, Map<string, string>>>();

/**
 * The secret values of a process environment: variables named like secrets (`*TOKEN*`, `*SECRET*`,
 * `*PASSWORD*`, `*KEY*`, `*DSN*`, `*CREDENTIAL*`) and those in `names`, each shown as `${NAME}`; values
 * shorter than MIN_ENV_SECRET_LENGTH are left out. Cached per environment object and name list.
 * @example environmentSecrets({ API_TOKEN: 'hunter2hunter2' }).get('hunter2hunter2') // '${API_TOKEN}'
 */
export function environmentSecrets(
  env: Readonly<Record<string, string | undefined>>,
  names: readonly string[] = [],
): Map<string, string> {
  let byNames = fromEnvironment.get(env);
  if (!byNames) {
    byNames = new Map();
    fromEnvironment.set(env, byNames);
  }
  const key = names.join('\n');
  let secrets = byNames.get(key);
  if (!secrets) {
    secrets = new Map();
    const listed = new Set(names);
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined || value.length < MIN_ENV_SECRET_LENGTH) continue;
      if (listed.has(name) || SECRET_ENV_NAME.test(name)) secrets.set(value, `\${${name}}`);
    }
    byNames.set(key, secrets);
  }
  return secrets;
}

/** Redact secrets in one string: known values first (longest first), then recognised key shapes. */
export function redactText(text: string, known: KnownSecrets = new Map()): string {
  let out = text;
  if (known.size > 0) {
    const exact = known.get(out);
    if (exact !== undefined) return exact;
    const re = matcherOf(known);
    if (re) {
      re.lastIndex = 0;
      out = out.replace(re, (value) => known.get(value) ?? REDACTED);
    }
  }
  if (!TRIGGER.test(out)) return out;
  for (const { re, replace } of PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, replace as string);
  }
  return out;
}

/**
 * Deep-walk a value and return a JSON-safe copy with every secret hidden: strings are redacted,
 * values under credential keys (`Authorization`, `password`...) are replaced, bigints become numbers,
 * dates ISO strings, bytes a length, Maps objects.
 * @example redact({ url: 'postgres://app:hunter22@db/app' }) // { url: 'postgres://app:***@db/app' }
 */
export function redact(
  value: unknown,
  known: KnownSecrets = new Map(),
  opts: { maxString?: number } = {},
): unknown {
  return walk(value, known, 0, opts.maxString);
}

/**
 * Redact the value found under `key` of an object, as `redact` does for each field of an object it
 * walks (the whole value hidden when the key names a credential).
 * @example redactField('authorization', 'Bearer abc') // '[redacted]'
 */
export function redactField(
  key: string,
  value: unknown,
  known: KnownSecrets = new Map(),
  maxString?: number,
): unknown {
  return walkEntry(key, value, known, 0, maxString);
}

/**
 * Cut a long string for display. Redaction runs between a generous first cut and this one, so no secret
 * is split at the cut and half shown, and the patterns never scan megabytes nobody will see.
 */
function cutText(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (cut to ${limit} characters)` : text;
}

const MAX_DEPTH = 32;

function walkString(value: string, known: KnownSecrets, max: number | undefined): string {
  if (max === undefined) return redactText(value, known);
  return shared(cutText(redactText(value.length > 16 * max ? value.slice(0, 16 * max) : value, known), max));
}

function walk(value: unknown, known: KnownSecrets, depth: number, max: number | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return walkString(value, known, max);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'function':
    case 'symbol':
      return null;
  }
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `[bytes len=${value.length}]`;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], known, depth + 1, max);
    return out;
  }
  if (value instanceof Set) return [...value].map((v) => walk(v, known, depth + 1, max));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = walkEntry(String(k), v, known, depth, max);
    return out;
  }
  if (copiesWhole(value)) {
    // Copied whole, then each value replaced in place: the copy has the source's layout (nine headers
    // in one object), where keys added one by one to `{}` grow a property array, garbage at each step,
    // and the kept copy is larger (bench/README "branch exec11").
    const copy: Record<string, unknown> = { ...value };
    redactEntries(copy, known, depth, max);
    return copy;
  }
  // for…in with hasOwn: the own enumerable keys in Object.keys' order, without its array per object.
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    out[key] = walkEntry(key, (value as Record<string, unknown>)[key], known, depth, max);
  }
  return out;
}

/** Each own value of `copy` replaced by what it redacts to; whether every one came out as it went in. */
function redactEntries(
  copy: Record<string, unknown>,
  known: KnownSecrets,
  depth: number,
  max: number | undefined,
): boolean {
  let unchanged = true;
  for (const key in copy) {
    if (!Object.hasOwn(copy, key)) continue;
    const value = copy[key];
    // Always stored: a string comes back as the one copy `shared` keeps of it (equal, not the same).
    const shown = walkEntry(key, value, known, depth, max);
    copy[key] = shown;
    if (unchanged && !Object.is(shown, value)) unchanged = false;
  }
  return unchanged;
}

/**
 * The copy `redactField(key, value, known, max)` makes of a plain object (`Object.prototype` its
 * prototype) as it shapes it, before any value is redacted (its getters read once, as the walk reads
 * them); undefined for any other value, or when `key` names a credential (the whole value is hidden).
 * Give it to `redactCopy` to finish the shaping.
 */
export function plainCopy(key: string, value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    return undefined;
  }
  if (isSecretKey(key) || !copiesWhole(value)) return undefined;
  return { ...value };
}

/**
 * Finish redactField's shaping of `copy` (from plainCopy), in place: true when no value changed (nothing
 * in it was redacted, cut or converted), so that any object equal to it shapes to an object equal to it.
 */
export function redactCopy(copy: Record<string, unknown>, known: KnownSecrets, max?: number): boolean {
  return redactEntries(copy, known, 1, max);
}

/**
 * Whether a copy of `value` (`{ ...value }`) has exactly the keys, in the order, that the key-by-key walk
 * gives: no symbol keys (a copy keeps them, the walk does not) and no own `__proto__` key (a copy keeps
 * it as a key, where the walk's assignment sets the copy's prototype instead).
 */
function copiesWhole(value: object): boolean {
  return !Object.hasOwn(value, '__proto__') && Object.getOwnPropertySymbols(value).length === 0;
}

/** The value under `key` of an object: replaced when the key names a credential, else walked. */
function walkEntry(
  key: string,
  v: unknown,
  known: KnownSecrets,
  depth: number,
  max: number | undefined,
): unknown {
  if (typeof v === 'string') return v !== '' && isSecretKey(key) ? REDACTED : walkString(v, known, max);
  return v !== null && v !== undefined && isSecretKey(key) ? REDACTED : walk(v, known, depth + 1, max);
}

/**
 * Whether a key names a credential, in any case: a known name, or a header-like name (`x-` prefix or
 * hyphenated, as HTTP headers are) with a credential word in it (`X-Custom-Token`, `x-signature`).
 * @example isSecretKey('X-Custom-Token') // true; isSecretKey('content-type') // false
 */
export function isSecretKey(key: string): boolean {
  return secretKeys.of(key, namesCredential);
}

/**
 * Answers by short key, emptied when full: keys and values come from any input (a body may bring any
 * number of distinct keys), so the memo stays bounded; longer keys are answered and never kept.
 */
class ShortKeyMemo<V> {
  readonly #map = new Map<string, V>();
  constructor(
    readonly maxKeys: number,
    readonly maxKeyLength: number,
  ) {}
  /** How many keys are kept now (tests: the memo stays bounded). */
  get size(): number {
    return this.#map.size;
  }
  /** `compute(key)`, worked out once per key while it is kept. */
  of(key: string, compute: (key: string) => V): V {
    if (key.length > this.maxKeyLength) return compute(key);
    let value = this.#map.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.#map.size >= this.maxKeys) this.#map.clear();
      this.#map.set(key, value);
    }
    return value;
  }
}

/** isSecretKey's answers by key: header names and JSON keys repeat from one check to the next. */
export const MEMO_KEYS = 2048;
const secretKeys = new ShortKeyMemo<boolean>(MEMO_KEYS, 64);

/** How many keys isSecretKey remembers now (tests: the memo stays bounded). */
export function memoizedSecretKeys(): number {
  return secretKeys.size;
}

function namesCredential(key: string): boolean {
  if (SECRET_KEYS.has(key)) return true;
  const lower = NOT_LOWER.test(key) ? key.toLowerCase() : key;
  return SECRET_KEYS.has(lower) || (lower.includes('-') && CREDENTIAL_HEADER.test(lower));
}
const NOT_LOWER = /[^a-z0-9_-]/;
const CREDENTIAL_HEADER = /token|secret|key|auth|cookie|passw|credential|signature/;

/**
 * Shaped observed strings, one copy of each short one: observed values repeat from check to check (a
 * server's name, a content type, the date within a second) and a run keeps every outcome until it is
 * stored and reported; 50,000 nginx outcomes held ten copies each of the same header values (~0.3 KB an
 * item). Only what redaction has let through is kept (what any output shows).
 */
export const MEMO_STRINGS = 4096;
const sharedStrings = new ShortKeyMemo<string>(MEMO_STRINGS, 64);

/** How many strings `shared` holds now (tests: the memo stays bounded). */
export function memoizedStrings(): number {
  return sharedStrings.size;
}

const itself = (text: string) => text;
function shared(text: string): string {
  return sharedStrings.of(text, itself);
}
