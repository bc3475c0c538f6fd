import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED, SHARED_ORIGINAL } from '../src/test-support/cli.js';

/** Every file below `dir`, as paths relative to it, sorted. */
function filesBelow(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name);
      return statSync(path).isDirectory() ? walk(path) : [relative(dir, path)];
    });
  return walk(dir).sort();
}

// The suite reads the seeds and fixtures from test/shared/, a copy of ../shared/{seeds,fixtures}. Where
// ../shared sits beside the repository (the workspace, CI), the copy must be the same to the byte.
describe.skipIf(!existsSync(SHARED_ORIGINAL))('test/shared is an exact copy of ../shared', () => {
  it.each(['seeds', 'fixtures'])('%s', (folder) => {
    const original = join(SHARED_ORIGINAL, folder);
    const copy = join(SHARED, folder);
    expect(filesBelow(copy)).toEqual(filesBelow(original));
    for (const file of filesBelow(original)) {
      expect(readFileSync(join(copy, file)).equals(readFileSync(join(original, file))), file).toBe(true);
    }
  });
});
