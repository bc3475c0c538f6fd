import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockTempDir } from '../test-support/temp-dir.js';
import { readSealed, sealEntry } from './cache-seal.js';

const dir = blockTempDir('gonogo-seal-');

const SECRET = Buffer.alloc(32, 7);

/** Lines of JSON long enough to cross the 1 MiB reads many times, some cut inside a multi-byte character. */
function lines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ i, text: `é€😀 ${'x'.repeat(i % 700)}` }));
}

async function read(path: string, key = 'k') {
  const got: string[] = [];
  const ok = await readSealed(SECRET, key, path, (line) => got.push(line));
  return { ok, got };
}

describe('a sealed cache entry read a chunk at a time', () => {
  it('gives back every line as written, and holds for its own key only', async () => {
    const text = lines(9000).join('\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 2 ** 20);
    const path = join(dir, 'whole.json');
    await writeFile(path, sealEntry(SECRET, 'k', text));
    const { ok, got } = await read(path);
    expect(ok).toBe(true);
    expect(got.join('\n')).toBe(text);
    expect((await read(path, 'another-key')).ok).toBe(false);
    expect(await readSealed(Buffer.alloc(32, 8), 'k', path, () => {})).toBe(false);
  });

  it('gives back lines longer than a decoded slab, empty ones and ones ending on a slab, as written', async () => {
    // Whole lines are decoded 16 KiB at a time: lines of 16 KiB and over, a run of empty lines, lines
    // whose end falls on a slab's edge either way, multi-byte characters beside the cuts.
    const text = [
      'x'.repeat(16 * 1024 - 1),
      'é'.repeat(16 * 1024),
      '',
      '',
      ...Array.from({ length: 4000 }, (_, i) => `${'y'.repeat(i % 37)}€${i}`),
      'z'.repeat(40 * 1024),
      '',
      '😀',
    ].join('\n');
    const path = join(dir, 'slabs.json');
    await writeFile(path, sealEntry(SECRET, 'k', text));
    const { ok, got } = await read(path);
    expect(ok).toBe(true);
    expect(got).toEqual(text.split('\n'));
  });

  it('refuses an entry with any byte changed, cut short, lengthened or without its MAC line', async () => {
    const text = lines(3000).join('\n');
    const sealed = Buffer.from(sealEntry(SECRET, 'k', text));
    const path = join(dir, 'tampered.json');
    // One byte changed: in the MAC, at the first JSON byte, across a chunk boundary, at the last byte.
    for (const at of [3, 65, 2 ** 20 - 1, 2 ** 20, sealed.length - 1]) {
      const bytes = Buffer.from(sealed);
      bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
      await writeFile(path, bytes);
      expect((await read(path)).ok, `byte ${at}`).toBe(false);
    }
    for (const bytes of [
      sealed.subarray(0, sealed.length - 1),
      Buffer.concat([sealed, Buffer.from('\n')]),
      Buffer.from(text),
      sealed.subarray(0, 64),
      Buffer.concat([sealed.subarray(0, 64), Buffer.from(' '), sealed.subarray(65)]),
      Buffer.alloc(0),
    ]) {
      await writeFile(path, bytes);
      expect((await read(path)).ok).toBe(false);
    }
    await writeFile(path, sealed);
    expect((await read(path)).ok).toBe(true);
    expect(await readFile(path)).toEqual(sealed);
  });
});
