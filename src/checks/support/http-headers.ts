/** The headers of the HTTP client (http-client.ts): a request's as given, a response's as kept. */

/** A raw header value: one Buffer, or several for a name repeated (as the redirect interceptor gives them). */
export type RawValue = Buffer | Buffer[];

/** The headers of a request that gives none: one shared list (undici reads it, never writes). */
export const PLAIN_HEADERS = Object.freeze(['user-agent', 'gonogo']);

/** A request's own headers as sent: lower-case names, gonogo's user agent unless given. */
export function ownHeaders(given: Record<string, string> | undefined): Record<string, string> {
  const own = lowerKeys(given ?? {});
  own['user-agent'] ??= 'gonogo';
  return own;
}

export function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (Object.hasOwn(headers, name)) out[name.toLowerCase()] = headers[name]!;
  return out;
}

const latin1 = (raw: RawValue): string =>
  Array.isArray(raw) ? raw.map((b) => b.toString('latin1')).join(', ') : raw.toString('latin1');

/**
 * The response's headers from undici's raw list (name, value, name, value...): names as undici names
 * them (lower case), values as Latin-1 text, a repeated name's values joined with ", " in the first one's
 * place. A header named `__proto__` is left out (an object cannot hold it as a plain key).
 *
 * A server answers a run's requests with the same header block, byte for byte, until its `Date` turns:
 * when this block's bytes are the last one's, its headers are a copy of the object read from that one
 * (a fresh object each time; no name looked up, no value decoded). See `repeatedBlock`.
 */
export function joinHeaders(raw: RawValue[], headerName: (raw: Buffer) => string): Record<string, string> {
  const again = repeatedBlock(raw, headerName);
  if (again !== undefined) return { ...again };
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = headerName(raw[i] as Buffer);
    const value = latin1(raw[i + 1]!);
    const before = out[name];
    if (before === undefined) out[name] = value;
    else if (name === '__proto__') continue;
    else out[name] = Object.hasOwn(out, name) ? `${before}, ${value}` : value;
  }
  rememberBlock(raw, headerName, out);
  return out;
}

/** The largest header block remembered, and the most entries (names and values) in it. */
const BLOCK_BYTES = 4096;
const BLOCK_ENTRIES = 128;

/**
 * The last header block read: its bytes (from its first name's first byte to its last entry's last), each
 * entry's start and length relative to that first byte, the names' function and the object read. One block
 * for the process; its buffers are made once.
 */
const block = {
  bytes: Buffer.alloc(BLOCK_BYTES),
  length: 0,
  places: new Int32Array(BLOCK_ENTRIES * 2),
  entries: 0,
  headerName: undefined as ((raw: Buffer) => string) | undefined,
  headers: undefined as Record<string, string> | undefined,
};

/**
 * The span of a raw list whose entries are all single Buffers over one ArrayBuffer at or after the first
 * entry's start (llhttp's views into the chunk a response's head came in), as the first entry's offset and
 * the span's length; -1 for any other list (a redirect's lists of Buffers, a head split across chunks and
 * joined by undici, too many entries, too many bytes).
 */
function spanOf(raw: RawValue[]): number {
  const count = raw.length;
  if (count === 0 || count > BLOCK_ENTRIES) return -1;
  const first = raw[0]!;
  if (Array.isArray(first)) return -1;
  const buffer = first.buffer;
  const start = first.byteOffset;
  let end = start;
  for (let i = 0; i < count; i++) {
    const entry = raw[i]!;
    if (Array.isArray(entry) || entry.buffer !== buffer || entry.byteOffset < start) return -1;
    const to = entry.byteOffset + entry.length;
    if (to > end) end = to;
  }
  return end - start > BLOCK_BYTES ? -1 : end - start;
}

/**
 * The object read from the last block when this raw list is that block again: the same number of entries,
 * each at the same place relative to the first, and the same bytes over the span that holds them all.
 * Then every entry has the last block's bytes, so the same name and value: the same object.
 */
function repeatedBlock(
  raw: RawValue[],
  headerName: (raw: Buffer) => string,
): Record<string, string> | undefined {
  const headers = block.headers;
  const count = raw.length;
  if (headers === undefined || count !== block.entries || headerName !== block.headerName) return undefined;
  const first = raw[0]!;
  if (Array.isArray(first)) return undefined;
  const buffer = first.buffer;
  const start = first.byteOffset;
  const places = block.places;
  // One pass: the remembered places lie within the remembered span, so entries at those places of the
  // same ArrayBuffer lie within this block's span.
  for (let i = 1; i < count; i++) {
    const entry = raw[i]!;
    if (
      Array.isArray(entry) ||
      entry.byteOffset - start !== places[2 * i] ||
      entry.length !== places[2 * i + 1] ||
      entry.buffer !== buffer
    ) {
      return undefined;
    }
  }
  if (first.length !== places[1]) return undefined;
  const length = block.length;
  return Buffer.from(buffer, start, length).compare(block.bytes, 0, length) === 0 ? headers : undefined;
}

/** Keep this block and the object read from it for the next response (not a block spanOf refuses). */
function rememberBlock(
  raw: RawValue[],
  headerName: (raw: Buffer) => string,
  headers: Record<string, string>,
): void {
  const length = spanOf(raw);
  if (length < 0) {
    block.headers = undefined;
    return;
  }
  const first = raw[0] as Buffer;
  const start = first.byteOffset;
  for (let i = 0; i < raw.length; i++) {
    const entry = raw[i] as Buffer;
    block.places[2 * i] = entry.byteOffset - start;
    block.places[2 * i + 1] = entry.length;
  }
  block.bytes.set(new Uint8Array(first.buffer, start, length));
  block.length = length;
  block.entries = raw.length;
  block.headerName = headerName;
  // A copy: the object returned is the caller's to keep (and, in principle, to change).
  block.headers = { ...headers };
}
