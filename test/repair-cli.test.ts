import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/** `gonogo repair` through the real CLI, on seed 002 (UTF-8 read as Windows-1254 and saved again). */

const SEED = join(SHARED, 'seeds', '002-partner-center-go-no-go.md');
const REPAIRED = join(SHARED, 'fixtures', 'seed-002-repaired.md');

const dir = blockTempDir('gonogo-repair-');

const gonogo = (args: string[]) => runCli(args, { cwd: dir, env: { GONOGO_CACHE: 'off' } });

describe('gonogo repair', () => {
  it('prints the repaired text of seed 002, byte for byte the expected repair', async () => {
    await copyFile(SEED, join(dir, 'partner.md'));
    const r = await gonogo(['repair', 'partner.md']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(await readFile(REPAIRED, 'utf8'));
    expect(r.stderr).toMatch(/^partner\.md:\d+: the text was UTF-8 read as/);
    // Printing changes nothing on disk.
    expect(await readFile(join(dir, 'partner.md'))).toEqual(await readFile(SEED));
  });

  it('is the command the lint warning names', async () => {
    await copyFile(SEED, join(dir, 'named.md'));
    const r = await gonogo(['lint', 'named.md']);
    expect(r.code, r.stderr).toBe(0);
    // The warning wraps at the width, its continuation indented.
    expect(r.stdout.replace(/\n {2}/g, ' ')).toContain(
      'Save the repaired text with `gonogo repair named.md --write`',
    );
  });

  it('--write saves it in place, keeps FILE.orig, keeps the digest, then has nothing to do', async () => {
    const file = join(dir, 'saved.md');
    await copyFile(SEED, file);
    const digest = async () =>
      (JSON.parse((await gonogo(['lint', 'saved.md', '--format', 'json'])).stdout) as { digest: string })
        .digest;
    const before = await digest();
    const r = await gonogo(['repair', 'saved.md', '--write']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(await readFile(file, 'utf8')).toBe(await readFile(REPAIRED, 'utf8'));
    expect(await readFile(`${file}.orig`)).toEqual(await readFile(SEED));
    expect(await digest()).toBe(before);
    const lint = await gonogo(['lint', 'saved.md']);
    expect(lint.stdout).not.toContain('gonogo repair');

    const again = await gonogo(['repair', 'saved.md', '--write']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('saved.md: nothing to repair; left as it is');
  });

  it('refuses to overwrite an earlier backup, and an unreadable file (exit 2)', async () => {
    await copyFile(SEED, join(dir, 'twice.md'));
    await writeFile(join(dir, 'twice.md.orig'), 'earlier backup');
    const r = await gonogo(['repair', 'twice.md', '--write']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('twice.md.orig already exists');
    expect(await readFile(join(dir, 'twice.md.orig'), 'utf8')).toBe('earlier backup');
    expect(await readFile(join(dir, 'twice.md'))).toEqual(await readFile(SEED));
    expect((await gonogo(['repair', 'missing.md'])).code).toBe(2);
  });
});
