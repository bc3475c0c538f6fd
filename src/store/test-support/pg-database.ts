import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SERVICES } from '../../test-support/services.js';

/** A throw-away PostgreSQL database for one test file: its URL, and `drop()` to remove it. */
export interface TempDatabase {
  url: string;
  name: string;
  /** Run SQL on it directly (as an attacker with write access would). */
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

/**
 * Create a fresh database on the local PostgreSQL (`SERVICES.postgres`), so tests never share state
 * and advisory locks (which are per database) never cross test files.
 * @example const tmp = await createTempDatabase('contract'); ... await tmp.drop();
 */
export async function createTempDatabase(label: string): Promise<TempDatabase> {
  const name = `gonogo_${label.replaceAll(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVICES.postgres.url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(SERVICES.postgres.url);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  let connected: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    async query(text, values) {
      connected ??= client.connect().then(() => undefined);
      await connected;
      return client.query(text, values);
    },
    async drop() {
      if (connected) await client.end().catch(() => {});
      const a = new pg.Client({ connectionString: SERVICES.postgres.url });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
