import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readChecklist } from '../markdown/index.js';
import type { Checklist } from '../model/checklist.js';
import { createCatalog, type DirectoryCatalog } from './catalog.js';
import { silentLogger } from './logger.js';

// The real parser (no check kinds needed: these checklists are manual).
const load = async (file: string): Promise<Checklist> => {
  const { readFile } = await import('node:fs/promises');
  return readChecklist({ bytes: await readFile(file), file, kinds: new Set() });
};

let dir: string;
let catalog: DirectoryCatalog | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gonogo-catalog-'));
});
afterEach(async () => {
  catalog?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Resolve when the catalog has reloaded and satisfies `ok` (bounded, no fixed sleeps). */
function reloaded(c: DirectoryCatalog, ok: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('catalog did not reload within 10s')), 10_000);
    c.onReload(() => {
      if (ok()) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('checklist catalog', () => {
  it('loads every .md file, lists a broken one with its located error, ignores other files', async () => {
    await writeFile(join(dir, 'launch.md'), '---\nid: launch\n---\n# Launch\n- [ ] a\n');
    await writeFile(join(dir, 'broken.md'), '---\nenvironments: [\n---\n# Broken\n- [ ] a\n');
    await writeFile(join(dir, 'notes.txt'), 'not a checklist');
    const recorded: string[] = [];
    catalog = await createCatalog({
      dir,
      load,
      logger: silentLogger,
      watch: false,
      onLoaded: (c) => void recorded.push(c.id),
    });
    expect(catalog.list().map((e) => e.id)).toEqual(['broken', 'launch']);
    expect(catalog.get('launch')?.checklist?.items).toHaveLength(1);
    expect(catalog.get('broken')?.error).toMatch(/broken\.md:2:\d+: /);
    expect(recorded).toEqual(['launch']);
  });

  it('refuses a second file with the same checklist id', async () => {
    await writeFile(join(dir, 'a.md'), '---\nid: same\n---\n# A\n- [ ] a\n');
    await writeFile(join(dir, 'b.md'), '---\nid: same\n---\n# B\n- [ ] b\n');
    catalog = await createCatalog({ dir, load, logger: silentLogger, watch: false });
    expect(catalog.get('same')?.file).toBe('a.md');
    expect(catalog.get('b')?.error).toContain('already used');
  });

  it('reloads when a file is added, changed or removed', async () => {
    await writeFile(join(dir, 'launch.md'), '# Launch\n- [ ] one\n');
    catalog = await createCatalog({ dir, load, logger: silentLogger, debounceMs: 50 });
    const c = catalog;
    expect(c.get('launch')?.checklist?.items).toHaveLength(1);

    let change = reloaded(c, () => c.get('launch')?.checklist?.items.length === 2);
    await writeFile(join(dir, 'launch.md'), '# Launch\n- [ ] one\n- [ ] two\n');
    await change;

    change = reloaded(c, () => c.get('extra') !== undefined);
    await writeFile(join(dir, 'extra.md'), '# Extra\n- [ ] x\n');
    await change;

    change = reloaded(c, () => c.get('extra') === undefined);
    await unlink(join(dir, 'extra.md'));
    await change;
    expect(c.list().map((e) => e.id)).toEqual(['launch']);
  });

  it('refuses symbolic links that leave the directory without naming their target, and shows no server path', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'gonogo-outside-'));
    try {
      await writeFile(join(outside, 'secret.md'), '# Secret\n- [ ] do not load me\n');
      await mkdir(join(dir, 'team'));
      await writeFile(join(dir, 'team', 'real.md'), '---\nid: inside\n---\n# Inside\n- [ ] a\n');
      await writeFile(join(dir, 'broken.md'), '---\nenvironments: [\n---\n# Broken\n- [ ] a\n');
      await symlink('/etc/passwd', join(dir, 'passwd.md'));
      await symlink(join(outside, 'secret.md'), join(dir, 'secret.md'));
      await symlink(
        '../' + join(outside, 'secret.md').split('/').slice(-2).join('/'),
        join(dir, 'relative.md'),
      );
      await symlink(join(dir, 'team', 'real.md'), join(dir, 'inside.md'));
      await symlink(join(dir, 'nowhere.md'), join(dir, 'dangling.md'));
      const loaded: string[] = [];
      catalog = await createCatalog({
        dir,
        load: async (file) => {
          loaded.push(file);
          return load(file);
        },
        logger: silentLogger,
        watch: false,
      });
      const byFile = Object.fromEntries(catalog.list().map((e) => [e.file, e]));
      expect(Object.keys(byFile).sort()).toEqual([
        'broken.md',
        'dangling.md',
        'inside.md',
        'passwd.md',
        'relative.md',
        'secret.md',
      ]);
      for (const f of ['passwd.md', 'secret.md', 'relative.md']) {
        expect(byFile[f]?.checklist, f).toBeUndefined();
        expect(byFile[f]?.error, f).toMatch(
          /symbolic link that leads outside the checklists directory is refused/,
        );
      }
      expect(byFile['dangling.md']?.error).toMatch(/^dangling\.md: cannot be read/);
      expect(byFile['inside.md']?.checklist?.id).toBe('inside');
      expect(byFile['broken.md']?.error).toMatch(/^broken\.md:2:\d+: /);
      // Nothing outside was read, and nothing shown names a server path or a link's target.
      expect(loaded.some((f) => f.startsWith(outside) || f === '/etc/passwd')).toBe(false);
      const shown = JSON.stringify(catalog.list().map(({ checklist: _c, ...e }) => e));
      expect(shown).not.toContain(dir);
      expect(shown).not.toContain(outside);
      expect(shown).not.toContain('/etc');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
