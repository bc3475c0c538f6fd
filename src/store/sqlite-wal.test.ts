import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../test-support/temp-dir.js';
import { enterWal, openSqlite } from './sqlite-adapter.js';

/**
 * Two processes creating the same store at once: the one that is not first finds the new file (still in
 * SQLite's rollback mode) write-locked by the other's switch to WAL or schema. SQLite answers that switch
 * with SQLITE_BUSY at once, busy timeout or not; CI saw `gonogo attest` fail with "the store is locked by
 * another process for too long" when eight of them started on a new store together.
 */
function newFileHeldByAnother(): { path: string; holder: InstanceType<typeof BetterSqlite> } {
  const path = join(testTempDir('gonogo-wal-'), 'gonogo.db');
  const holder = new BetterSqlite(path);
  holder.exec('begin immediate');
  return { path, holder };
}

function opener(path: string): InstanceType<typeof BetterSqlite> {
  const native = new BetterSqlite(path);
  native.pragma('busy_timeout = 30000');
  return native;
}

describe('switching a new store file to WAL while another process holds it', () => {
  it('is refused at once by SQLite itself, whatever the busy timeout (why enterWal tries again)', () => {
    const { path, holder } = newFileHeldByAnother();
    const native = opener(path);
    const started = Date.now();
    expect(() => native.pragma('journal_mode = WAL')).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY' }),
    );
    // Far below the 30 s busy timeout: SQLite did not wait.
    expect(Date.now() - started).toBeLessThan(30_000);
    native.close();
    holder.close();
  });

  it('enterWal waits for the other to let go, then switches', async () => {
    const { path, holder } = newFileHeldByAnother();
    const native = opener(path);
    const pauses: number[] = [];
    await enterWal(native, Date.now() + 30_000, async (ms) => {
      pauses.push(ms);
      // The other process finishes between two tries.
      if (pauses.length === 3) holder.exec('commit');
    });
    expect(pauses).toEqual([5, 10, 20]);
    expect(native.pragma('journal_mode', { simple: true })).toBe('wal');
    native.close();
    holder.close();
  });

  it('enterWal gives up with SQLITE_BUSY once its deadline has passed', async () => {
    const { path, holder } = newFileHeldByAnother();
    const native = opener(path);
    let paused = 0;
    await expect(
      enterWal(native, Date.now() - 1, async () => {
        paused += 1;
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(paused).toBe(0);
    native.close();
    holder.close();
  });

  it('enterWal does not retry anything but SQLITE_BUSY', async () => {
    const path = join(testTempDir('gonogo-wal-'), 'gonogo.db');
    const native = opener(path);
    native.close();
    let paused = 0;
    await expect(
      enterWal(native, Date.now() + 30_000, async () => {
        paused += 1;
      }),
    ).rejects.toThrow(/not open/);
    expect(paused).toBe(0);
  });

  it('a store opened while another process holds the new file opens once it lets go', async () => {
    const { path, holder } = newFileHeldByAnother();
    // The other process holds the file for 50 ms (as long as a schema takes on a slow machine).
    const lettingGo = new Promise<void>((resolve) =>
      setTimeout(() => {
        holder.exec('commit');
        resolve();
      }, 50),
    );
    const adapter = await openSqlite(path);
    await lettingGo;
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(adapter.db);
    expect(rows).toEqual([{ journal_mode: 'wal' }]);
    await adapter.db.destroy();
    holder.close();
  });
});
