import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDuration } from '../model/duration.js';
import { ConfigError } from '../model/errors.js';
import type { ServerConfig } from '../server/index.js';
import type { WatchOptions } from '../server/watch/index.js';
import { SERVER_NODE_FLAGS } from './server-node-flags.js';

/**
 * Every `GONOGO_*` variable, read here and nowhere else, parsed into typed values (docs/configuration.md
 * is the user's table of the same). Values are checked per group, when a command first uses the group, so
 * `gonogo --help` or `gonogo lint` never fails over a server setting; a bad value is a ConfigError naming
 * the variable and what it accepts, which the CLI prints and exits 2 on.
 * Each value is read by a plain function, not a schema library: every command builds its configuration,
 * and loading one (zod's core chunk is half a megabyte) cost a cold `gonogo lint` a tenth of its CPU.
 */

/** The process environment, as given to the composition root. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The groups of variables; each is validated as a whole, by the commands that use it. */
export type ConfigGroup = 'clock' | 'store' | 'cache' | 'actor' | 'debug' | 'server' | 'watch' | 'runner';

/** One variable: what it is for, what it accepts (the words of the error message), its default. */
export interface Variable<T = unknown> {
  group: ConfigGroup;
  purpose: string;
  accepts: string;
  default: string;
  /** A value that may hold a password (a database URL) is never repeated in a message. */
  secret?: boolean;
  /** The value of the (trimmed, non-empty) text, or undefined when the text is not accepted. */
  parse: (text: string) => T | undefined;
}

const variable = <T>(v: Variable<T>): Variable<T> => v;

/** Any text, as written. */
const anyText = (input: string): string => input;

/** A duration (`500ms`, `10s`, `5m`, `1h30m`, bare milliseconds) of at least `minMs`, in milliseconds. */
const duration =
  (minMs: number) =>
  (input: string): number | undefined => {
    let ms: number | undefined;
    try {
      ms = parseDuration(input);
    } catch {
      return undefined;
    }
    return ms >= minMs ? ms : undefined;
  };

/** A whole number (decimal digits only) from `min` to `max`. */
const whole =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (input: string): number | undefined => {
    const n = /^\d+$/.test(input) ? Number(input) : Number.NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  };

/** An instant: anything Date.parse reads, in practice an ISO date-time. */
const instant = (input: string): number | undefined => {
  const t = Date.parse(input);
  return Number.isNaN(t) ? undefined : t;
};

/** Comma-separated http(s) URLs, trimmed, in order. */
const urls = (input: string): string[] | undefined => {
  const list = input
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const web = (u: string) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol);
  return list.length > 0 && list.every(web) ? list : undefined;
};

const BOOLEAN = 'one of 1, true, yes, on (or 0, false, no, off)';
/** A switch, in any case: `BOOLEAN`'s words. */
const boolean = (input: string): boolean | undefined => {
  const word = input.toLowerCase();
  return TRUTHY.has(word) ? true : FALSY.has(word) ? false : undefined;
};
const TRUTHY = new Set(['1', 'true', 'yes', 'on']);
const FALSY = new Set(['0', 'false', 'no', 'off']);

/** The table of every variable (docs/configuration.md mirrors it; a test keeps the two in step). */
export const VARIABLES = {
  GONOGO_NOW: variable({
    group: 'clock',
    purpose: 'fixes the clock, to rehearse a launch day or test expiry',
    accepts: 'an ISO date-time, e.g. 2026-12-01T09:00:00Z',
    default: 'the real time',
    parse: instant,
  }),
  GONOGO_DB: variable({
    group: 'store',
    purpose: 'the store, like `--db` (which wins): an SQLite file, or `postgres://…`',
    accepts: 'a file path or a postgres:// URL',
    default: '`.gonogo/gonogo.db` under the current directory',
    secret: true,
    parse: anyText,
  }),
  GONOGO_CACHE: variable({
    group: 'cache',
    purpose: 'the cache of parsed checklists; `off` turns it off',
    accepts: BOOLEAN,
    default: 'on',
    parse: boolean,
  }),
  GONOGO_CACHE_DIR: variable({
    group: 'cache',
    purpose: 'where that cache lives',
    accepts: 'a directory path',
    default: '`$XDG_CACHE_HOME/gonogo`, else `~/.cache/gonogo`',
    parse: anyText,
  }),
  GONOGO_USER: variable({
    group: 'actor',
    purpose: 'who attests, waives, signs off or creates a token when `--by` is not given',
    accepts: 'a name',
    default: 'the operating-system user name',
    parse: anyText,
  }),
  GONOGO_DEBUG: variable({
    group: 'debug',
    purpose: 'adds stack traces to unexpected errors',
    // A diagnostic switch must never be the error itself: any other value turns it on.
    accepts: 'any value; empty, 0, false, no and off leave it off',
    default: 'off',
    parse: (v: string) => !/^(0|false|no|off)$/i.test(v),
  }),
  GONOGO_RATE_LIMIT: variable({
    group: 'server',
    purpose: '`serve`: requests per minute per token (or client address); `0` turns it off',
    accepts: 'a whole number, 0 or more',
    default: '600',
    parse: whole(0),
  }),
  GONOGO_AUTH_FAILURE_LIMIT: variable({
    group: 'server',
    purpose: '`serve`: bad tokens per 10 minutes per client address before 429; `0` turns it off',
    accepts: 'a whole number, 0 or more',
    default: '10',
    parse: whole(0),
  }),
  GONOGO_PREFLIGHT_MAX_AGE: variable({
    group: 'server',
    purpose: '`serve`: the preflight endpoint runs the checks when the last run is older than this',
    accepts: 'a duration, e.g. 30s, 5m or 1h',
    default: '5m',
    parse: duration(0),
  }),
  GONOGO_PUBLIC_URL: variable({
    group: 'server',
    purpose:
      '`serve`: the URL users open (comma-separated if several): allowed as form `Origin` behind a proxy; the first is linked from Slack messages',
    accepts: 'http(s) URLs separated by commas, e.g. https://gonogo.example.com',
    default: 'none',
    parse: urls,
  }),
  GONOGO_TRUST_PROXY: variable({
    group: 'server',
    purpose:
      '`serve`: take the client address from `X-Forwarded-For` and HTTPS from `X-Forwarded-Proto` (only behind a proxy that sets them)',
    accepts: BOOLEAN,
    default: 'off',
    parse: boolean,
  }),
  GONOGO_WATCH_TICK: variable({
    group: 'watch',
    purpose: '`serve`: how often the watch loop wakes',
    accepts: 'a duration of 10ms or more, e.g. 1s',
    default: '1s',
    parse: duration(10),
  }),
  GONOGO_LEASE_TTL: variable({
    group: 'watch',
    purpose: '`serve`: scheduler leader lease lifetime; a dead leader is replaced within about this long',
    accepts: 'a duration of 300ms or more, e.g. 10s',
    default: '10s',
    parse: duration(300),
  }),
  GONOGO_NOTIFY_RETRY_DELAY: variable({
    group: 'watch',
    purpose: '`serve`: first delay before a failed notification is sent again (doubled per attempt)',
    accepts: 'a duration, e.g. 1s',
    default: '1s',
    parse: duration(0),
  }),
  GONOGO_NOTIFY_ATTEMPTS: variable({
    group: 'watch',
    purpose: '`serve`: attempts to deliver a notification before it is given up',
    accepts: 'a whole number from 1 to 20',
    default: '5',
    parse: whole(1, 20),
  }),
  GONOGO_NODE_FLAGS: variable({
    group: 'server',
    purpose:
      '`serve` and `runner`: the node flags their server process is started with (the command starts node again with them and waits on it: app/respawn.ts); `none`: no second process',
    accepts: 'node flags separated by spaces, or none',
    default: `\`${SERVER_NODE_FLAGS.join(' ')}\``,
    parse: anyText,
  }),
  GONOGO_RUNNER_TOKEN: variable({
    group: 'runner',
    purpose:
      '`runner`: the runner token, instead of `--token` (which shows in `ps`) or `--token-file`; give exactly one',
    accepts: 'a runner token (gonogo token create --role runner)',
    default: 'none',
    secret: true,
    parse: anyText,
  }),
} satisfies Record<`GONOGO_${string}`, Variable>;

/** The name of a configuration variable. */
export type VariableName = keyof typeof VARIABLES;

type ValueOf<N extends VariableName> = (typeof VARIABLES)[N] extends Variable<infer T> ? T : never;

/** One variable's value: undefined when unset or blank; a ConfigError naming it when it is not accepted. */
export function readVariable<N extends VariableName>(env: Env, name: N): ValueOf<N> | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const v: Variable = VARIABLES[name];
  const parsed = v.parse(raw);
  if (parsed !== undefined) return parsed as ValueOf<N>;
  const shown = v.secret ? name : `${name}="${raw}"`;
  throw new ConfigError(`${shown} is not accepted; use ${v.accepts}`, name);
}

/** Settings from the environment, each group parsed on first use and then kept. */
export interface Config {
  /** The clock: `GONOGO_NOW` when set (checked on the first call), else the real time. */
  now(): Date;
  /** `GONOGO_DB`, as written (`--db` wins over it). */
  readonly db: string | undefined;
  /** The parse cache's directory, or undefined when `GONOGO_CACHE` turns it off. */
  readonly cacheDir: string | undefined;
  /** `GONOGO_CACHE` or `GONOGO_CACHE_DIR` is set: they win over the project file's `cache`. */
  readonly cacheFromEnv: boolean;
  /** `GONOGO_USER`, trimmed. */
  readonly user: string | undefined;
  /** `GONOGO_DEBUG`: print stack traces of unexpected errors. */
  readonly debug: boolean;
  /** Server settings over the server's defaults. */
  readonly server: Partial<ServerConfig>;
  /** Watch-loop settings over its defaults. */
  readonly watch: Partial<WatchOptions>;
  /** `GONOGO_RUNNER_TOKEN`, trimmed: the token of `gonogo runner` (never printed). */
  readonly runnerToken: string | undefined;
  /**
   * The environment without gonogo's own secret settings (`GONOGO_DB`, `GONOGO_RUNNER_TOKEN`): what a
   * runner's checks expand `${NAME}` from and `env:` checks read, so no check can send them away.
   */
  readonly checkEnv: Env;
}

/**
 * The configuration of one process, read lazily from `env`.
 * @example const config = configFrom(process.env); const store = config.db ?? '.gonogo/gonogo.db';
 */
export function configFrom(env: Env): Config {
  const kept = new Map<keyof Config, unknown>();
  // A group that throws is not kept: the next use reports the same error.
  const once = <K extends keyof Config>(key: K, make: () => Config[K]): Config[K] => {
    if (!kept.has(key)) kept.set(key, make());
    return kept.get(key) as Config[K];
  };
  const read = <N extends VariableName>(name: N) => readVariable(env, name);
  let clock: (() => Date) | undefined;
  return {
    now() {
      clock ??= clockAt(read('GONOGO_NOW'));
      return clock();
    },
    get db() {
      return once('db', () => read('GONOGO_DB'));
    },
    get cacheFromEnv() {
      return Boolean(env.GONOGO_CACHE || env.GONOGO_CACHE_DIR);
    },
    get cacheDir() {
      return once('cacheDir', () => cacheDirOf(env, read('GONOGO_CACHE'), read('GONOGO_CACHE_DIR')));
    },
    get user() {
      return once('user', () => read('GONOGO_USER'));
    },
    get debug() {
      return once('debug', () => read('GONOGO_DEBUG') ?? false);
    },
    get server() {
      return once('server', () => serverConfig(read));
    },
    get watch() {
      return once('watch', () => watchOptions(read));
    },
    get runnerToken() {
      return once('runnerToken', () => read('GONOGO_RUNNER_TOKEN'));
    },
    get checkEnv() {
      const secret = new Set(
        Object.entries(VARIABLES as Record<string, Variable>)
          .filter(([, v]) => v.secret)
          .map(([name]) => name),
      );
      return Object.fromEntries(Object.entries(env).filter(([name]) => !secret.has(name)));
    },
  };
}

function clockAt(fixed: number | undefined): () => Date {
  return fixed === undefined ? () => new Date() : () => new Date(fixed);
}

function cacheDirOf(env: Env, on: boolean | undefined, dir: string | undefined): string | undefined {
  if (on === false) return undefined;
  if (dir) return resolve(dir);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gonogo');
}

type Read = <N extends VariableName>(name: N) => ValueOf<N> | undefined;

function serverConfig(read: Read): Partial<ServerConfig> {
  const out: Partial<ServerConfig> = {};
  const rpm = read('GONOGO_RATE_LIMIT');
  if (rpm !== undefined) out.requestsPerMinute = rpm;
  const fails = read('GONOGO_AUTH_FAILURE_LIMIT');
  if (fails !== undefined) out.authFailuresPer10Min = fails;
  const maxAge = read('GONOGO_PREFLIGHT_MAX_AGE');
  if (maxAge !== undefined) out.preflightMaxAgeMs = maxAge;
  const publicUrls = read('GONOGO_PUBLIC_URL');
  if (publicUrls) out.origins = publicUrls.map((u) => new URL(u).origin);
  const trust = read('GONOGO_TRUST_PROXY');
  if (trust !== undefined) out.trustProxy = trust;
  return out;
}

function watchOptions(read: Read): Partial<WatchOptions> {
  const out: Partial<WatchOptions> = {};
  const ttl = read('GONOGO_LEASE_TTL');
  if (ttl !== undefined) out.leaseTtlMs = ttl;
  const tick = read('GONOGO_WATCH_TICK');
  if (tick !== undefined) out.tickMs = tick;
  const delivery: WatchOptions['delivery'] = {};
  const retry = read('GONOGO_NOTIFY_RETRY_DELAY');
  if (retry !== undefined) delivery.baseDelayMs = retry;
  const attempts = read('GONOGO_NOTIFY_ATTEMPTS');
  if (attempts !== undefined) delivery.maxAttempts = attempts;
  const dashboard = read('GONOGO_PUBLIC_URL')?.[0];
  if (dashboard) delivery.dashboardUrl = dashboard;
  out.delivery = delivery;
  return out;
}
