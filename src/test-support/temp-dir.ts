import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A fresh directory under the OS temp dir (`prefix` + random), made now, at collection, and removed with
 * all in it once the enclosing `describe` block (or file) is done, whether its tests passed or threw.
 * @example const dir = blockTempDir('gonogo-audit-'); const db = join(dir, 'gonogo.db');
 */
export function blockTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
