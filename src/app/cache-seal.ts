import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The parse cache's keyed MAC. A cache entry decides which checks run (an `env` check turned into a
 * `command` check would run a program), so an entry is only trusted when it carries an HMAC-SHA256 made
 * with a per-user secret: `<hex mac>\n<json>`, the MAC over the entry's key and its JSON text. An entry
 * edited, copied from another key, or written without the secret is refused and the file parsed again.
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

/** The stored text of an entry: its MAC line, then its JSON. */
export function sealEntry(secret: Buffer, key: string, json: string): string {
  return `${macOf(secret, key, json)}\n${json}`;
}

/** The JSON of a stored entry whose MAC holds for this key; undefined for anything else. */
export function openEntry(secret: Buffer, key: string, text: string): string | undefined {
  const newline = text.indexOf('\n');
  if (newline !== 64) return undefined;
  const json = text.slice(newline + 1);
  const given = Buffer.from(text.slice(0, newline), 'utf8');
  const expected = Buffer.from(macOf(secret, key, json), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? json : undefined;
}
