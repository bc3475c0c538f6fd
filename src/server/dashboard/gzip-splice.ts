import { constants, crc32, deflateRawSync } from 'node:zlib';
import { parseAccept } from 'hono/utils/accept';

/**
 * A kept page as gzip, compressed once, with each response's own values (the CSP nonce, the CSRF
 * token) spliced in uncompressed. Each fixed part of the page is a raw deflate stream of its own that
 * ends on a byte boundary (a sync flush, no final block); a value goes between two parts as a stored
 * (uncompressed) deflate block; the stream ends with an empty final stored block, and the gzip
 * trailer's CRC-32 is combined from the parts' (worked out once) and the values'. The result is one
 * valid gzip member of exactly the page's bytes, for the cost of a copy of ~14 KB instead of
 * compressing ~100 KB per response.
 *
 * A value is never compressed together with anything else (no back-reference reaches into or out of
 * it), so the length of a response tells nothing about its CSRF token (no BREACH-style guessing).
 */
export interface GzipPieces {
  /** The page's fixed parts, each compressed on its own (`parts[i]` of the template). */
  parts: Buffer[];
  /** CRC-32 and length of each fixed part, uncompressed, and the CRC shift of that length (`crcShift`). */
  crcs: number[];
  lengths: number[];
  shifts: number[];
}

/** Compress a page's fixed parts (the parts between its per-response values) for `gzipFill`. */
export function gzipPieces(parts: readonly Buffer[]): GzipPieces {
  return {
    parts: parts.map((p) => deflateRawSync(p, { level: 6, finishFlush: constants.Z_SYNC_FLUSH })),
    crcs: parts.map((p) => crc32(p)),
    lengths: parts.map((p) => p.length),
    shifts: parts.map((p) => crcShift(p.length)),
  };
}

// gzip header: magic, deflate, no flags, no mtime, no extra flags, OS unknown (RFC 1952).
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
// An empty stored block with BFINAL set: the end of the deflate stream.
const LAST_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);
const STORED_MAX = 0xffff;

/** The gzip bytes of `parts[0] values[0] parts[1] … parts[n]` (one value between two parts). */
export function gzipFill(pieces: GzipPieces, values: readonly Buffer[]): Uint8Array<ArrayBuffer> {
  let size = HEADER.length + LAST_BLOCK.length + 8;
  for (const p of pieces.parts) size += p.length;
  for (const v of values) size += v.length + 5 * Math.max(1, Math.ceil(v.length / STORED_MAX));
  const out = Buffer.allocUnsafeSlow(size);
  let at = put(out, 0, HEADER);
  at = put(out, at, pieces.parts[0]!);
  let crc = pieces.crcs[0]!;
  let length = pieces.lengths[0]!;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    at = stored(out, at, v);
    crc = crc32Combine(crc, crc32(v), crcShift(v.length));
    at = put(out, at, pieces.parts[i + 1]!);
    crc = crc32Combine(crc, pieces.crcs[i + 1]!, pieces.shifts[i + 1]!);
    length += v.length + pieces.lengths[i + 1]!;
  }
  at = put(out, at, LAST_BLOCK);
  out.writeUInt32LE(crc >>> 0, at);
  out.writeUInt32LE(length >>> 0, at + 4);
  return out;
}

function put(out: Buffer, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}

/** `value` as non-final stored deflate blocks (at most 65,535 bytes each; one, possibly empty, at least). */
function stored(out: Buffer, at: number, value: Buffer): number {
  let from = 0;
  do {
    const n = Math.min(STORED_MAX, value.length - from);
    out[at] = 0;
    out.writeUInt16LE(n, at + 1);
    out.writeUInt16LE(~n & 0xffff, at + 3);
    out.set(value.subarray(from, from + n), at + 5);
    at += 5 + n;
    from += n;
  } while (from < value.length);
  return at;
}

// CRC-32 of a concatenation from the CRC-32s of its pieces: zlib's crc32_combine (zlib 1.2.12's
// polynomial arithmetic modulo the CRC polynomial, reflected), which Node does not expose.
const POLY = 0xedb88320;

function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

// X2N[k] = x^(2^k) modulo the polynomial.
const X2N: number[] = [];
for (let k = 0, p = 0x40000000; k < 32; k += 1) {
  X2N.push(p);
  p = multModP(p, p);
}

/** x^(n·2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000;
  while (n) {
    if (n & 1) p = multModP(X2N[k & 31]!, p);
    n >>>= 1;
    k += 1;
  }
  return p;
}

/** What `crc32Combine` shifts the first CRC by for a second piece of `length` bytes. */
export function crcShift(length: number): number {
  return x2nModP(length, 3);
}

/** The CRC-32 of `A B` from `crc32(A)`, `crc32(B)` and `crcShift(B.length)`. */
export function crc32Combine(crcA: number, crcB: number, shiftB: number): number {
  return (multModP(shiftB, crcA) ^ crcB) >>> 0;
}

/**
 * Whether a request's `Accept-Encoding` takes gzip (named, or `*`, with a non-zero q). Hono parses the
 * header (codings, parameters, q values); a coding named outright decides over `*`.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const { type, q } of parseAccept(header)) {
    const name = type.toLowerCase();
    if (name === 'gzip') return q > 0;
    if (name === '*') star = q > 0;
  }
  return star;
}
