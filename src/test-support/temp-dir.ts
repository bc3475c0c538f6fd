import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, onTestFinished } from 'vitest';

/**
 * A fresh directory under the OS temp dir (`prefix` + random) for the enclosing `describe` block (or file):
 * made before its first `beforeAll` (call this above them) and removed with all in it once the block is
 * done, after its own `afterAll`s, whether its tests passed or threw. A skipped block makes none.
 * @example const dir = blockTempDir('gonogo-audit-'); const db = join(dir, 'gonogo.db');
 */
export function blockTempDir(prefix: string): string {
  const dir = join(tmpdir(), `${prefix}${randomBytes(6).toString('base64url')}`);
  // Not recursive: a directory of that name already there (never, in practice) is an error, as mkdtemp's.
  beforeAll(() => mkdirSync(dir, { mode: 0o700 }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh directory under the OS temp dir (`prefix` + random) for the running test alone, removed with
 * all in it when that test finishes, passed or failed. Call it inside the test.
 * @example it('…', () => { const dir = testTempDir('gonogo-lint-'); writeFileSync(join(dir, 'c.md'), md); })
 */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
