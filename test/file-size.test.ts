import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/test-support/cli.js';

/** STYLE.md: a source file a reader holds in one sitting. */
const MAX_LINES = 400;

/** Files over the limit while they are being split (none now: keep it that way). */
const ALLOWED_FOR_NOW = new Set<string>([]);

/** Lines of a text, not counting the newline that ends the last one. */
const lineCount = (text: string) =>
  text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Every non-test TypeScript source file under src/, as a path from the repository root. */
function sources(): string[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

describe('source file size', () => {
  it(`no source file in src/ is over ${MAX_LINES} lines`, () => {
    const files = sources();
    expect(files).toContain('src/app/config.ts');
    const over = files
      .map((file) => ({ file, lines: lineCount(readFileSync(join(ROOT, file), 'utf8')) }))
      .filter((f) => f.lines > MAX_LINES && !ALLOWED_FOR_NOW.has(f.file))
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(over, `split these files (at most ${MAX_LINES} lines each)`).toEqual([]);
  });
});
