import type * as z from 'zod';

/**
 * The contract every check kind implements (one file per kind in `src/checks/`).
 * "What to observe" lives in the kind; "what to assert" is CEL evaluated by the engine over `variables`.
 */

/** CEL type names used to declare observed variables (checked at lint time). */
export type CelType =
  | 'int'
  | 'double'
  | 'string'
  | 'bool'
  | 'bytes'
  | 'dyn'
  | 'map'
  | 'list'
  | `list<${string}>`
  | `map<${string}>`;

/** One observed variable a kind declares. */
export interface VariableDecl {
  type: CelType;
  description: string;
  /** Conditions may read it, but reports show only `set`, `length` and an 8-hex SHA-256 fingerprint. */
  secret?: boolean;
}

/** What the engine gives a check when it runs. */
export interface CheckContext {
  /** Aborted on timeout or when the run is cancelled; pass it to every socket and child process. */
  signal: AbortSignal;
  timeoutMs: number;
  /** Directory of the checklist file: relative paths in targets resolve from here. */
  baseDir: string;
  /** The process environment (the `env` kind reads it; others must not need it). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The run's clock (`GONOGO_NOW` when set), for observations relative to "now" such as a certificate's
   * days left: a rehearsal of launch day sees launch day. Absent means real time.
   */
  now?: () => Date;
}

/** Observed values, by variable name. Plain JS values: the engine converts numbers to CEL int/double. */
export type Observation = Record<string, unknown>;

/**
 * Throw this from `run()` when the check could not observe what it needed (refused, timeout, bad URL).
 * `partial` holds what was observed anyway (e.g. `{ connected: false }`): conditions that only read
 * those variables are still evaluated, so `connected == false` can pass while `rows` cannot be judged.
 */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
  constructor(
    message: string,
    readonly partial: Observation = {},
  ) {
    super(message);
  }
}

/** A check kind. `kind` must equal the file name (`src/checks/http.ts` -> `http`); a test enforces it. */
export interface CheckDefinition<T = unknown, O = Record<string, unknown>> {
  kind: string;
  /** One line for docs and `lint` output. */
  summary: string;
  /**
   * Schema of the value under the kind key (a URL, `host:port`, a command line or argv list...), which
   * parses it into what run() needs (`.transform()`): applied at lint time and, after `${NAME}`
   * expansion, once per run; run() and hostKey() receive the parsed value and never parse again.
   */
  target: z.ZodType<T>;
  /** Schema of the kind's own options (strict: an unknown option is a lint error naming it), parsed likewise. */
  options: z.ZodType<O>;
  /** Observed variables conditions may use; anything else is rejected at lint time. */
  variables: Record<string, VariableDecl>;
  /** Conditions used when the check block has no `expect`. */
  defaultExpect: string[];
  /** Key for per-host concurrency limits (e.g. `example.com:443`); undefined = global limit only. */
  hostKey?(target: T, options: O): string | undefined;
  /** Observe. Never throws anything but CheckFailure for expected failures; other errors become `error`. */
  run(target: T, options: O, ctx: CheckContext): Promise<Observation>;
}

/** Identity helper that keeps target/option types inferred in kind modules. */
export function defineCheck<T, O>(def: CheckDefinition<T, O>): CheckDefinition<T, O> {
  return def;
}

/** Looks up kinds by name; implemented by `src/checks/registry.ts`. */
export interface KindRegistry {
  /** The kind's definition; undefined for an unknown kind. A lazy registry throws for a kind not loaded. */
  get(kind: string): CheckDefinition<unknown, unknown> | undefined;
  names(): string[];
  /**
   * Make these kinds ready for `get` (unknown names are ignored). A lazy registry imports a kind's module
   * only when a checklist uses it; without this method every kind is ready.
   */
  load?(kinds: Iterable<string>): Promise<void>;
}

/**
 * Target schemas that are `string -> trim -> non-empty -> parse(text)` (checks/support/net.ts
 * `targetSchema`), with their parse function: parseTarget calls it directly on a valid string, without
 * zod's per-parse machinery (a third of preparing an http check).
 */
const plainTargets = new WeakMap<object, (text: string) => unknown>();

/** Register `schema` as the plain `string -> trim -> min(1) -> parse` schema it is (see parseTarget). */
export function registerPlainTarget<T>(schema: z.ZodType<T>, parse: (text: string) => T): z.ZodType<T> {
  plainTargets.set(schema, parse);
  return schema;
}

/**
 * `schema.safeParse(value)`, the same result: a registered plain schema parses a good string directly,
 * and anything it refuses (not a string, blank, a parse error) goes through the schema itself, so the
 * issues are the schema's own.
 * @example parseTarget(http.target, 'https://example.com/health') // { success: true, data: { method: 'GET', url } }
 */
export function parseTarget<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { success: true; data: T } | { success: false; error: z.ZodError } {
  const parse = plainTargets.get(schema);
  if (parse !== undefined && typeof value === 'string') {
    const text = value.trim();
    if (text.length > 0) {
      try {
        return { success: true, data: parse(text) as T };
      } catch {
        // The schema says why, in its own words.
      }
    }
  }
  return schema.safeParse(value);
}
