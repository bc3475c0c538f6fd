import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckContext, CheckFailure } from '../engine/check.js';
import file, { filesystemOf } from './file.js';
import { celEnvironment, holds } from './test-support/cel.js';

const ctx = (baseDir: string): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  baseDir,
  env: {},
});

/** Runs the check; a CheckFailure comes back as a value so the table can compare it. */
async function observe(target: string, options: Record<string, unknown>, baseDir: string) {
  try {
    return { observed: await file.run(file.target.parse(target), file.options.parse(options), ctx(baseDir)) };
  } catch (err) {
    if (err instanceof CheckFailure) return { failure: err.message, observed: err.partial };
    throw err;
  }
}

/** util-linux's answer for where a path is mounted: an independent oracle for `fstype`. */
const findmnt = (path: string) =>
  execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '-T', path]).toString().trim();
const VOLATILE = ['tmpfs', 'ramfs', 'overlay', 'devtmpfs', 'squashfs'];

describe('file kind', () => {
  let dir: string;
  let shm: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gonogo-file-'));
    shm = await mkdtemp('/dev/shm/gonogo-file-');
    await writeFile(join(dir, 'app.env'), 'MAINTENANCE_MODE_DEFAULT=false\n');
    await chmod(join(dir, 'app.env'), 0o640);
    await mkdir(join(dir, 'backups'));
    await writeFile(join(dir, 'backups', 'nightly.sql.gz'), 'x'.repeat(2048));
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    await utimes(join(dir, 'backups', 'nightly.sql.gz'), threeDaysAgo, threeDaysAgo);
    await writeFile(join(shm, 'session.db'), 'volatile');
    await writeFile(join(dir, 'huge.log'), Buffer.alloc(1024 * 1024 + 10, 'a'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(shm, { recursive: true, force: true });
  });

  it.each([
    {
      name: 'a file relative to the checklist',
      target: 'app.env',
      options: {},
      want: { exists: true, is_dir: false, writable: true, size: 31, mode: '0640' },
      passes: true,
    },
    {
      name: 'a directory',
      target: 'backups',
      options: {},
      want: { exists: true, is_dir: true },
      passes: true,
    },
    {
      name: 'a file on tmpfs is not persistent',
      target: '', // filled in below: the /dev/shm file
      options: {},
      want: { exists: true, fstype: 'tmpfs', persistent: false },
      passes: true,
    },
    {
      name: 'read: true gives the text',
      target: 'app.env',
      options: { read: true },
      want: { text: 'MAINTENANCE_MODE_DEFAULT=false\n' },
      passes: true,
    },
  ])('$name', async ({ target, options, want, passes }) => {
    const path = target || join(shm, 'session.db');
    const { observed, failure } = await observe(path, options, dir);
    expect(failure).toBeUndefined();
    expect(observed).toMatchObject(want);
    expect(holds(file, file.defaultExpect, observed)).toBe(passes);
  });

  it('reports the filesystem the system reports, and whether it survives a restart', async () => {
    const { observed } = await observe('app.env', {}, dir);
    const fstype = findmnt(dir);
    expect(observed).toMatchObject({ fstype, persistent: !VOLATILE.includes(fstype) });
  });

  it('observes every declared variable except text unless asked to read', async () => {
    const { observed } = await observe('app.env', {}, dir);
    const declared = Object.keys(file.variables).filter((v) => v !== 'text');
    expect(Object.keys(observed).sort()).toEqual(declared.sort());
  });

  it('a missing file is exists == false: the default fails, it is not an error', async () => {
    const { observed, failure } = await observe('backups/missing.tar', {}, dir);
    expect(observed).toEqual({ exists: false });
    expect(failure).toMatch(/backups\/missing\.tar does not exist/);
    expect(holds(file, file.defaultExpect, observed)).toBe(false);
    expect(holds(file, ['!exists'], observed)).toBe(true);
  });

  it('a path under a regular file does not exist either', async () => {
    const { observed } = await observe('app.env/child', {}, dir);
    expect(observed).toEqual({ exists: false });
  });

  it('age_days follows the modification time', async () => {
    const { observed } = await observe('backups/nightly.sql.gz', {}, dir);
    expect(observed.age_days as number).toBeCloseTo(3, 2);
    expect(holds(file, ['age_days < 1'], observed)).toBe(false);
    expect(holds(file, ['age_days < 7', 'size > 1024'], observed)).toBe(true);
  });

  it.each([
    { conditions: ['"MAINTENANCE_MODE_DEFAULT=false" in text.split("\\n")', 'mode == "0640"'], passes: true },
    { conditions: ['text.matches("(^|\\n)MAINTENANCE_MODE_DEFAULT=true(\\n|$)")'], passes: false },
  ])('conditions on the text: $conditions', async ({ conditions, passes }) => {
    const { observed } = await observe('app.env', { read: true }, dir);
    expect(holds(file, conditions, observed)).toBe(passes);
  });

  it('text is capped at 1 MB', async () => {
    const { observed } = await observe('huge.log', { read: true }, dir);
    expect((observed.text as string).length).toBe(1024 * 1024);
    expect(observed.size).toBe(1024 * 1024 + 10);
  });

  it('read: true on a directory is an error, other fields stay judgeable', async () => {
    const { observed, failure } = await observe('backups', { read: true }, dir);
    expect(failure).toMatch(/is a directory: read: true needs a file/);
    expect(observed).toMatchObject({ exists: true, is_dir: true });
    expect(observed).not.toHaveProperty('text');
  });

  it.skipIf(process.getuid?.() === 0)(
    'a read-only file is not writable (root may write anything)',
    async () => {
      await writeFile(join(dir, 'locked'), 'x');
      await chmod(join(dir, 'locked'), 0o444);
      const { observed } = await observe('locked', {}, dir);
      expect(observed).toMatchObject({ writable: false, mode: '0444' });
    },
  );

  it.each([
    ['exists', 'is_dir', 'writable'],
    ['size > 0', 'mode == "0640"', 'age_days < 1.5', 'persistent', 'fstype != "tmpfs"'],
    [
      'text.contains("MAINTENANCE_MODE_DEFAULT=false")',
      '"MAINTENANCE_MODE_DEFAULT=false" in text.split("\\n")',
    ],
  ])('typical expectations type-check: %s', (...conditions: string[]) => {
    for (const c of [...file.defaultExpect, ...conditions]) {
      expect(celEnvironment(file).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    }
    expect(celEnvironment(file).check('rows.size() > 0').valid).toBe(false);
  });

  it('options: read must be a boolean and nothing else is accepted', () => {
    expect(file.options.parse({})).toEqual({ read: false });
    expect(file.options.safeParse({ read: 'yes' }).success).toBe(false);
    expect(file.options.safeParse({ follow: true }).success).toBe(false);
    expect(file.target.safeParse('').success).toBe(false);
  });
});

describe('filesystemOf', () => {
  const mountinfo = [
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw',
    '30 25 0:27 / /dev/shm rw,relatime shared:5 - ramfs none rw',
    '40 27 0:40 / /srv/data rw master:1 - xfs /dev/sdb rw',
    '41 27 0:41 / /srv/data\\040backups rw - nfs4 nas:/b rw',
    '42 27 0:42 / /var/lib/docker/overlay2/x/merged rw - overlay overlay rw',
  ].join('\n');

  it.each([
    ['/etc/hosts', 'ext4'],
    ['/', 'ext4'],
    ['/dev/shm/x', 'ramfs'], // the later mount on the same point hides the earlier one
    ['/srv/data', 'xfs'],
    ['/srv/data/db/base', 'xfs'],
    ['/srv/data backups/2026.tar', 'nfs4'], // escaped space in the mount point
    ['/srv/database', 'ext4'], // a shared prefix is not a parent directory
    ['/var/lib/docker/overlay2/x/merged/app', 'overlay'],
  ])('%s is on %s', (path, fstype) => {
    expect(filesystemOf(path, mountinfo)).toBe(fstype);
  });

  it('no mount table, no answer', () => {
    expect(filesystemOf('/x', '')).toBeUndefined();
  });
});
