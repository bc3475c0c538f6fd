import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../checks/registry.js';
import type { KindRegistry } from '../engine/check.js';
import { dropConditionPositions } from '../model/checklist.js';
import { ValidationErrors } from '../model/errors.js';
import { blockTempDir } from '../test-support/temp-dir.js';
import { type Entry, packEntry, unpackEntry } from './cache-entry.js';
import { cacheSecret, sealEntry } from './cache-seal.js';
import { configFrom } from './config.js';
import { loadChecklistFile } from './load-checklist.js';

const VALID = `# Launch

- [ ] Health answers
  \`\`\`check
  http: http://127.0.0.1:9/health
  \`\`\`
`;

const INVALID = `# Launch

- [ ] Health answers
  \`\`\`check
  http: http://127.0.0.1:9/health
  expect: [rows > 0]
  \`\`\`
`;

const dir = blockTempDir('gonogo-cache-');
let registry: KindRegistry;

beforeAll(async () => {
  registry = await loadRegistry();
});

/** A checklist file and a cache directory of their own. */
async function setup(name: string, text: string) {
  const file = join(dir, `${name}.md`);
  const cache = join(dir, `${name}-cache`);
  await writeFile(file, text);
  const cacheDir = configFrom({ GONOGO_CACHE_DIR: cache }).cacheDir;
  const load = () => loadChecklistFile(file, { registry, cacheDir });
  const entries = async () => (await readdir(cache)).filter((n) => n.endsWith('.json'));
  const entry = async () => {
    const [name] = await entries();
    const path = join(cache, name!);
    const text = await readFile(path, 'utf8');
    // biome-ignore lint/suspicious/noExplicitAny: the tests reach into the entry to plant changes
    return { path, data: unpackEntry(text.slice(text.indexOf('\n') + 1)) as any };
  };
  /** Rewrite an entry as gonogo itself would (sealed with the cache's secret). */
  const seal = async (path: string, data: Entry) => {
    const secret = (await cacheSecret(cache))!;
    const key = path.slice(path.lastIndexOf('/') + 1, -'.json'.length);
    await writeFile(path, sealEntry(secret, key, packEntry(data)));
  };
  return { file, cache, load, entries, entry, seal };
}

/** An entry's text as the format before this one (v5) wrote it: each item's own JSON, shared parts by index. */
function packV5({ checklist, valid }: Entry): string {
  const shared: unknown[] = [];
  const ref = (value: unknown) => shared.push(value) - 1;
  const items = checklist.items.map((item) =>
    JSON.stringify({
      ...item,
      section: ref(item.section),
      check: item.check && {
        ...item.check,
        expect: ref(item.check.expect),
        file: ref(item.check.file),
        expectAt: 0,
      },
    }),
  );
  const positions = checklist.items.map((item) => JSON.stringify(item.check?.expectAt ?? null));
  const header = { v: 5, valid, items: items.length, checklist: { ...checklist, items: [] }, shared };
  return [JSON.stringify(header), ...items, ...positions].join('\n');
}

describe('the parse cache', () => {
  it('stores a valid checklist and serves later loads from the entry', async () => {
    const s = await setup('hit', VALID);
    const first = await s.load();
    const { path, data } = await s.entry();
    expect(data.valid).toBe(true);
    expect(data.checklist).toEqual(first);
    // An entry changed behind gonogo's back shows that the second load read it instead of the file.
    data.checklist.items[0].title = 'from the cache';
    await s.seal(path, data);
    expect((await s.load()).items[0]!.title).toBe('from the cache');
  });

  it('does not validate again what it validated before', async () => {
    const s = await setup('skip', VALID);
    await s.load();
    const { path, data } = await s.entry();
    data.checklist.items[0].check.expect = ['rows > 0'];
    await s.seal(path, data);
    await expect(s.load()).resolves.toBeDefined();
    // Marked unvalidated, the same entry is validated and refused.
    await s.seal(path, { ...data, valid: false });
    await expect(s.load()).rejects.toBeInstanceOf(ValidationErrors);
  });

  it('caches an invalid checklist as parsed only, and reports its errors every time', async () => {
    const s = await setup('invalid', INVALID);
    for (let i = 0; i < 2; i++) {
      const err = await s.load().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationErrors);
      expect(String((err as Error).message)).toContain('unknown variable "rows"');
    }
    expect((await s.entry()).data.valid).toBe(false);
  });

  it("keeps the conditions' positions in the entry when a run lets go of its copy's", async () => {
    const text = VALID.replace('health\n', 'health\n  expect: [status == 200, \'"etag" in headers\']\n');
    const s = await setup('positions', text);
    const first = await s.load();
    const positions = [
      { line: 6, column: 12 },
      { line: 6, column: 27 },
    ];
    expect(first.items[0]!.check!.expectAt).toEqual(positions);
    // What `gonogo run` does once loaded: the check keeps its key (undefined), JSON loses it.
    const before = JSON.parse(JSON.stringify(first));
    dropConditionPositions(first);
    expect(first.items[0]!.check!.expectAt).toBeUndefined();
    delete before.items[0].check.expectAt;
    expect(JSON.parse(JSON.stringify(first))).toEqual(before);
    // The entry was written before: a later load (lint, the next run) has them, from the cache.
    expect((await s.entry()).data.checklist.items[0].check.expectAt).toEqual(positions);
    expect((await s.load()).items[0]!.check!.expectAt).toEqual(positions);
  });

  it("loads without the conditions' positions for a run, parsed or from the cache, and the entry keeps them", async () => {
    const text = VALID.replace('health\n', 'health\n  expect: [status == 200, \'"etag" in headers\']\n');
    const s = await setup('run-positions', text);
    const run = () => loadChecklistFile(s.file, { registry, cacheDir: s.cache, positions: false });
    const whole = await s.load();
    const hits: boolean[] = [];
    for (const miss of [true, false]) {
      if (miss) await rm(s.cache, { recursive: true, force: true });
      const lean = await loadChecklistFile(s.file, {
        registry,
        cacheDir: s.cache,
        positions: false,
        onCache: (hit) => hits.push(hit),
      });
      expect(Object.keys(lean.items[0]!.check!)).toEqual(Object.keys(whole.items[0]!.check!));
      expect(lean.items[0]!.check!.expectAt).toBeUndefined();
      expect(JSON.parse(JSON.stringify(lean))).toEqual(
        JSON.parse(
          JSON.stringify({
            ...whole,
            items: [{ ...whole.items[0], check: { ...whole.items[0]!.check, expectAt: undefined } }],
          }),
        ),
      );
    }
    expect(hits).toEqual([false, true]);
    expect((await s.entry()).data.checklist.items[0].check.expectAt).toHaveLength(2);
    expect((await s.load()).items[0]!.check!.expectAt).toHaveLength(2);
    // A run of a checklist that fails validation still names where its conditions are.
    await writeFile(s.file, text.replace('status == 200', 'rows > 0'));
    for (let i = 0; i < 2; i++) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationErrors);
      expect(String((err as Error).message)).toContain(
        'run-positions.md:6:12: launch/health-answers: expect[0]: unknown variable "rows"',
      );
    }
  });

  it('parses again when the file changes', async () => {
    const s = await setup('changed', VALID);
    await s.load();
    await writeFile(s.file, VALID.replace('Health answers', 'Health still answers'));
    expect((await s.load()).items[0]!.title).toBe('Health still answers');
    expect(await s.entries()).toHaveLength(2);
  });

  it('parses again over a damaged entry', async () => {
    const s = await setup('damaged', VALID);
    await s.load();
    const { path } = await s.entry();
    await writeFile(path, '{"checklist": {"id": ');
    expect((await s.load()).items[0]!.title).toBe('Health answers');
    expect((await s.entry()).data.valid).toBe(true);
  });

  it('parses again over an entry sealed by an older version (format v5), and writes it anew', async () => {
    const s = await setup('stale', VALID);
    const first = await s.load();
    const { path, data } = await s.entry();
    data.checklist.items[0].title = 'from the old format';
    // Sealed with this cache's secret and key: only its format is old (each item as its own JSON).
    const secret = (await cacheSecret(s.cache))!;
    const key = path.slice(path.lastIndexOf('/') + 1, -'.json'.length);
    await writeFile(path, sealEntry(secret, key, packV5(data)));
    let hit: boolean | undefined;
    const again = await loadChecklistFile(s.file, { registry, cacheDir: s.cache, onCache: (h) => (hit = h) });
    expect(hit).toBe(false);
    expect(again).toEqual(first);
    expect(again.items[0]!.title).toBe('Health answers');
    // Written again in this version's format, and read from it next time.
    expect((await s.entry()).data.checklist.items[0].title).toBe('Health answers');
    const third = await loadChecklistFile(s.file, { registry, cacheDir: s.cache, onCache: (h) => (hit = h) });
    expect(hit).toBe(true);
    expect(JSON.stringify(third)).toBe(JSON.stringify(first));
  });

  it('refuses an entry edited without the secret, or sealed for another key, and parses the file again', async () => {
    const s = await setup('forged', VALID);
    await s.load();
    const { path, data } = await s.entry();
    data.checklist.items[0].title = 'planted';
    // An attacker who can write the folder but not read the secret: plain JSON, then a guessed MAC.
    await writeFile(path, packEntry(data));
    expect((await s.load()).items[0]!.title).toBe('Health answers');
    await writeFile(path, `${'0'.repeat(64)}\n${packEntry(data)}`);
    expect((await s.load()).items[0]!.title).toBe('Health answers');
    // A genuine entry of another checklist copied over this one's name.
    const secret = (await cacheSecret(s.cache))!;
    await writeFile(path, sealEntry(secret, 'another-key', packEntry(data)));
    expect((await s.load()).items[0]!.title).toBe('Health answers');
    expect((await s.entry()).data.checklist.items[0].title).toBe('Health answers');
  });

  it('keeps its secret private (0600) and skips the cache when the secret is readable by others', async () => {
    const s = await setup('secret', VALID);
    await s.load();
    const secretFile = join(s.cache, '.secret');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    await chmod(secretFile, 0o644);
    const { path, data } = await s.entry();
    data.checklist.items[0].title = 'from the cache';
    await s.seal(path, data).catch(() => undefined);
    expect((await s.load()).items[0]!.title).toBe('Health answers');
  });

  it('is off with GONOGO_CACHE=off', async () => {
    const s = await setup('off', VALID);
    const { cacheDir } = configFrom({ GONOGO_CACHE_DIR: s.cache, GONOGO_CACHE: 'off' });
    await loadChecklistFile(s.file, { registry, cacheDir });
    await expect(readdir(s.cache)).rejects.toThrow(/ENOENT/);
  });
});

describe('the parse cache and the path', () => {
  it('shares one entry between a relative and an absolute path, naming the file as typed', async () => {
    const { file, cache, entries } = await setup('paths', `\uFEFF${VALID}`);
    const cacheDir = configFrom({ GONOGO_CACHE_DIR: cache }).cacheDir;
    const relativePath = relative(process.cwd(), file);
    const hits: boolean[] = [];
    const onCache = (hit: boolean) => hits.push(hit);
    const first = await loadChecklistFile(relativePath, { registry, cacheDir, onCache });
    const second = await loadChecklistFile(file, { registry, cacheDir, onCache });
    expect(hits).toEqual([false, true]);
    expect(await entries()).toHaveLength(1);
    expect(first.file).toBe(relativePath);
    expect(second.file).toBe(file);
    // Every place the first load named the file now names it as typed the second time.
    const named = (c: unknown, path: string) => JSON.stringify(c).replaceAll(`"${path}"`, '"FILE"');
    expect(named(second, file)).toBe(named(first, relativePath));
  });
});
