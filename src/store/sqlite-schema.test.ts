import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { blockTempDir } from '../test-support/temp-dir.js';
import { openStore } from './index.js';
import { migrateOneByOne, migrations } from './migrations.js';
import { openSqlite } from './sqlite-adapter.js';
import LATEST from './sqlite-latest-schema.json' with { type: 'json' };
import { sqliteAtLatest } from './sqlite-schema.js';

const dir = blockTempDir('gonogo-sqlite-schema-');
let n = 0;
const fresh = () => join(dir, `store-${++n}.db`);

/** A store made by Kysely's Migrator, one migration after another (only the first `upTo` of them). */
async function migratedOneByOne(upTo?: number): Promise<string> {
  const path = fresh();
  const adapter = await openSqlite(path);
  try {
    const all = Object.entries(migrations(adapter)).slice(0, upTo);
    await migrateOneByOne(adapter, Object.fromEntries(all));
  } finally {
    await adapter.db.destroy();
  }
  return path;
}

/** Everything a schema is: sqlite_master in creation order, the recorded migrations, the lock row. */
function schemaOf(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      master: db.prepare('select type, name, tbl_name, sql from sqlite_master order by rowid').all(),
      migrations: db.prepare('select name from gonogo_migrations order by name').pluck().all(),
      lock: db.prepare('select * from gonogo_migrations_lock').all(),
      sequences: db.prepare('select * from sqlite_sequence').all(),
    };
  } finally {
    db.close();
  }
}

describe('the SQLite schema in one step', () => {
  it('is what the migrations one by one leave (regenerate: GONOGO_WRITE_SQLITE_SCHEMA=1)', async () => {
    const { master, migrations: names } = schemaOf(await migratedOneByOne());
    const derived = {
      migrations: names as string[],
      statements: (master as { name: string; sql: string | null }[])
        .filter((r) => r.sql !== null && r.name !== 'sqlite_sequence')
        .map((r) => r.sql!),
    };
    if (process.env.GONOGO_WRITE_SQLITE_SCHEMA === '1') {
      // Then `npx biome format --write src/store/sqlite-latest-schema.json`.
      writeFileSync(new URL('./sqlite-latest-schema.json', import.meta.url), `${JSON.stringify(derived)}\n`);
    }
    expect(LATEST).toEqual(derived);
  });

  it('creates a new store equal to one migrated one by one', async () => {
    const expected = schemaOf(await migratedOneByOne());
    const path = fresh();
    const native = new Database(path);
    expect(sqliteAtLatest(native, LATEST.migrations)).toBe(true);
    native.close();
    expect(schemaOf(path)).toEqual(expected);
    // And through openStore, which then works on it.
    const viaOpen = fresh();
    const store = await openStore(viaOpen);
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(schemaOf(viaOpen)).toEqual(expected);
  });

  it('leaves a store behind the latest migration to the Migrator, which brings it up to date', async () => {
    const expected = schemaOf(await migratedOneByOne());
    const behind = await migratedOneByOne(LATEST.migrations.length - 1);
    const native = new Database(behind);
    expect(sqliteAtLatest(native, LATEST.migrations)).toBe(false);
    native.close();
    const store = await openStore(behind);
    await store.close();
    const { master, ...rest } = schemaOf(behind);
    const { master: want, ...wantRest } = expected;
    expect(rest).toEqual(wantRest);
    // The same objects (rowids differ with the order of creation).
    const byName = (rows: unknown[]) =>
      [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(byName(master)).toEqual(byName(want));
  });

  it('finds an up-to-date store current, and makes nothing for a build whose migrations differ', async () => {
    const current = new Database(await migratedOneByOne());
    expect(sqliteAtLatest(current, LATEST.migrations)).toBe(true);
    expect(sqliteAtLatest(current, [...LATEST.migrations, '999_later'])).toBe(false);
    current.close();
    const empty = new Database(fresh());
    expect(sqliteAtLatest(empty, [...LATEST.migrations, '999_later'])).toBe(false);
    expect(empty.prepare('select count(*) from sqlite_master').pluck().get()).toBe(0);
    empty.close();
  });
});
