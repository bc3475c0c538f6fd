import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../model/errors.js';
import { watchOptionsFromEnv } from './index.js';

describe('watchOptionsFromEnv', () => {
  it.each([
    [{}, { delivery: {} }],
    [
      { GONOGO_LEASE_TTL: '2s', GONOGO_WATCH_TICK: '100ms' },
      { leaseTtlMs: 2000, tickMs: 100, delivery: {} },
    ],
    [
      {
        GONOGO_NOTIFY_RETRY_DELAY: '250ms',
        GONOGO_NOTIFY_ATTEMPTS: '3',
        GONOGO_PUBLIC_URL: 'https://g.example.com',
      },
      { delivery: { baseDelayMs: 250, maxAttempts: 3, dashboardUrl: 'https://g.example.com' } },
    ],
  ])('%j', (env, expected) => {
    expect(watchOptionsFromEnv(env)).toEqual(expected);
  });

  it.each([
    [{ GONOGO_LEASE_TTL: 'soon' }, 'GONOGO_LEASE_TTL'],
    [{ GONOGO_LEASE_TTL: '100ms' }, 'GONOGO_LEASE_TTL'],
    [{ GONOGO_WATCH_TICK: '1ms' }, 'GONOGO_WATCH_TICK'],
    [{ GONOGO_NOTIFY_ATTEMPTS: 'many' }, 'GONOGO_NOTIFY_ATTEMPTS'],
  ])('refuses %j naming %s', (env, field) => {
    expect(() => watchOptionsFromEnv(env)).toThrow(ConfigError);
    try {
      watchOptionsFromEnv(env);
    } catch (err) {
      expect((err as ConfigError).field).toBe(field);
      expect((err as Error).message).toContain(field);
    }
  });
});
