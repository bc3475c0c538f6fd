import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockTempDir } from '../test-support/temp-dir.js';
import { CODE_CACHE_SUFFIX, loadBundle, writeCodeCache } from './code-cache.js';

const dir = blockTempDir('gonogo-code-cache-');

let n = 0;
/** A CommonJS file whose `value()` returns `expr`, with its code cache written after one call. */
function bundleWithCache(expr: string): string {
  const file = join(dir, `b${n++}.cjs`);
  writeFileSync(file, `exports.value = function () { return ${expr}; };\n`);
  const loaded = loadBundle<{ value(): unknown }>(file);
  loaded.exports.value();
  writeCodeCache(loaded);
  return file;
}

type Value = { value(): unknown };

describe('loadBundle', () => {
  it('runs a CommonJS file, compiled from the code cache written for it', () => {
    const file = bundleWithCache('"from the bundle"');
    const loaded = loadBundle<Value>(file);
    expect(loaded.cache).toBe('used');
    expect(loaded.exports.value()).toBe('from the bundle');
  });

  it('gives the file its own require, module and folder', () => {
    const file = join(dir, 'require.cjs');
    writeFileSync(file, `module.exports = { sep: require('node:path').sep, dir: __dirname };\n`);
    expect(loadBundle<{ sep: string; dir: string }>(file).exports).toEqual({ sep: '/', dir });
  });

  it('runs without a code cache', () => {
    const file = join(dir, 'alone.cjs');
    writeFileSync(file, 'exports.value = () => 42;\n');
    const loaded = loadBundle<Value>(file);
    expect(loaded.cache).toBe('none');
    expect(loaded.exports.value()).toBe(42);
  });

  it('never uses the cache of other code, even of the same length (V8 checks only the length)', () => {
    const first = bundleWithCache('"old"');
    const second = bundleWithCache('"new"');
    // The old code's cache beside the new code: stale, after a rebuild that kept the size.
    writeFileSync(`${second}${CODE_CACHE_SUFFIX}`, readFileSync(`${first}${CODE_CACHE_SUFFIX}`));
    expect(readFileSync(first).length).toBe(readFileSync(second).length);
    const loaded = loadBundle<Value>(second);
    expect(loaded.exports.value()).toBe('new');
    expect(loaded.cache).toBe('none');
  });

  it('ignores a corrupt, cut-short, empty or foreign cache file, and runs the code', () => {
    const file = bundleWithCache('"still runs"');
    const cacheFile = `${file}${CODE_CACHE_SUFFIX}`;
    const good = readFileSync(cacheFile);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 10]! ^= 0xff;
    const cases = [flipped, good.subarray(0, good.length - 100), good.subarray(0, 20), Buffer.alloc(0)];
    cases.push(Buffer.concat([Buffer.from('something else\n'), good.subarray(23)]));
    for (const bytes of cases) {
      writeFileSync(cacheFile, bytes);
      const loaded = loadBundle<Value>(file);
      expect(loaded.cache).toBe('none');
      expect(loaded.exports.value()).toBe('still runs');
    }
  });

  it('throws as require would when the file is missing or fails as it loads', () => {
    expect(() => loadBundle(join(dir, 'missing.cjs'))).toThrow(/ENOENT/);
    const file = join(dir, 'throws.cjs');
    writeFileSync(file, 'throw new Error("broken bundle");\n');
    expect(() => loadBundle(file)).toThrow('broken bundle');
  });
});
