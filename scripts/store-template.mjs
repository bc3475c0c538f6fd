#!/usr/bin/env node
// Third build step (after bundle.mjs): dist/store/template.db, an empty SQLite store with every migration
// applied. A command that opens a store file that does not exist yet (a fresh CI machine, a new --db path)
// copies it instead of creating the schema statement by statement; test/build.test.ts checks that the
// copy and a store migrated from nothing have the same schema.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/store/', import.meta.url);
const target = fileURLToPath(new URL('template.db', DIST));
for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
const { openSqlite } = await import(new URL('sqlite-adapter.js', DIST).href);
const { migrateToLatest } = await import(new URL('migrations.js', DIST).href);
const adapter = await openSqlite(target, { template: false });
await migrateToLatest(adapter);
// Closing the only connection checkpoints the WAL into the file and removes it: one file to copy.
await adapter.db.destroy();
console.log('wrote dist/store/template.db');
