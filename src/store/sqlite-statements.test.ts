import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { insertRows } from './rows.js';
import { cachingStatements, openSqlite } from './sqlite-adapter.js';

let dir: string;
let native: InstanceType<typeof BetterSqlite>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gonogo-stmts-'));
  native = new BetterSqlite(join(dir, 'db.sqlite'));
});
afterEach(async () => {
  if (native.open) native.close();
  await rm(dir, { recursive: true, force: true });
});

describe('prepared statements kept by SQL text', () => {
  it('reuses the statement of a SQL text and answers as a fresh one would', () => {
    const db = cachingStatements(native);
    db.prepare('create table t (a integer)').run([]);
    const insert = db.prepare('insert into t (a) values (?)');
    insert.run([1]);
    expect(db.prepare('insert into t (a) values (?)')).toBe(insert);
    db.prepare('insert into t (a) values (?)').run([2]);
    expect(db.prepare('select a from t order by a').all([])).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('keeps at most its size, dropping the least recently used', () => {
    const db = cachingStatements(native, 2);
    const one = db.prepare('select 1 as x');
    const two = db.prepare('select 2 as x');
    expect(db.prepare('select 1 as x')).toBe(one);
    db.prepare('select 3 as x');
    // "select 2" was the least recently used: prepared anew; "select 1" was kept.
    expect(db.prepare('select 2 as x')).not.toBe(two);
    expect(db.prepare('select 3 as x').all([])).toEqual([{ x: 3 }]);
  });

  it('sees a schema change made after the statement was kept', () => {
    const db = cachingStatements(native);
    db.prepare('create table t (a integer)').run([]);
    db.prepare('insert into t (a) values (1)').run([]);
    expect(db.prepare('select * from t').all([])).toEqual([{ a: 1 }]);
    db.prepare('alter table t add column b text').run([]);
    expect(db.prepare('select * from t').all([])).toEqual([{ a: 1, b: null }]);
  });

  it("gives the driver a statement's parameters as arguments, storing what one array stored", () => {
    const db = cachingStatements(native);
    db.prepare('create table t (a integer, b text, c real, d blob, e integer)').run([]);
    const proto = Object.getPrototypeOf(native.prepare('select 1')) as { run: (...a: unknown[]) => unknown };
    const run = vi.spyOn(proto, 'run');
    try {
      const insert = db.prepare('insert into t values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)');
      insert.run([1, 'é 😀', 1.5, Buffer.from([0, 1]), null, 2n, '', -0, Buffer.alloc(0), 7]);
      // Ten arguments, not one array: the driver reads arguments without a property lookup each.
      expect(run.mock.calls.at(-1)).toHaveLength(10);
    } finally {
      run.mockRestore();
    }
    const stored = native.prepare('select a, b, c, d, e, typeof(d) as td from t order by a').all();
    const arrayDb = new BetterSqlite(':memory:');
    arrayDb.prepare('create table t (a integer, b text, c real, d blob, e integer)').run();
    arrayDb
      .prepare('insert into t values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)')
      .run([1, 'é 😀', 1.5, Buffer.from([0, 1]), null, 2n, '', -0, Buffer.alloc(0), 7]);
    expect(stored).toEqual(arrayDb.prepare('select a, b, c, d, e, typeof(d) as td from t order by a').all());
    arrayDb.close();
  });

  it('keeps the array for an object parameter (bound as it was, refused as it was) and for very many', () => {
    const db = cachingStatements(native);
    // As arguments, a plain object would bind named parameters and an array a list: as one array's
    // elements both are refused, as they always were.
    expect(() => db.prepare('select ? as x').all([{ x: 1 }])).toThrow(/can only bind/);
    expect(() => db.prepare('select ? as x').all([[1]])).toThrow(/can only bind/);
    const many = Array.from({ length: 9000 }, (_, i) => i);
    const text = `with v(x) as (values ${many.map(() => '(?)').join(', ')}) select sum(x) as total from v`;
    expect(db.prepare(text).all(many)).toEqual([{ total: (8999 * 9000) / 2 }]);
  });

  it('closes the database', () => {
    const db = cachingStatements(native);
    db.prepare('select 1').all([]);
    db.close();
    expect(native.open).toBe(false);
  });
});

describe('the page cache of a connection', () => {
  const cacheSize = async (opts: Parameters<typeof openSqlite>[1]) => {
    const adapter = await openSqlite(join(dir, 'store.db'), opts);
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(adapter.db);
      return rows[0]?.cache_size;
    } finally {
      await adapter.db.destroy();
    }
  };

  it("is the driver's unless the opener gives one (a run gives 2,000 KiB)", async () => {
    expect(await cacheSize({})).toBe(new BetterSqlite(':memory:').pragma('cache_size', { simple: true }));
    expect(await cacheSize({ pageCacheKiB: 2000 })).toBe(-2000);
  });
});

/** The files this process holds open that SQLite made for itself (its temporary files are `etilqs_…`). */
function sqliteTempFiles(): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('etilqs_'));
}

describe('a write transaction', () => {
  it.skipIf(!existsSync('/proc/self/fd'))(
    "keeps its multi-row INSERTs' statement journal in memory, not in a temporary file",
    async () => {
      const adapter = await openSqlite(join(dir, 'store.db'), { pageCacheKiB: 2000 });
      try {
        await adapter.db.schema
          .createTable('t')
          .addColumn('k', 'text', (c) => c.notNull().primaryKey())
          .addColumn('v', 'text')
          .execute();
        // Keys out of order, so each 500-row INSERT changes index pages that the ones before it wrote:
        // those pages go to the statement journal (SQLite keeps the first 64 KiB of it in memory anyway).
        const rows = Array.from({ length: 5000 }, (_, i) => ({
          k: `item-${(i * 7919) % 5000}`,
          v: 'x'.repeat(400),
        }));
        const during = await adapter.db.transaction().execute(async (trx) => {
          await insertRows(trx as never, 't' as never, rows);
          return sqliteTempFiles();
        });
        expect(during).toEqual([]);
        const { rows: count } = await sql<{ n: number }>`select count(*) as n from t`.execute(adapter.db);
        expect(count[0]?.n).toBe(5000);
      } finally {
        await adapter.db.destroy();
      }
    },
  );
});
