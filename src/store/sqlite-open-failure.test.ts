import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/errors.js';
import { testTempDir } from '../test-support/temp-dir.js';
import { openSqlite } from './sqlite-adapter.js';

/** The files this process holds open, as Linux lists them (each descriptor's target path). */
function heldFiles(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      // Closed between the listing and the read (the listing's own descriptor is one).
      return [];
    }
  });
}

describe.skipIf(process.platform !== 'linux')('a store that fails after SQLite opened it', () => {
  it('is let go of, and the failure reported is the one that happened', async () => {
    // SQLite opens any file; the first read (the switch to WAL) finds it is not a database.
    const path = join(testTempDir('gonogo-open-'), 'notes.txt');
    writeFileSync(path, 'this is not a database, just some text that is long enough '.repeat(20));
    const err = await openSqlite(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String(err)).toMatch(/cannot open the store .*notes\.txt: the file is not a gonogo store/);
    expect(heldFiles()).not.toContain(path);
  });
});
