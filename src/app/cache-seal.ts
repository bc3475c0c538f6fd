import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The parse cache's keyed MAC. A cache entry decides which checks run (an `env` check turned into a
 * `command` check would run a program), so an entry is only trusted when it carries an HMAC-SHA256 made
 * with a per-user secret: `<hex mac>\n<text>`, the MAC over the entry's key and its text (lines of JSON,
 * cache-entry.ts). An entry edited, copied from another key, or written without the secret is refused
 * and the file parsed again.
 * The secret (`.secret`, 32 random bytes, mode 0600 in a 0700 folder) is made on first use; one that
 * others may read or write is not trusted at all (the cache is then skipped).
 */

const SECRET_FILE = '.secret';

/** The cache's secret, made on first use; undefined when it cannot be made or is not private. */
export async function cacheSecret(dir: string): Promise<Buffer | undefined> {
  const path = join(dir, SECRET_FILE);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      // `wx`: never overwrite a secret another process made a moment ago.
      await writeFile(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const info = await stat(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) return undefined;
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) return undefined;
    const hex = (await readFile(path, 'utf8')).trim();
    return /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  } catch {
    return undefined; // a read-only home, a full disk: run without the cache
  }
}

function macOf(secret: Buffer, key: string, json: string): string {
  return createHmac('sha256', secret).update(`${key}\0`).update(json).digest('hex');
}

/** The stored text of an entry: its MAC line, then its text. */
export function sealEntry(secret: Buffer, key: string, json: string): string {
  return `${macOf(secret, key, json)}\n${json}`;
}

/** Bytes read from an entry file at a time. */
const CHUNK = 1 << 20;
/**
 * Bytes of whole lines decoded as one text (then cut into lines): decoding each line on its own was two
 * calls into node and a new string per line (~100,000 of each for a 50,000-item entry). Small enough that
 * a slab is an ordinary young string, dead before the next scavenge but one.
 */
const SLAB = 16 * 1024;
const NEWLINE = 0x0a;
const MAC_CHARS = 64;

/** `onLine` for each line of `text` (lines of whole UTF-8, cut at newlines, which no character contains). */
function eachLine(text: string, onLine: (line: string) => void): void {
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    onLine(text.slice(from, nl));
    from = nl + 1;
  }
  onLine(text.slice(from));
}

/**
 * Read the entry file `path` a chunk at a time, handing `onLine` each line of its text after the MAC line
 * (UTF-8, without its newline) as it is read; true when the file's MAC holds for this key, false for
 * anything else. The MAC is computed over the bytes as read (the UTF-8 that `sealEntry`'s text was
 * written as), so neither the whole file, nor its text, nor a UTF-8 copy of it is ever held at once (a
 * 50,000-item entry is ~20 MB). What `onLine` built must be thrown away unless this returns true.
 */
export async function readSealed(
  secret: Buffer,
  key: string,
  path: string,
  onLine: (line: string) => void,
): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const mac = createHmac('sha256', secret).update(`${key}\0`);
    let head = Buffer.alloc(0); // the MAC line, until it is whole
    let given: Buffer | undefined;
    // The start of a line cut by the end of a chunk, copied (the chunk is read into again), as bytes:
    // a character may be cut too. Kept as pieces, joined once the line ends.
    let pending: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      let bytes = chunk.subarray(0, bytesRead);
      if (given === undefined) {
        head = Buffer.concat([head, bytes]);
        if (head.length <= MAC_CHARS) continue;
        if (head[MAC_CHARS] !== NEWLINE) return false;
        given = head.subarray(0, MAC_CHARS);
        bytes = head.subarray(MAC_CHARS + 1);
      }
      mac.update(bytes);
      let start = 0;
      const last = bytes.lastIndexOf(NEWLINE);
      if (pending.length > 0 && last !== -1) {
        const nl = bytes.indexOf(NEWLINE);
        onLine(Buffer.concat([...pending, bytes.subarray(0, nl)]).toString('utf8'));
        pending = [];
        start = nl + 1;
      }
      // The whole lines after, decoded a slab at a time and cut as text: one decode per slab, not per line.
      while (start <= last) {
        let end = last;
        if (end - start > SLAB) {
          end = bytes.lastIndexOf(NEWLINE, start + SLAB);
          if (end < start) end = bytes.indexOf(NEWLINE, start + SLAB);
        }
        eachLine(bytes.toString('utf8', start, end), onLine);
        start = end + 1;
      }
      if (start < bytes.length) pending.push(Buffer.from(bytes.subarray(start)));
    }
    if (given === undefined) return false;
    if (pending.length > 0) onLine(Buffer.concat(pending).toString('utf8'));
    const expected = Buffer.from(mac.digest('hex'), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  } finally {
    await handle.close();
  }
}
