import type { Selectable } from 'kysely';
import type {
  DeliveryAttempt,
  DeliveryInput,
  DeliveryRecord,
  DeliveryStatus,
  Lease,
  SlotClaim,
  WatchState,
  WatchStore,
} from '../engine/store.js';
import { claimStatement, sameStatement } from './claim-statement.js';
import { executeShaped, MAX_LIST, type SqlTexts } from './rows.js';
import type { DeliveriesTable } from './watch-schema.js';
import type { StoreContext } from './write-path.js';

/** Delivery statuses still to be sent (`dueDeliveries`, `oldestUndelivered`). */
const UNDELIVERED: DeliveryStatus[] = ['pending', 'retrying', 'sending'];

/** A slot claim's identity: what the table's key holds. */
function slotKey(checklist: string, environment: string, what: string, slot: string): string {
  return `${checklist}\u0000${environment}\u0000${what}\u0000${slot}`;
}

function toDelivery(r: Selectable<DeliveriesTable>): DeliveryRecord {
  return {
    id: Number(r.id),
    eventId: r.event_id,
    event: r.event,
    checklist: r.checklist,
    environment: r.environment,
    target: r.target,
    targetLabel: r.target_label,
    payload: r.payload,
    at: r.created_at,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    responseCode: r.response_code === null ? null : Number(r.response_code),
    nextAttemptAt: r.next_attempt_at,
    updatedAt: r.updated_at,
  };
}

/**
 * The watch loop's part of the store (leases, slots, watch state, deliveries). Its tables are outside
 * the audit chain, so it writes through the write path's unaudited transactions; a lease decision
 * holds the adapter's lock for that lease's name.
 */
export function createWatchStore({ adapter, db, writes }: StoreContext): WatchStore {
  /** A tick's slot claims as one INSERT. */
  const slotInserts = claimStatement({ adapter, writes });
  /** The due-deliveries probe, compiled once for this store (it runs every tick). */
  const dueTexts: SqlTexts = new Map();
  return {
    async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease> {
      return writes.unaudited(async (trx) => {
        await adapter.lockKey(trx, `gonogo.lease.${name}`);
        const current = await trx
          .selectFrom('leases')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst();
        const nowIso = now.toISOString();
        if (current && current.holder !== holder && current.expires_at > nowIso) {
          return { name, holder: current.holder, expiresAt: current.expires_at };
        }
        const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
        if (current) {
          await trx
            .updateTable('leases')
            .set({ holder, expires_at: expiresAt })
            .where('name', '=', name)
            .execute();
        } else {
          await trx.insertInto('leases').values({ name, holder, expires_at: expiresAt }).execute();
        }
        return { name, holder, expiresAt };
      });
    },

    async releaseLease(name: string, holder: string): Promise<void> {
      await writes.statement((q) =>
        q.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute(),
      );
    },

    async claimSlot(claim: SlotClaim): Promise<boolean> {
      const row = await writes.statement((q) =>
        q
          .insertInto('scheduled_slots')
          .values({
            checklist: claim.checklist,
            environment: claim.environment,
            what: claim.what,
            slot: claim.slot,
            holder: claim.holder,
            claimed_at: claim.at,
          })
          .onConflict((oc) => oc.columns(['checklist', 'environment', 'what', 'slot']).doNothing())
          .returning('slot')
          .executeTakeFirst(),
      );
      return row !== undefined;
    },

    async claimSlots(claims: readonly SlotClaim[]): Promise<boolean[]> {
      if (claims.length === 0) return [];
      // A tick's claims share checklist, environment and slot: their `what` alone tells them apart and
      // sorts as their whole keys do (a slot key's parts are joined by U+0000, below every other
      // character), without a joined key string per claim to build, hash and compare.
      const { checklist, environment, slot } = claims[0]!;
      const shared = claims.every(
        (c) => c.slot === slot && c.checklist === checklist && c.environment === environment,
      );
      const keyOf = (what: string, c: Pick<SlotClaim, 'checklist' | 'environment' | 'slot'>) =>
        shared ? what : slotKey(c.checklist, c.environment, what, c.slot);
      const keys = claims.map((c) => keyOf(c.what, c));
      // One claim per slot, with its last mention's values (a Map keeps the first one's place).
      const byKey = new Map<string, SlotClaim>();
      for (let i = 0; i < claims.length; i++) byKey.set(keys[i]!, claims[i]!);
      // In one order whatever order they were asked in: two replicas inserting the same slots in
      // different orders would each wait on a row the other wrote first (PostgreSQL: a deadlock). The
      // default sort compares UTF-16 code units, as `<` does.
      const order = [...byKey.keys()].sort();
      const won = new Set<string>();
      // Each statement holds claims in a row of that order that share checklist, environment, slot,
      // holder and time (a tick's claims all do): their `what`s go as one JSON array (claim-statement.ts).
      for (let i = 0; i < order.length; ) {
        const first = byKey.get(order[i]!)!;
        const whats: string[] = [];
        for (; i < order.length; i++) {
          const c = byKey.get(order[i]!)!;
          if (!sameStatement(c, first)) break;
          whats.push(c.what);
        }
        for (const what of await slotInserts.insert(first, whats)) won.add(keyOf(what, first));
      }
      // A slot named twice in one call is claimed once, by its first mention.
      return keys.map((k) => won.delete(k));
    },

    async pruneSlots(before: string): Promise<number> {
      const res = await writes.statement((q) =>
        q.deleteFrom('scheduled_slots').where('slot', '<', before).executeTakeFirst(),
      );
      return Number(res.numDeletedRows);
    },

    async loadWatchState(key: string): Promise<WatchState | undefined> {
      const row = await db
        .selectFrom('watch_state')
        .select(['value', 'version'])
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? { value: row.value, version: Number(row.version) } : undefined;
    },

    async commitWatchState(
      key: string,
      value: string,
      expectedVersion: number,
      deliveries: DeliveryInput[],
      now: Date,
    ): Promise<boolean> {
      const at = now.toISOString();
      return writes.unaudited(async (trx) => {
        let replaced: boolean;
        if (expectedVersion === 0) {
          const row = await trx
            .insertInto('watch_state')
            .values({ key, value, version: 1, updated_at: at })
            .onConflict((oc) => oc.column('key').doNothing())
            .returning('version')
            .executeTakeFirst();
          replaced = row !== undefined;
        } else {
          const res = await trx
            .updateTable('watch_state')
            .set({ value, version: expectedVersion + 1, updated_at: at })
            .where('key', '=', key)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          replaced = Number(res.numUpdatedRows) === 1;
        }
        if (!replaced) return false;
        for (const d of deliveries) {
          await trx
            .insertInto('deliveries')
            .values({
              event_id: d.eventId,
              event: d.event,
              checklist: d.checklist,
              environment: d.environment,
              target: d.target,
              target_label: d.targetLabel,
              payload: d.payload,
              status: 'pending',
              attempts: 0,
              last_error: null,
              response_code: null,
              next_attempt_at: d.at,
              created_at: d.at,
              updated_at: at,
            })
            .onConflict((oc) => oc.columns(['event_id', 'target']).doNothing())
            .execute();
        }
        return true;
      });
    },

    async dueDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]> {
      const at = now.toISOString();
      // The watch loop asks every tick and almost always finds nothing. The ordered query sorts through
      // a temporary B-tree even when nothing matches (~0.5 ms of CPU a call on SQLite, most of a quiet
      // tick); the probe reads the index alone (~0.02 ms), so the ordered query runs only when it has rows.
      const probe = await executeShaped(db, dueTexts, 'due-probe', [...UNDELIVERED, at, 1], () =>
        db
          .selectFrom('deliveries')
          .select('id')
          .where('status', 'in', UNDELIVERED)
          .where('next_attempt_at', '<=', at)
          .limit(1),
      );
      if (probe.rows.length === 0) return [];
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('status', 'in', UNDELIVERED)
        .where('next_attempt_at', '<=', at)
        .orderBy('id')
        .limit(Math.max(1, Math.min(MAX_LIST, limit)))
        .execute();
      return rows.map(toDelivery);
    },

    async oldestUndelivered(): Promise<string | undefined> {
      const row = await db
        .selectFrom('deliveries')
        .select('created_at')
        .where('status', 'in', UNDELIVERED)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      return row?.created_at;
    },

    async claimDelivery(id: number, now: Date, holdUntil: Date): Promise<DeliveryRecord | undefined> {
      // A conditional update is the claim: of two senders, only one sees its row change.
      const row = await writes.statement((q) =>
        q
          .updateTable('deliveries')
          .set({ status: 'sending', next_attempt_at: holdUntil.toISOString(), updated_at: now.toISOString() })
          .where('id', '=', id)
          .where('status', 'in', UNDELIVERED)
          .where('next_attempt_at', '<=', now.toISOString())
          .returningAll()
          .executeTakeFirst(),
      );
      return row ? toDelivery(row) : undefined;
    },

    async recordDeliveryAttempt(id: number, a: DeliveryAttempt): Promise<void> {
      await writes.statement((q) =>
        q
          .updateTable('deliveries')
          .set({
            status: a.status,
            attempts: a.attempts,
            last_error: a.lastError,
            response_code: a.responseCode,
            next_attempt_at: a.nextAttemptAt,
            updated_at: a.at,
          })
          .where('id', '=', id)
          .execute(),
      );
    },

    async listDeliveries(opts: { checklist?: string; limit?: number; before?: number } = {}) {
      let q = db.selectFrom('deliveries').selectAll();
      if (opts.checklist !== undefined) q = q.where('checklist', '=', opts.checklist);
      if (opts.before !== undefined) q = q.where('id', '<', opts.before);
      const limit = Math.max(1, Math.min(MAX_LIST, Math.floor(opts.limit ?? 50)));
      const rows = await q.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toDelivery);
    },
  };
}
