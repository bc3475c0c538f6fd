import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/errors.js';
import { ROOT } from '../test-support/cli.js';
import { type Config, configFrom, type Env, VARIABLES } from './config.js';

/** What a setting reads as, for one environment. */
const read = (env: Env, get: (c: Config) => unknown) => get(configFrom(env));

describe('defaults (nothing set)', () => {
  it.each<[string, (c: Config) => unknown, unknown]>([
    ['db', (c) => c.db, undefined],
    ['user', (c) => c.user, undefined],
    ['debug', (c) => c.debug, false],
    ['cacheDir', (c) => c.cacheDir, join(homedir(), '.cache', 'gonogo')],
    ['server', (c) => c.server, {}],
    ['watch', (c) => c.watch, { delivery: {} }],
  ])('%s', (_name, get, expected) => {
    expect(read({}, get)).toEqual(expected);
  });

  it('the clock is the real time', () => {
    const before = Date.now();
    const t = configFrom({}).now().getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('blank values count as unset', () => {
    const c = configFrom({ GONOGO_RATE_LIMIT: ' ', GONOGO_DB: '', GONOGO_NOW: '' });
    expect(c.server).toEqual({});
    expect(c.db).toBeUndefined();
    expect(c.now().getFullYear()).toBeGreaterThan(2000);
  });
});

describe('valid values', () => {
  it.each<[Env, (c: Config) => unknown, unknown]>([
    [{ GONOGO_NOW: '2026-12-01T09:00:00Z' }, (c) => c.now().toISOString(), '2026-12-01T09:00:00.000Z'],
    [{ GONOGO_DB: 'postgres://u:p@db/x' }, (c) => c.db, 'postgres://u:p@db/x'],
    [{ GONOGO_USER: '  ana ' }, (c) => c.user, 'ana'],
    [{ GONOGO_RUNNER_TOKEN: ' gng_abc\n' }, (c) => c.runnerToken, 'gng_abc'],
    [{ GONOGO_RUNNER_TOKEN: '  ' }, (c) => c.runnerToken, undefined],
    [
      { GONOGO_RUNNER_TOKEN: 'gng_abc', GONOGO_DB: 'postgres://u:p@db/x', GONOGO_USER: 'ana', PATH: '/bin' },
      (c) => c.checkEnv,
      { GONOGO_USER: 'ana', PATH: '/bin' },
    ],
    [{ GONOGO_DEBUG: '1' }, (c) => c.debug, true],
    [{ GONOGO_DEBUG: 'verbose' }, (c) => c.debug, true],
    [{ GONOGO_DEBUG: 'off' }, (c) => c.debug, false],
    [{ GONOGO_CACHE: 'off', GONOGO_CACHE_DIR: '/x' }, (c) => c.cacheDir, undefined],
    [{ GONOGO_CACHE: '0' }, (c) => c.cacheDir, undefined],
    [{ GONOGO_CACHE: 'OFF' }, (c) => c.cacheDir, undefined],
    [{ GONOGO_NOTIFY_ATTEMPTS: '020' }, (c) => c.watch, { delivery: { maxAttempts: 20 } }],
    [{ GONOGO_CACHE: 'on', GONOGO_CACHE_DIR: 'rel/cache' }, (c) => c.cacheDir, resolve('rel/cache')],
    [{ XDG_CACHE_HOME: '/xdg' }, (c) => c.cacheDir, '/xdg/gonogo'],
    [
      { GONOGO_RATE_LIMIT: '0', GONOGO_AUTH_FAILURE_LIMIT: '25' },
      (c) => c.server,
      { requestsPerMinute: 0, authFailuresPer10Min: 25 },
    ],
    [{ GONOGO_PREFLIGHT_MAX_AGE: '1h30m' }, (c) => c.server, { preflightMaxAgeMs: 5_400_000 }],
    [{ GONOGO_TRUST_PROXY: 'YES' }, (c) => c.server, { trustProxy: true }],
    [{ GONOGO_TRUST_PROXY: 'false' }, (c) => c.server, { trustProxy: false }],
    [
      { GONOGO_PUBLIC_URL: 'https://g.example.com/app, http://10.0.0.1:8080' },
      (c) => c.server,
      { origins: ['https://g.example.com', 'http://10.0.0.1:8080'] },
    ],
    [
      { GONOGO_LEASE_TTL: '2s', GONOGO_WATCH_TICK: '100ms' },
      (c) => c.watch,
      { leaseTtlMs: 2000, tickMs: 100, delivery: {} },
    ],
    [
      {
        GONOGO_NOTIFY_RETRY_DELAY: '250ms',
        GONOGO_NOTIFY_ATTEMPTS: '3',
        GONOGO_PUBLIC_URL: 'https://g.example.com/app',
      },
      (c) => c.watch,
      { delivery: { baseDelayMs: 250, maxAttempts: 3, dashboardUrl: 'https://g.example.com/app' } },
    ],
  ])('%j', (env, get, expected) => {
    expect(read(env, get)).toEqual(expected);
  });
});

describe('invalid values are ConfigErrors naming the variable and what it accepts', () => {
  it.each<[Env, (c: Config) => unknown, string]>([
    [
      { GONOGO_NOW: 'tomorrow' },
      (c) => c.now(),
      'GONOGO_NOW="tomorrow" is not accepted; use an ISO date-time',
    ],
    [
      { GONOGO_CACHE: 'maybe' },
      (c) => c.cacheDir,
      'GONOGO_CACHE="maybe" is not accepted; use one of 1, true',
    ],
    [
      { GONOGO_RATE_LIMIT: 'lots' },
      (c) => c.server,
      'GONOGO_RATE_LIMIT="lots" is not accepted; use a whole number',
    ],
    [{ GONOGO_RATE_LIMIT: '-1' }, (c) => c.server, 'GONOGO_RATE_LIMIT="-1"'],
    [{ GONOGO_AUTH_FAILURE_LIMIT: '2.5' }, (c) => c.server, 'GONOGO_AUTH_FAILURE_LIMIT="2.5"'],
    [{ GONOGO_RATE_LIMIT: '+5' }, (c) => c.server, 'GONOGO_RATE_LIMIT="+5"'],
    [{ GONOGO_RATE_LIMIT: '1e3' }, (c) => c.server, 'GONOGO_RATE_LIMIT="1e3"'],
    [{ GONOGO_RATE_LIMIT: '99999999999999999999' }, (c) => c.server, 'use a whole number, 0 or more'],
    [{ GONOGO_PREFLIGHT_MAX_AGE: 'soon' }, (c) => c.server, 'use a duration, e.g. 30s'],
    [{ GONOGO_PUBLIC_URL: 'gonogo.example.com' }, (c) => c.server, 'GONOGO_PUBLIC_URL="gonogo.example.com"'],
    [{ GONOGO_PUBLIC_URL: 'ftp://files.example.com' }, (c) => c.watch, 'use http(s) URLs'],
    [{ GONOGO_TRUST_PROXY: 'ture' }, (c) => c.server, 'GONOGO_TRUST_PROXY="ture" is not accepted'],
    [{ GONOGO_LEASE_TTL: 'soon' }, (c) => c.watch, 'GONOGO_LEASE_TTL="soon"'],
    [{ GONOGO_LEASE_TTL: '100ms' }, (c) => c.watch, 'a duration of 300ms or more'],
    [{ GONOGO_WATCH_TICK: '1ms' }, (c) => c.watch, 'a duration of 10ms or more'],
    [{ GONOGO_NOTIFY_RETRY_DELAY: '1x' }, (c) => c.watch, 'GONOGO_NOTIFY_RETRY_DELAY="1x"'],
    [{ GONOGO_NOTIFY_ATTEMPTS: 'many' }, (c) => c.watch, 'a whole number from 1 to 20'],
    [{ GONOGO_NOTIFY_ATTEMPTS: '21' }, (c) => c.watch, 'GONOGO_NOTIFY_ATTEMPTS="21"'],
  ])('%j', (env, get, message) => {
    const err = (() => {
      try {
        read(env, get);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(Object.keys(env)[0]);
    expect((err as Error).message).toContain(message);
  });
});

describe('groups are checked when first used, and only then', () => {
  const bad: Env = {
    GONOGO_RATE_LIMIT: 'lots',
    GONOGO_LEASE_TTL: 'soon',
    GONOGO_NOW: 'tomorrow',
    GONOGO_CACHE: 'maybe',
    GONOGO_USER: 'ana',
  };

  it('a bad server setting does not stop what does not read it', () => {
    const c = configFrom(bad);
    expect(c.user).toBe('ana');
    expect(c.debug).toBe(false);
    expect(c.db).toBeUndefined();
    expect(() => c.server).toThrow(/GONOGO_RATE_LIMIT/);
    expect(() => c.watch).toThrow(/GONOGO_LEASE_TTL/);
    expect(() => c.cacheDir).toThrow(/GONOGO_CACHE/);
    expect(() => c.now()).toThrow(/GONOGO_NOW/);
  });

  it('reads each group once', () => {
    const env: Record<string, string> = { GONOGO_NOW: '2026-01-01T00:00:00Z', GONOGO_RATE_LIMIT: '5' };
    const c = configFrom(env);
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(c.server.requestsPerMinute).toBe(5);
    env.GONOGO_NOW = 'garbage';
    env.GONOGO_RATE_LIMIT = 'garbage';
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(c.server.requestsPerMinute).toBe(5);
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `(GONOGO_[A-Z_]+)` \|(.*)\|$/gm)].map((m) => [m[1]!, m[2]!.split(' | ')]),
  );

  it('has one row per variable, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(VARIABLES).sort());
  });

  it.each(Object.entries(VARIABLES))('%s: its meaning, what it accepts and its default', (name, v) => {
    expect(rows.get(name)?.map((c) => c.trim())).toEqual([v.purpose, v.accepts, v.default]);
  });
});

describe('no other module reads a GONOGO_ variable', () => {
  it('only src/app/config.ts names them in code', () => {
    const offenders: string[] = [];
    for (const entry of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
      const file = join(entry.parentPath, entry.name);
      if (!entry.isFile() || !/\.tsx?$/.test(file) || /\.test\.tsx?$|test-support/.test(file)) continue;
      if (file.endsWith(join('app', 'config.ts'))) continue;
      // A read is `env.GONOGO_X`, `env['GONOGO_X']` or `process.env.GONOGO_X`; mentions in text are fine.
      const text = readFileSync(file, 'utf8');
      if (/env(\.|\[['"`])GONOGO_/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
