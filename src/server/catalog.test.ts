import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
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
    expect(catalog.get('same')?.file).toBe(join(dir, 'a.md'));
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
});
