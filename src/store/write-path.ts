import type { Kysely, Transaction } from 'kysely';
import type { AuditEvent, AuditInput, StoreObserver } from '../engine/store.js';
import { type ChainedEvent, canonicalJson, chainEvent } from '../model/audit.js';
import type { StoreAdapter } from './adapter.js';
import { iso, refuseNul } from './rows.js';
import type { Database } from './schema.js';
import type { VouchMemo } from './vouch-memo.js';

export type Trx = Transaction<Database>;
/** Append one event to the chain, inside the current write transaction. */
export type Append = (input: AuditInput) => Promise<AuditEvent>;

/** What every aggregate of the SQL store is built from. */
export interface StoreContext {
  adapter: StoreAdapter;
  db: Kysely<Database>;
  writes: WritePath;
  /** The clock for events whose caller gives no time. */
  now: () => Date;
  /** What this store has verified already (evaluations re-check only what changed). */
  memo: VouchMemo;
}

/** The stored form of a chained event. */
export function toAuditEvent(e: ChainedEvent): AuditEvent {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    checklist: e.checklist,
    environment: e.environment,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/**
 * The one way the store writes. `audited` runs a change in a transaction holding the write lock
 * (advisory lock on PostgreSQL, SQLite's single writer), with an appender that chains events onto the
 * head read under that lock: a row and the event recording it commit together or not at all.
 * `unaudited` is for the tables outside the chain (samples, the watch loop's leases, slots, outbox).
 */
export class WritePath {
  readonly #adapter: StoreAdapter;
  readonly #now: () => Date;
  readonly #observer: StoreObserver;

  constructor(adapter: StoreAdapter, now: () => Date, observer: StoreObserver = {}) {
    this.#adapter = adapter;
    this.#now = now;
    this.#observer = observer;
  }

  /**
   * Run `fn` in a write transaction holding the write lock, with an audit appender bound to it.
   * `input` (what the caller was given) is checked first: text with NUL is refused, naming the field.
   */
  async audited<T>(fn: (trx: Trx, append: Append) => Promise<T>, input?: object): Promise<T> {
    if (input !== undefined) refuseNul(input);
    const started = performance.now();
    let appended: number | undefined;
    const result = await this.#adapter.db.transaction().execute(async (trx) => {
      await this.#adapter.lockWrites(trx);
      let head = await trx
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirst();
      const append: Append = async (input) => {
        const { type, actor, checklist, environment } = input;
        refuseNul({ type, actor, checklist, environment });
        const event = chainEvent(head ? { seq: Number(head.seq), hash: head.hash } : undefined, {
          at: iso(input.at ?? this.#now().toISOString(), 'at'),
          type,
          actor,
          checklist: checklist ?? null,
          environment: environment ?? null,
          // Round-trip through JSON so the hashed object is exactly what a reader parses back.
          data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
        });
        await trx
          .insertInto('audit_events')
          .values({
            seq: event.seq,
            at: event.at,
            type: event.type,
            actor: event.actor,
            checklist: event.checklist,
            environment: event.environment,
            // Canonical JSON, the bytes the hash covers: verify hashes them as stored, parsing nothing.
            data: canonicalJson(event.data),
            prev_hash: event.prevHash,
            hash: event.hash,
          })
          .execute();
        if (head) {
          await trx
            .updateTable('audit_head')
            .set({ seq: event.seq, hash: event.hash })
            .where('id', '=', 1)
            .execute();
        } else {
          await trx.insertInto('audit_head').values({ id: 1, seq: event.seq, hash: event.hash }).execute();
        }
        head = { seq: event.seq, hash: event.hash };
        appended = event.seq;
        return toAuditEvent(event);
      };
      return fn(trx, append);
    });
    // Observed after commit only: a rolled-back append never moved the head.
    if (appended !== undefined)
      this.#observer.auditAppended?.(appended, (performance.now() - started) / 1000);
    return result;
  }

  /** Run `fn` in a plain transaction: for tables whose rows no audit event records. */
  async unaudited<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return this.#adapter.db.transaction().execute(fn);
  }

  /**
   * One statement on a table no audit event records, atomic on its own (a conditional update is a
   * claim): no transaction around it, one round trip, as the watch loop's tick wants.
   */
  async statement<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return fn(this.#adapter.db);
  }
}
