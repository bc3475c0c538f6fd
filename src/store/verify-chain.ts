import { sql } from 'kysely';
import {
  type ChainBreak,
  checkStoredLink,
  GENESIS_HASH,
  type StoredEvent,
  sha256Hex,
} from '../model/audit.js';
import type { SelectArrays, StoreAdapter } from './adapter.js';
import { VERIFY_PAGE } from './verify-pages.js';
import { hashedInputSql, KIND_TABLES, kindSql, tableOfType } from './verify-sql.js';
import type { StateRowsCheck } from './verify-state.js';

/** Where the walk stopped: the last event that held, how many held, and the first break if any. */
export interface ChainWalk {
  last?: { seq: number; hash: string };
  count: number;
  bad?: ChainBreak;
  /** The hash of the event at the witnessed seq, if the walk reached it. */
  witnessed?: string;
}

/**
 * Walk the chain in seq order, a page at a time, handing each event that holds to `state`.
 *
 * Fast pages read four values per event: its seq, its kind as a number, `prev_hash ‖ canonical text`
 * spliced by the database (verify-sql.ts) and its hash; the process hashes the text. An event that
 * does not hold that way (an edit, a gap, a link that does not match, or text the database quotes
 * otherwise than JSON.stringify) sends the walk back to read that event in full and check it with
 * checkStoredLink, which names the break exactly as before; the walk returns to fast pages once the
 * stored data is canonical again. An event the fast page accepts is one checkStoredLink accepts: its
 * hash matches bytes that start with the previous event's hash (64 characters, then `{`) and are the
 * canonical text of its stored fields.
 */
export async function walkChain(
  adapter: StoreAdapter,
  select: SelectArrays,
  state: StateRowsCheck,
  witnessSeq: number | undefined,
): Promise<ChainWalk> {
  const { db, jsonSql } = adapter;
  const out: ChainWalk = { count: 0 };
  const mode = { spliced: true };
  const fastColumns = sql.raw(
    `seq, ${kindSql('type')}, ${hashedInputSql(jsonSql, 'audit_events')}, hash from audit_events`,
  );
  const read = (fast: boolean, after: number) => {
    const page = fast
      ? select(sql`select ${fastColumns} where seq > ${after} order by seq limit ${VERIFY_PAGE}`.compile(db))
      : select(
          db
            .selectFrom('audit_events')
            .select(['seq', 'at', 'type', 'actor', 'checklist', 'environment', 'data', 'prev_hash', 'hash'])
            .where('seq', '>', after)
            .orderBy('seq')
            .limit(VERIFY_PAGE)
            .compile(),
        );
    // Read by the next turn, or dropped when the walk stops or changes how it reads.
    page.catch(() => {});
    return { fast, page };
  };
  const accept = (seq: number, hash: string, table: ReturnType<typeof tableOfType>) => {
    out.count += 1;
    out.last = { seq, hash };
    state.event(table, seq);
    if (seq === witnessSeq) out.witnessed = hash;
  };
  let fast = true;
  let next = read(fast, 0);
  for (;;) {
    const current = next;
    const rows = await current.page;
    if (rows.length === 0) return out;
    const full = rows.length >= VERIFY_PAGE;
    const lastSeq = Number(rows[rows.length - 1]![0]);
    if (full) next = read(fast, lastSeq);
    await state.reach(lastSeq);
    if (current.fast) {
      let i = 0;
      for (; i < rows.length; i++) {
        const [seq, kind, input, hash] = rows[i]!;
        const prevHash = out.last?.hash ?? GENESIS_HASH;
        if (
          Number(seq) !== (out.last?.seq ?? 0) + 1 ||
          typeof input !== 'string' ||
          input.charCodeAt(64) !== 123 ||
          !input.startsWith(prevHash) ||
          sha256Hex(input) !== hash
        )
          break;
        accept(Number(seq), hash as string, KIND_TABLES[Number(kind)]);
      }
      if (i < rows.length) {
        // Read this event in full: checkStoredLink names what is wrong, or accepts it as stored before.
        fast = false;
        next = read(false, out.last?.seq ?? 0);
        continue;
      }
    } else {
      for (const r of rows) {
        const stored = storedOf(r);
        const bad = checkStoredLink(out.last, stored, mode);
        if (bad) return { ...out, bad };
        accept(stored.seq, stored.hash, tableOfType(stored.type));
      }
      // Canonical data again: later pages are read fast (the one already asked for is read as it is).
      fast = mode.spliced;
    }
    if (!full) return out;
  }
}

/** An audit_events row as read in full (columns in the order selected). */
function storedOf(r: unknown[]): StoredEvent {
  return {
    seq: Number(r[0]),
    at: r[1] as string,
    type: r[2] as string,
    actor: r[3] as string,
    checklist: r[4] as string | null,
    environment: r[5] as string | null,
    dataText: r[6] as string,
    prevHash: r[7] as string,
    hash: r[8] as string,
  };
}
