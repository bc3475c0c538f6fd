import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../model/errors.js';
import type { StoreAdapter } from './adapter.js';
import { maskUrl, URL_SCHEME } from './mask-url.js';

/**
 * How a backend is chosen: one dialect object per backend, in one list. `--db`/`GONOGO_DB`, openStore
 * and messages all ask this list; nothing else looks at the shape of a location. Drivers load only in
 * `open`, so choosing a backend costs nothing.
 */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Whether `location` (as given by the user) selects this backend. */
  matches(location: string): boolean;
  /** The location to open: a path resolved against `cwd`, or a URL with its scheme in lower case. */
  resolve(location: string, cwd: string): string;
  /** The location safe to print: no password. */
  describe(location: string): string;
  /** Connect (creating an SQLite file unless `existing`); migrations are the caller's. */
  open(
    location: string,
    opts: { existing: boolean; pageCacheKiB?: number | undefined },
  ): Promise<StoreAdapter>;
}

const postgres: StoreDialect = {
  name: 'postgres',
  matches: (location) => /^postgres(ql)?$/i.test(URL_SCHEME.exec(location)?.[1] ?? ''),
  resolve: (location) => location.replace(URL_SCHEME, (_m, scheme: string) => `${scheme.toLowerCase()}://`),
  describe: maskUrl,
  async open(location) {
    return (await import('./postgres-adapter.js')).openPostgres(location);
  },
};

/** SQLite's name for an in-memory database: `--db :memory:` keeps nothing once the process ends. */
export const SQLITE_MEMORY = ':memory:';

const sqlite: StoreDialect = {
  name: 'sqlite',
  matches: (location) => !URL_SCHEME.test(location),
  // `:memory:` is SQLite's own name for a store that lives and dies with the process, never a file.
  resolve: (location, cwd) =>
    location === SQLITE_MEMORY || isAbsolute(location) ? location : resolve(cwd, location),
  describe: (location) => location,
  async open(location, opts) {
    return (await import('./sqlite-adapter.js')).openSqlite(location, opts);
  },
};

/** Every backend, first match wins. */
export const DIALECTS: readonly StoreDialect[] = [postgres, sqlite];

/**
 * The dialect `location` selects. Any other `scheme://` is a ConfigError naming the supported forms,
 * with the location's password masked: it is never taken for a file name.
 * @example dialectFor('postgresql://app:pw@db/gonogo').name // 'postgres'
 */
export function dialectFor(location: string): StoreDialect {
  const dialect = DIALECTS.find((d) => d.matches(location));
  if (dialect) return dialect;
  throw new ConfigError(
    `unsupported store ${maskUrl(location)}: --db (or GONOGO_DB) takes a file path for SQLite ` +
      '(e.g. .gonogo/gonogo.db) or a postgres:// or postgresql:// URL for PostgreSQL',
    'db',
  );
}

/** The location `--db`/`GONOGO_DB` names, ready to open: see StoreDialect.resolve. */
export function resolveStoreLocation(location: string, cwd: string): string {
  return dialectFor(location).resolve(location, cwd);
}
