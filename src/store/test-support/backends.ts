import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { serviceAvailable } from '../../test-support/services.js';
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

/**
 * The two backends every store test runs against: an SQLite file in a temp dir, and a fresh database
 * on the local PostgreSQL.
 * @example describe.each(await storeBackends())('flow on $name', ({ available, make }) => { ... })
 */
export async function storeBackends(): Promise<BackendKind[]> {
  const pgUp = await serviceAvailable('postgres');
  return [
    {
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
    },
    {
      name: 'postgres',
      available: pgUp,
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
    },
  ];
}
