import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../src/test-support/cli.js';

/**
 * The built CLI (tsc, then scripts/bundle.mjs) must keep one file per source module, so the command
 * dispatcher, the output formats and the kind registry still find their plugins by reading their
 * directories: a plugin added as a file is found without a list to edit, in the build as in the sources.
 */

const modulesIn = (dir: string) =>
  readdirSync(join(ROOT, 'src', dir))
    .filter((f) => /^[a-z][a-z-]*\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => f.replace(/\.tsx?$/, ''))
    .sort();

const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;

describe('the built CLI finds its plugins from the files', () => {
  it('every source module has its own file in dist', () => {
    for (const dir of ['cli/commands', 'cli/format', 'checks']) {
      const built = readdirSync(join(ROOT, 'dist', dir))
        .filter((f) => f.endsWith('.js'))
        .map((f) => f.slice(0, -3))
        .sort();
      expect(built, dir).toEqual(modulesIn(dir));
    }
  });

  it('lists every command of src/cli/commands', async () => {
    const r = await runCli(['--help']);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(modulesIn('cli/commands'));
  });

  it('registers every kind of src/checks', async () => {
    const { loadRegistry } = (await import(dist('checks/registry.js'))) as {
      loadRegistry(): Promise<{ names(): string[] }>;
    };
    const kinds = modulesIn('checks').filter((n) => n !== 'registry');
    expect((await loadRegistry()).names()).toEqual(kinds);
  });

  it('offers every format of src/cli/format', async () => {
    const { FORMAT_NAMES } = (await import(dist('cli/format/index.js'))) as { FORMAT_NAMES: string[] };
    const formats = modulesIn('cli/format').filter((n) => n !== 'index' && n !== 'formatter');
    expect([...FORMAT_NAMES]).toEqual(formats);
  });
});

describe('the store template of the build', () => {
  /** Tables, indexes and triggers with their SQL, and the applied migrations, of an SQLite store file. */
  async function schemaOf(file: string) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true });
    try {
      return {
        objects: db.prepare('select type, name, tbl_name, sql from sqlite_master order by type, name').all(),
        migrations: db.prepare('select name from gonogo_migrations order by name').all(),
        journal: db.pragma('journal_mode', { simple: true }),
      };
    } finally {
      db.close();
    }
  }

  it('gives a new store the same schema as migrating from nothing', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-template-'));
    try {
      // Built: copied from dist/store/template.db. Sources: no template, every migration applied.
      const built = (await import(dist('store/index.js'))) as typeof import('../src/store/index.js');
      const sources = await import('../src/store/index.js');
      const fromTemplate = join(dir, 'template-copy.db');
      const fromNothing = join(dir, 'migrated.db');
      await (await built.openStore(fromTemplate)).close();
      await (await sources.openStore(fromNothing)).close();
      // A copy indeed: its migrations were applied when the build made the template.
      const { default: Database } = await import('better-sqlite3');
      const appliedAt = (file: string) => {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare('select timestamp from gonogo_migrations order by name').all();
        } finally {
          db.close();
        }
      };
      expect(appliedAt(fromTemplate)).toEqual(appliedAt(join(ROOT, 'dist', 'store', 'template.db')));
      const a = await schemaOf(fromTemplate);
      expect(a.migrations.length).toBeGreaterThan(0);
      expect(a).toEqual(await schemaOf(fromNothing));
      // The copy is a working store: the audit chain is append-only there too.
      const store = await built.openStore(fromTemplate);
      await store.appendAudit({ type: 'test.template', actor: 'test', data: {} });
      expect((await store.verifyAudit()).ok).toBe(true);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
