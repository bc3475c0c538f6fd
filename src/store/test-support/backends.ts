import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach } from 'vitest';
import type { Store } from '../../engine/store.js';
import { serviceAvailable } from '../../test-support/services.js';
import { type OpenStoreOptions, openStore } from '../index.js';
import { createTempDatabase } from './pg-database.js';

/** `v` as an SQL literal for Backend.raw (both dialects): quoted with its quotes doubled, or `null`. */
export const sqlLiteral = (v: string | null): string =>
  v === null ? 'null' : `'${v.replaceAll("'", "''")}'`;

/** One fresh store location under test, and direct SQL on it (as someone with database access). */
export interface Backend {
  /** What `--db` / openStore takes. */
  url: string;
  /** A fresh directory for the test's other files (checklists). */
  dir: string;
  raw(sql: string): Promise<unknown>;
  /** Remove the default append-only triggers, as an attacker with DDL rights would first. */
  dropAppendOnlyGuard(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface BackendKind {
  name: 'sqlite' | 'postgres';
  /** False when PostgreSQL is not running locally (outside CI): tests skip with a message. */
  available: boolean;
  make(label: string): Promise<Backend>;
}

/** An SQLite file (`dir/store/gonogo.db`) in a fresh temp dir: always available. */
export const sqliteBackend: BackendKind = {
  name: 'sqlite',
  available: true,
  async make() {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-test-'));
    const url = join(dir, 'store', 'gonogo.db');
    const raw = async (sql: string) => {
      const db = new Database(url);
      try {
        db.pragma('busy_timeout = 10000');
        return db.exec(sql);
      } finally {
        db.close();
      }
    };
    return {
      url,
      dir,
      raw,
      dropAppendOnlyGuard: async () => {
        await raw('drop trigger audit_events_no_update; drop trigger audit_events_no_delete;');
      },
      async cleanup() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * A fresh database on the local PostgreSQL (its own, so advisory locks never cross tests), and a fresh
 * temp dir beside it. `available` is false when PostgreSQL is not running (outside CI; in CI it throws).
 * @example const pg = await postgresBackend(); describe.skipIf(!pg.available)('…', () => { const shared = perBlock(pg.make); })
 */
export async function postgresBackend(): Promise<BackendKind> {
  return {
    name: 'postgres',
    available: await serviceAvailable('postgres'),
    async make(label) {
      const dir = mkdtempSync(join(tmpdir(), 'gonogo-test-'));
      const tmp = await createTempDatabase(label);
      return {
        url: tmp.url,
        dir,
        raw: (sql) => tmp.query(sql),
        dropAppendOnlyGuard: async () => {
          await tmp.query('drop trigger audit_events_append_only on audit_events');
        },
        async cleanup() {
          await tmp.drop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/**
 * The two backends every store test runs against: an SQLite file in a temp dir, and a fresh database
 * on the local PostgreSQL.
 * @example describe.each(await storeBackends())('flow on $name', ({ available, make }) => { ... })
 */
export async function storeBackends(): Promise<BackendKind[]> {
  return [sqliteBackend, await postgresBackend()];
}

/** A fresh backend, and a store open on it. */
export interface OpenBackend {
  backend: Backend;
  store: Store;
}

/** What a test makes through `perTest` / `perBlock`; the hook that made them closes and removes them. */
export interface Made {
  /** A fresh backend only (to build an older store on it first, or to open and close stores by hand). */
  backend(label: string): Promise<Backend>;
  /** A fresh backend with a store open on it (`opts` as openStore takes them): the hook closes it. */
  store(label: string, opts?: OpenStoreOptions): Promise<OpenBackend>;
  /** Another store on a backend made here (a second replica, say): the hook closes it too. */
  open(backend: Backend, opts?: OpenStoreOptions): Promise<Store>;
}

/**
 * Backends and stores made during each test of the enclosing `describe` (or file), closed and removed
 * after that test: stores before their backends, last made first, whether the test passed or threw.
 * @example const fresh = perTest(make); it('…', async () => { const { backend, store } = await fresh.store('x'); })
 */
export const perTest = (make: BackendKind['make']): Made => madeUntil(afterEach, make);

/**
 * The same, closed and removed once the enclosing `describe` block (or file) is done: for a store its
 * tests share. Make them in a `beforeAll`.
 */
export const perBlock = (make: BackendKind['make']): Made => madeUntil(afterAll, make);

function madeUntil(hook: (fn: () => Promise<void>) => void, make: BackendKind['make']): Made {
  const undo: Undo = [];
  hook(() => unwind(undo));
  return maker(undo, make);
}

/**
 * A fresh backend with a store open on it for `use` alone, closed and removed as soon as `use` returns
 * or throws (its error is the one thrown): for a fresh store at each round of a loop within one test.
 * @example for (const change of changes) await withStore(make, 'x', async ({ backend, store }) => { … });
 */
export async function withStore<T>(
  make: BackendKind['make'],
  label: string,
  use: (made: OpenBackend) => Promise<T>,
  opts?: OpenStoreOptions,
): Promise<T> {
  const undo: Undo = [];
  let result: T;
  try {
    result = await use(await maker(undo, make).store(label, opts));
  } catch (e) {
    await unwind(undo).catch(() => {});
    throw e;
  }
  await unwind(undo);
  return result;
}

/** Steps that close and remove what was made, in the order made. */
type Undo = (() => Promise<void>)[];

/**
 * Run every step, last made first, even if one fails (a store that will not close must not leave a
 * database behind); throw the first failure.
 */
async function unwind(undo: Undo): Promise<void> {
  const failed: unknown[] = [];
  for (let step = undo.pop(); step; step = undo.pop()) await step().catch((e: unknown) => failed.push(e));
  if (failed.length > 0) throw failed[0];
}

function maker(undo: Undo, make: BackendKind['make']): Made {
  const backend = async (label: string): Promise<Backend> => {
    const made = await make(label);
    undo.push(() => made.cleanup());
    return made;
  };
  const open = async (made: Backend, opts?: OpenStoreOptions): Promise<Store> => {
    const store = await openStore(made.url, opts);
    undo.push(() => store.close());
    return store;
  };
  return {
    backend,
    open,
    async store(label, opts) {
      const made = await backend(label);
      return { backend: made, store: await open(made, opts) };
    },
  };
}
