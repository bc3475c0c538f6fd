import type { AuditEvent, AuditStore, AuditVerification } from '../engine/store.js';
import {
  type ChainBreak,
  type ChainedEvent,
  checkHead,
  checkSplicedLink,
  checkStoredLink,
} from '../model/audit.js';
import { limitOf } from './rows.js';
import type { AuditEventsTable } from './schema.js';
import { readHead } from './state-binding.js';
import { compiledOnce, SPLICED_PAGE, taken, VERIFY_PAGE } from './verify-pages.js';
import {
  type BoundEvent,
  EVENT_COLUMNS,
  SPLICED_EVENT_COLUMNS,
  SPLICED_WIDTH,
  SPLICES,
  splicedEvent,
  storedOf,
} from './verify-rows.js';
import { StateRowsCheck } from './verify-state.js';
import {
  EventsAfterTheirRows,
  OUTCOME,
  rowOfKind,
  steerPlanner,
  streamPage,
  TABLE_OF_KIND,
} from './verify-stream.js';
import { type StoreContext, toAuditEvent } from './write-path.js';

/** A stored row as a chained event; data that is not JSON any more can only mean an edit. */
function fromAuditRow(row: AuditEventsTable): ChainedEvent | ChainBreak {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    return {
      seq: Number(row.seq),
      kind: 'edited',
      reason: `event ${row.seq} was edited: its data is not valid JSON`,
    };
  }
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type,
    actor: row.actor,
    checklist: row.checklist,
    environment: row.environment,
    data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const isBreak = (x: ChainedEvent | ChainBreak): x is ChainBreak => 'kind' in x;

/** The hash-chained log: appended through the write path, listed in pages, verified in one snapshot. */
export function createAuditStore({ adapter, db, writes }: StoreContext): AuditStore {
  return {
    async appendAudit(event) {
      return writes.audited((_trx, append) => append(event));
    },

    async listAudit(opts = {}) {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>', opts.after ?? 0)
        .orderBy('seq')
        .limit(limitOf(opts.limit, 100))
        .execute();
      return rows.map((row): AuditEvent => {
        const e = fromAuditRow(row);
        if (!isBreak(e)) return toAuditEvent(e);
        // Still list a damaged event (verify names it); its data shows as the raw text.
        return {
          seq: Number(row.seq),
          at: row.at,
          type: row.type,
          actor: row.actor,
          checklist: row.checklist,
          environment: row.environment,
          data: { unparsable: row.data },
          prevHash: row.prev_hash,
          hash: row.hash,
        };
      });
    },

    async auditHead() {
      return readHead(db);
    },

    async verifyAudit(opts = {}) {
      const witness = opts.head;
      // One read-only snapshot: a consistent chain even while other processes append.
      return adapter.readSnapshot(async (select, each) => {
        let prev: { seq: number; hash: string } | undefined;
        let count = 0;
        let witnessed: string | undefined;
        const mode = { spliced: true };
        // State rows are read beside the chain in seq order and checked as their events are verified;
        // what they find counts only if the whole chain holds.
        const size = VERIFY_PAGE[adapter.dialect];
        const splices = SPLICES[adapter.dialect];
        const state = new StateRowsCheck(db, select, size, splices);
        const compile = (columns: readonly unknown[]) =>
          compiledOnce(({ limit, after, seq }) =>
            db
              .selectFrom('audit_events')
              .select(columns as never)
              .$if(after !== undefined, (q) => q.where('seq', '>', after!))
              .$if(seq !== undefined, (q) => q.where('seq', '=', seq!))
              .orderBy('seq')
              .limit(limit!)
              .compile(),
          );
        const full = compile(EVENT_COLUMNS);
        const nextSeq = compiledOnce(({ after, limit }) =>
          db
            .selectFrom('audit_events')
            .select('seq')
            .where('seq', '>', after!)
            .orderBy('seq')
            .limit(limit!)
            .compile(),
        );
        const broken = (bad: ChainBreak) =>
          ({ ok: false, count, firstBad: { seq: bad.seq, reason: bad.reason } }) as const;
        /** A verified event: counted, the chain's last, its state row checked. */
        const took = (event: BoundEvent, hash: string) => {
          count += 1;
          prev = { seq: event.seq, hash };
          state.event(event);
          if (witness && prev.seq === witness.seq) witnessed = hash;
        };
        /** An event read in full (EVENT_COLUMNS): its break, or taken. */
        const fullEvent = (r: readonly unknown[]) => {
          const stored = storedOf(r);
          // Its state row, when it stands by the texts, shows its data text canonical (no scan needed).
          const bad = checkStoredLink(prev, stored, mode, () => state.vouches(stored));
          // The mode says whether this event's data text was the canonical one.
          stored.canonical = mode.spliced;
          if (!bad) took(stored, stored.hash);
          return bad;
        };
        if (each) {
          // PostgreSQL: each page's events with their state rows and outcomes as one stream in seq order
          // (verify-stream.ts), each event checked once every row of its seq has arrived, none held.
          const restore = await steerPlanner(select);
          let bad: ChainBreak | undefined;
          const check = (r: unknown[]) => {
            bad = fullEvent(r);
            return !bad;
          };
          const take = (kind: number, r: unknown[]) =>
            kind === OUTCOME ? state.outcome(r) : state.take(TABLE_OF_KIND[kind]!, r);
          // Pages of `size` seqs; the first from the lowest seq an integer column holds.
          for (let after = -(2 ** 31) - 1; ; ) {
            const upTo = Math.max(after, 0) + size;
            const page = new EventsAfterTheirRows(check, take);
            await streamPage(each, after, upTo, (kind, seq, r) => page.row(kind, seq, rowOfKind(kind, r)));
            page.end();
            if (bad) return broken(bad);
            const n = page.events;
            state.reachedTo(upTo);
            const whole = n === upTo - Math.max(after, 0);
            after = upTo;
            if (!whole) {
              // Not every seq of the page: the chain ends, or goes on past a gap (which the next event breaks).
              const [next] = await select(nextSeq({ after: upTo, limit: 1 }));
              if (next === undefined) break;
              after = Number(next[0]) - 1;
            }
          }
          await restore();
        } else {
          // While the chain is stored as gonogo writes it, SQLite splices each event's hashed text.
          const spliced = compile(SPLICED_EVENT_COLUMNS);
          // A page is read spliced when every event of the last page walked was stored canonical: an older
          // chain is read in full (most of its events would be read again one by one).
          let canonical = true;
          const pageSize = () => (splices && canonical ? SPLICED_PAGE : size);
          const page = (last: readonly unknown[] | undefined) =>
            (splices && canonical ? spliced : full)(
              last === undefined ? { limit: pageSize() } : { limit: pageSize(), after: Number(last[0]) },
            );
          // One page at a time: better-sqlite3 reads synchronously, so a page asked for ahead (as PostgreSQL's
          // are) is only read sooner and held meanwhile, copied by every young-generation collection.
          for (let last: readonly unknown[] | undefined; ; ) {
            const limit = pageSize();
            const rows = await select(page(last));
            if (rows.length === 0) break;
            last = rows[rows.length - 1]!;
            // A page's state rows are read up to its last event before it is walked.
            await state.reach(Number(last[0]), last.length === SPLICED_WIDTH);
            let allCanonical = true;
            for (const r of taken(rows)) {
              // No text (a column not of the type gonogo writes): the event is checked from its columns.
              if (r.length === SPLICED_WIDTH && typeof r[2] === 'string') {
                const event = splicedEvent(r);
                const bad = checkSplicedLink(prev, event.seq, r[1], r[2], () => state.vouches(event));
                if (bad !== 'unsure') {
                  if (bad) return broken(bad);
                  took(event, r[1] as string);
                  continue;
                }
              }
              // A full page, or an event not as gonogo writes it: checked from its columns.
              const bad = fullEvent(
                r.length === SPLICED_WIDTH ? (await select(full({ limit: 1, seq: Number(r[0]) })))[0]! : r,
              );
              if (bad) return broken(bad);
              allCanonical &&= mode.spliced;
            }
            canonical = allCanonical;
            if (rows.length < limit) break;
          }
        }
        const [headRow] = await select(
          db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).compile(),
        );
        const head = headRow ? { seq: Number(headRow[0]), hash: headRow[1] as string } : undefined;
        const bad = checkHead(prev, head);
        if (bad) return { ok: false, count, firstBad: { seq: bad.seq, reason: bad.reason } };
        const witnessCheck = witness ? checkWitness(witness, witnessed, prev) : undefined;
        const tampered = await state.finish();
        const ok = tampered.length === 0 && (witnessCheck?.ok ?? true);
        return {
          ok,
          count,
          ...(prev ? { head: prev } : {}),
          ...(tampered.length > 0 ? { tampered } : {}),
          ...(witnessCheck ? { witness: witnessCheck } : {}),
        };
      });
    },
  };
}

/**
 * Does the chain still hold the witnessed head (`seq`, `hash`) kept outside the database? A chain cut
 * below it, wiped, or rewritten up to it (recomputed hashes) fails; one that grew past it holds it.
 */
function checkWitness(
  witness: { seq: number; hash: string },
  found: string | undefined,
  last: { seq: number } | undefined,
): NonNullable<AuditVerification['witness']> {
  const base = { seq: witness.seq, hash: witness.hash };
  if (found === undefined) {
    const reason = last
      ? `the witnessed head, event ${witness.seq}, is gone: the log ends at event ${last.seq} (events were cut off the end)`
      : `the witnessed head, event ${witness.seq}, is gone: the log is empty (it was wiped)`;
    return { ...base, ok: false, reason };
  }
  if (found !== witness.hash) {
    return {
      ...base,
      ok: false,
      reason: `event ${witness.seq} has hash ${found}, not the witnessed ${witness.hash}: the log was rewritten`,
    };
  }
  return { ...base, ok: true };
}
