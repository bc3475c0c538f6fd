import { CompiledQuery } from 'kysely';
import type { SlotClaim } from '../engine/store.js';
import { jsonArrayParam, placeholder, selectFromJsonArray } from './json-rows.js';
import type { StoreContext } from './write-path.js';

/** Claims one statement can hold: they differ in their `what` alone (a watch tick's claims do). */
export function sameStatement(a: SlotClaim, b: SlotClaim): boolean {
  return (
    a.slot === b.slot &&
    a.checklist === b.checklist &&
    a.environment === b.environment &&
    a.holder === b.holder &&
    a.at === b.at
  );
}

/** Thrown inside the all-won attempt's transaction to roll it back: some row was there already. */
const NOT_ALL_WON = Symbol('not all won');

/** The INSERT of claims that share all but their `what`: the `what`s bound as one JSON array. */
function insertText(dialect: 'sqlite' | 'postgres', returning: boolean): string {
  const p = (k: number) => placeholder(dialect, k);
  // In the array's order, the caller's sorted one: replicas insert, and so wait on each other's rows,
  // in one order.
  const rows = selectFromJsonArray(dialect, [p(1), p(2), '"value"', p(3), p(4), p(5)], 6, true);
  return (
    'insert into "scheduled_slots" ("checklist", "environment", "what", "slot", "holder", "claimed_at") ' +
    `${rows}on conflict ("checklist", "environment", "what", "slot") do nothing` +
    (returning ? ' returning "what"' : '')
  );
}

/**
 * Insert the claims `first`'s fields and each of `whats` (distinct) name; answer the `what`s this
 * INSERT wrote. A claim is won only by the INSERT that wrote its row: rows another holder (or an earlier
 * call) wrote are not answered.
 *
 * On SQLite every claim of a tick is nearly always new, and RETURNING a row per claim was a third of the
 * statement's CPU: the claims are first inserted without it in a transaction, and when its row count is
 * the number of claims, each was written by that INSERT and all are won. Otherwise that transaction is
 * rolled back (nothing of it stays) and the INSERT runs again with RETURNING, which says which rows it
 * wrote. On PostgreSQL the transaction would cost two round trips more than the rows returned: RETURNING
 * always.
 */
export function claimStatement({ adapter, writes }: Pick<StoreContext, 'adapter' | 'writes'>) {
  const plain = insertText(adapter.dialect, false);
  const returning = insertText(adapter.dialect, true);
  const allWonFirst = adapter.dialect === 'sqlite';
  return {
    async insert(first: SlotClaim, whats: readonly string[]): Promise<readonly string[]> {
      const { json, asRead } = jsonArrayParam(adapter.dialect, whats);
      const params = [first.checklist, first.environment, first.slot, first.holder, first.at, json];
      if (allWonFirst) {
        try {
          await writes.unaudited(async (trx) => {
            const r = await trx.executeQuery(CompiledQuery.raw(plain, params));
            if (Number(r.numAffectedRows) !== whats.length) throw NOT_ALL_WON;
          });
          return whats;
        } catch (err) {
          if (err !== NOT_ALL_WON) throw err;
        }
      }
      const { rows } = await writes.statement((db) =>
        db.executeQuery(CompiledQuery.raw(returning, params) as CompiledQuery<{ what: string }>),
      );
      if (asRead === whats) return rows.map((r) => r.what);
      // Answered as asked: a `what` the store gives back in another form (see jsonArrayParam).
      const asked = new Map(asRead.map((s, i) => [s, whats[i]!]));
      return rows.map((r) => asked.get(r.what) ?? r.what);
    },
  };
}
