import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/errors.js';
import { dialectFor, resolveStoreLocation } from './dialects.js';
import { maskUrl } from './mask-url.js';

describe('store dialects', () => {
  it.each([
    ['postgres://app:pw@db/gonogo', 'postgres'],
    ['postgresql://app:pw@db/gonogo', 'postgres'],
    ['POSTGRES://app:pw@db/gonogo', 'postgres'],
    ['PostgreSQL://app:pw@db/gonogo', 'postgres'],
    ['.gonogo/gonogo.db', 'sqlite'],
    ['/var/lib/gonogo/store.db', 'sqlite'],
    ['C:\\gonogo\\store.db', 'sqlite'],
    ['./odd:name.db', 'sqlite'],
    [':memory:', 'sqlite'],
  ])('%s selects %s', (location, name) => {
    expect(dialectFor(location).name).toBe(name);
  });

  it.each([
    ['mysql://root:p@ss@host/x', 'mysql://root:***@host/x'],
    ['mysql://root:p%40ss@host/x', 'mysql://root:***@host/x'],
    ['MYSQL://root:a:b@host/x', 'mysql://root:***@host/x'],
    ['sqlite://u:hunter2@h/db', 'sqlite://u:***@h/db'],
    ['redis://:hunter2@h', 'redis://:***@h'],
    ['mysql://root:hunter2@/x', 'mysql://<unparsable URL, not shown>'],
  ])('refuses %s naming the supported forms, password masked', (location, shown) => {
    const err = (() => {
      try {
        dialectFor(location);
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.field).toBe('db');
    expect(err?.message).toContain(shown);
    expect(err?.message).toMatch(/file path for SQLite .* postgres:\/\/ or postgresql:\/\/ URL/);
    expect(err?.message).not.toMatch(/hunter2|p@ss|p%40ss|a:b@/);
  });

  it('resolves a relative path against the directory and lower-cases a URL scheme', () => {
    expect(resolveStoreLocation('.gonogo/gonogo.db', '/work/x')).toBe('/work/x/.gonogo/gonogo.db');
    expect(resolveStoreLocation('POSTGRESQL://u:pw@h/db', '/work/x')).toBe('postgresql://u:pw@h/db');
    expect(resolveStoreLocation(':memory:', '/work/x')).toBe(':memory:');
  });

  it('masks only the password of a URL', () => {
    expect(maskUrl('postgres://app:s3cret@db:5432/gonogo?sslmode=require')).toBe(
      'postgres://app:***@db:5432/gonogo?sslmode=require',
    );
    expect(maskUrl('postgres://db/gonogo')).toBe('postgres://db/gonogo');
  });
});
