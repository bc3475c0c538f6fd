import { crc32, createGunzip, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, crc32Combine, crcShift, gzipFill, gzipPieces } from './gzip-splice.js';

/** Inflate as a streaming client does (chunk by chunk), not only in one call. */
async function gunzipStreaming(bytes: Uint8Array, chunk = 7): Promise<Buffer> {
  const out: Buffer[] = [];
  const z = createGunzip();
  z.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((resolve, reject) => z.on('end', resolve).on('error', reject));
  for (let i = 0; i < bytes.length; i += chunk) z.write(bytes.subarray(i, i + chunk));
  z.end();
  await done;
  return Buffer.concat(out);
}

describe('gzip splice', () => {
  it.each([
    ['', ''],
    ['a', ''],
    ['', 'b'],
    ['hello ', 'world'],
    ['x'.repeat(70_000), 'ü'.repeat(40_000)],
  ])('combines CRC-32s (%#)', (a, b) => {
    const [x, y] = [Buffer.from(a), Buffer.from(b)];
    expect(crc32Combine(crc32(x), crc32(y), crcShift(y.length))).toBe(crc32(Buffer.concat([x, y])));
  });

  it.each([
    ['one value, as the viewer page', ['<style nonce="', '">body{}</style>'.repeat(2000)], ['bm9uY2U=']],
    ['empty parts and values', ['', '', ''], ['', 'c']],
    ['a value longer than a stored block', ['<p>', '</p>'], ['v'.repeat(70_000)]],
    ['non-ASCII text', ['<p lang="tr">Çalışıyor ', ' ✓</p>'], ['ğ']],
  ])('is the page with its values spliced in: %s', async (_name, parts, values) => {
    const pieces = gzipPieces(parts.map((p) => Buffer.from(p)));
    const bytes = values.map((v) => Buffer.from(v));
    const gz = gzipFill(pieces, bytes);
    let page = parts[0]!;
    values.forEach((v, i) => {
      page += v + parts[i + 1];
    });
    expect(gunzipSync(gz).toString()).toBe(page);
    expect((await gunzipStreaming(gz)).toString()).toBe(page);
  });

  it('compresses the fixed parts, never a value', () => {
    const pieces = gzipPieces([Buffer.from('<p>'.repeat(10_000)), Buffer.from('</p>')]);
    const secret = 'c2VjcmV0LXRva2VuLXZhbHVl';
    const gz = Buffer.from(gzipFill(pieces, [Buffer.from(secret)]));
    expect(gz.length).toBeLessThan(1000);
    // The value is stored as it is: its length and bytes, whatever the page holds.
    expect(gz.includes(Buffer.from(secret))).toBe(true);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['gzip, deflate, br, zstd', true],
    ['GZIP ; q=0.5', true],
    ['gzip;q=0', false],
    ['gzip;q=0.000', false],
    ['br, *', true],
    ['*;q=0', false],
    ['*;q=0, gzip', true],
    ['gzip;q=0, *', false],
    ['deflate, br', false],
    ['identity', false],
  ])('Accept-Encoding %j takes gzip: %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
