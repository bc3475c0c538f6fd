import type { Selectable } from 'kysely';
import type { StateStore } from '../engine/store.js';
import type { ChainedEvent } from '../model/audit.js';
import { iso } from './rows.js';
import type { Database } from './schema.js';
import {
  attestationOfEvent,
  attestationOfRow,
  bindRows,
  EVENT_OF,
  readHead,
  signoffOfEvent,
  signoffOfRow,
  vouchedEvents,
  waiverOfEvent,
  waiverOfRow,
} from './state-binding.js';
import type { Append, StoreContext, Trx } from './write-path.js';

type BoundState = 'attestations' | 'waivers' | 'signoffs';

/** Sign-offs bind to a digest: record that the ones given for the previous version no longer count. */
async function invalidateSignoffs(
  trx: Trx,
  append: Append,
  c: { id: string; digest: string },
  previous: string,
  actor: string,
  at: string,
): Promise<void> {
  const stale = await trx
    .selectFrom('signoffs')
    .select(['environment', 'role', 'by'])
    .where('checklist', '=', c.id)
    .where('digest', '=', previous)
    .orderBy('id')
    .execute();
  const seen = new Set<string>();
  for (const s of stale) {
    const key = `${s.environment}\u0000${s.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await append({
      type: 'signoff.invalidated',
      actor,
      checklist: c.id,
      environment: s.environment,
      at,
      data: { role: s.role, by: s.by, digest: previous, now: c.digest },
    });
  }
}

/** Checklist digests, attestations, waivers and sign-offs: each row written with its audit event. */
export function createStateStore({ db, writes, now, memo }: StoreContext): StateStore {
  return {
    async recordChecklist(c, actor) {
      const at = iso(c.at ?? now().toISOString(), 'at');
      const file = c.file ?? null;
      await writes.audited(
        async (trx, append) => {
          const known = await trx
            .selectFrom('checklists')
            .selectAll()
            .where('id', '=', c.id)
            .executeTakeFirst();
          if (known && known.digest === c.digest && known.name === c.name && known.file === file) return;
          if (known) {
            await trx
              .updateTable('checklists')
              .set({ name: c.name, digest: c.digest, file, updated_at: at })
              .where('id', '=', c.id)
              .execute();
          } else {
            await trx
              .insertInto('checklists')
              .values({ id: c.id, name: c.name, digest: c.digest, file, updated_at: at })
              .execute();
          }
          if (known?.digest === c.digest) return;
          await append({
            type: 'checklist.imported',
            actor,
            checklist: c.id,
            at,
            data: {
              digest: c.digest,
              name: c.name,
              ...(c.file ? { file: c.file } : {}),
              ...(known ? { previous: known.digest } : {}),
            },
          });
          if (known) await invalidateSignoffs(trx, append, c, known.digest, actor, at);
        },
        { ...c, actor },
      );
    },

    async addAttestation(a) {
      const at = iso(a.at, 'at');
      const expiresAt = a.expiresAt ? iso(a.expiresAt, 'expiresAt') : null;
      await writes.audited(async (trx, append) => {
        // The event first: the row carries its seq (DESIGN.md "State is bound to the chain").
        const event = await append({
          type: 'item.attested',
          actor: a.by,
          checklist: a.checklist,
          environment: a.environment,
          at,
          data: {
            item: a.item,
            evidence: a.evidence,
            ...(a.value !== undefined ? { value: a.value } : {}),
            ...(a.file ? { file: a.file } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          },
        });
        await trx
          .insertInto('attestations')
          .values({
            checklist: a.checklist,
            environment: a.environment,
            item: a.item,
            evidence: a.evidence,
            value: a.value ?? null,
            file_name: a.file?.name ?? null,
            file_sha256: a.file?.sha256 ?? null,
            by: a.by,
            at,
            expires_at: expiresAt,
            seq: event.seq,
          })
          .execute();
      }, a);
    },

    async addWaiver(w) {
      const at = iso(w.at, 'at');
      const expiresAt = iso(w.expiresAt, 'expiresAt');
      await writes.audited(async (trx, append) => {
        const event = await append({
          type: 'waiver.granted',
          actor: w.by,
          checklist: w.checklist,
          environment: w.environment,
          at,
          data: { item: w.item, reason: w.reason, owner: w.owner, expiresAt },
        });
        await trx
          .insertInto('waivers')
          .values({
            checklist: w.checklist,
            environment: w.environment,
            item: w.item,
            reason: w.reason,
            owner: w.owner,
            by: w.by,
            at,
            expires_at: expiresAt,
            seq: event.seq,
          })
          .execute();
      }, w);
    },

    async addSignoff(s) {
      const at = iso(s.at, 'at');
      await writes.audited(async (trx, append) => {
        const event = await append({
          type: 'signoff.given',
          actor: s.by,
          checklist: s.checklist,
          environment: s.environment,
          at,
          data: {
            role: s.role,
            digest: s.digest,
            ...(s.person !== undefined ? { person: s.person } : {}),
            ...(s.evidence !== undefined ? { evidence: s.evidence } : {}),
          },
        });
        await trx
          .insertInto('signoffs')
          .values({
            checklist: s.checklist,
            environment: s.environment,
            role: s.role,
            digest: s.digest,
            by: s.by,
            at,
            seq: event.seq,
            person: s.person ?? null,
            evidence: s.evidence ?? null,
          })
          .execute();
      }, s);
    },

    async loadState(checklist, environment) {
      // The head first: events and rows committed after it are another writer's, not yet in view.
      const head = await readHead(db);
      const inView = (seq: number | null) => seq === null || (head !== undefined && seq <= head.seq);
      // The rows of one state table for this checklist and environment, oldest first.
      const rowsOf = <T extends BoundState>(table: T) =>
        db
          .selectFrom(table as BoundState)
          .selectAll()
          .where('checklist', '=', checklist)
          .where('environment', '=', environment)
          .orderBy('id')
          .execute() as Promise<Selectable<Database[T]>[]>;
      const [attestations, waivers, signoffs, eventRows] = await Promise.all([
        rowsOf('attestations'),
        rowsOf('waivers'),
        rowsOf('signoffs'),
        head
          ? db
              .selectFrom('audit_events')
              .selectAll()
              .where('checklist', '=', checklist)
              .where('environment', '=', environment)
              .where('type', 'in', [EVENT_OF.attestations, EVENT_OF.waivers, EVENT_OF.signoffs])
              .where('seq', '<=', head.seq)
              .orderBy('seq')
              .execute()
          : [],
      ]);
      const vouched = vouchedEvents(eventRows, head, memo);
      const ofType = (type: string) => vouched.events.filter((e) => e.type === type);
      const bound = <R extends { id: number; seq: number | null }, T extends object>(
        table: BoundState,
        rows: R[],
        ofRow: (r: R) => T,
        ofEvent: (e: ChainedEvent) => T,
      ) =>
        bindRows(
          table,
          rows
            .filter((r) => inView(r.seq === null ? null : Number(r.seq)))
            .map((r) => ({ id: Number(r.id), seq: r.seq === null ? null : Number(r.seq), value: ofRow(r) })),
          ofType(EVENT_OF[table]).map((e) => ({ seq: e.seq, value: ofEvent(e) })),
        );
      const a = bound('attestations', attestations, attestationOfRow, attestationOfEvent);
      const w = bound('waivers', waivers, waiverOfRow, waiverOfEvent);
      const s = bound('signoffs', signoffs, signoffOfRow, signoffOfEvent);
      const tampered = [...vouched.tampered, ...a.tampered, ...w.tampered, ...s.tampered];
      return {
        attestations: a.values,
        waivers: w.values,
        signoffs: s.values,
        ...(tampered.length > 0 ? { tampered } : {}),
      };
    },

    async listWaivers(checklist) {
      let q = db.selectFrom('waivers').selectAll();
      if (checklist !== undefined) q = q.where('checklist', '=', checklist);
      return (await q.orderBy('id', 'desc').execute()).map(waiverOfRow);
    },
  };
}
