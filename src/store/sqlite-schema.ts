import type BetterSqlite from 'better-sqlite3';
import LATEST from './sqlite-latest-schema.json' with { type: 'json' };

/**
 * The latest SQLite schema in one step. Kysely's Migrator costs a new store tens of milliseconds (each
 * migration built, compiled and run statement by statement, then recorded), and an up-to-date store half
 * of that to find there is nothing to do: the cost of every `gonogo run` against a fresh or current store.
 *
 * `sqlite-latest-schema.json` holds what the migrations one by one leave in `sqlite_master` (every
 * statement, in order) and the names of the migrations that made it; `sqlite-schema.test.ts` rebuilds
 * it from the migrations and fails when it differs (a new migration, an edited one). It is used only
 * when its names are exactly this build's migrations; anything else is left to the Migrator.
 */
const SCHEMA: { migrations: string[]; statements: string[] } = LATEST;

type Native = InstanceType<typeof BetterSqlite>;

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');

/**
 * Bring the store to the migrations `names` without the Migrator when that is certain: an empty database
 * gets the latest schema in one transaction, recorded as if each migration had run (as the Migrator
 * records them); a store whose migration table lists exactly `names` is left as it is. False otherwise
 * (an older store, a newer one, another database, an error): the Migrator must run, and says what is wrong.
 */
export function sqliteAtLatest(native: Native, names: readonly string[]): boolean {
  try {
    if (!isEmpty(native)) return sameNames(applied(native), names);
    if (!sameNames(SCHEMA.migrations, names)) return false;
    // IMMEDIATE: another process creating the same store waits here, then finds it no longer empty.
    native.exec('begin immediate');
    try {
      if (!isEmpty(native)) {
        native.exec('rollback');
        return false;
      }
      native.exec(SCHEMA.statements.join(';\n'));
      const at = new Date().toISOString();
      const record = native.prepare('insert into "gonogo_migrations" ("name", "timestamp") values (?, ?)');
      for (const name of [...names].sort()) record.run(name, at);
      native.exec(`insert into "gonogo_migrations_lock" ("id", "is_locked") values ('migration_lock', 0)`);
      native.exec('commit');
      return true;
    } catch (err) {
      if (native.inTransaction) native.exec('rollback');
      throw err;
    }
  } catch {
    return false;
  }
}

function isEmpty(native: Native): boolean {
  return native.prepare('select count(*) from sqlite_master').pluck().get() === 0;
}

/** The migrations the store records as run. Throws when it has no migration table. */
function applied(native: Native): string[] {
  return native.prepare('select "name" from "gonogo_migrations"').pluck().all() as string[];
}
