import type { Selectable } from 'kysely';
import type { StateStore } from '../engine/store.js';
import type { Waiver } from '../model/state.js';
import { iso } from './rows.js';
import type { Database } from './schema.js';
import type { Append, StoreContext, Trx } from './write-path.js';

function toWaiver(r: Selectable<Database['waivers']>): Waiver {
  return {
    checklist: r.checklist,
    environment: r.environment,
    item: r.item,
    reason: r.reason,
    owner: r.owner,
    by: r.by,
    at: r.at,
    expiresAt: r.expires_at,
  };
}

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
export function createStateStore({ db, writes, now }: StoreContext): StateStore {
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
          })
          .execute();
        await append({
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
      }, a);
    },

    async addWaiver(w) {
      const at = iso(w.at, 'at');
      const expiresAt = iso(w.expiresAt, 'expiresAt');
      await writes.audited(async (trx, append) => {
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
          })
          .execute();
        await append({
          type: 'waiver.granted',
          actor: w.by,
          checklist: w.checklist,
          environment: w.environment,
          at,
          data: { item: w.item, reason: w.reason, owner: w.owner, expiresAt },
        });
      }, w);
    },

    async addSignoff(s) {
      const at = iso(s.at, 'at');
      await writes.audited(async (trx, append) => {
        await trx
          .insertInto('signoffs')
          .values({
            checklist: s.checklist,
            environment: s.environment,
            role: s.role,
            digest: s.digest,
            by: s.by,
            at,
            person: s.person ?? null,
            evidence: s.evidence ?? null,
          })
          .execute();
        await append({
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
      }, s);
    },

    async loadState(checklist, environment) {
      // The rows of one state table for this checklist and environment, oldest first.
      const rowsOf = <T extends 'attestations' | 'waivers' | 'signoffs'>(table: T) =>
        db
          .selectFrom(table as 'attestations' | 'waivers' | 'signoffs')
          .selectAll()
          .where('checklist', '=', checklist)
          .where('environment', '=', environment)
          .orderBy('id')
          .execute() as Promise<Selectable<Database[T]>[]>;
      const [attestations, waivers, signoffs] = await Promise.all([
        rowsOf('attestations'),
        rowsOf('waivers'),
        rowsOf('signoffs'),
      ]);
      return {
        attestations: attestations.map((r) => ({
          checklist: r.checklist,
          environment: r.environment,
          item: r.item,
          evidence: r.evidence,
          ...(r.value !== null ? { value: r.value } : {}),
          ...(r.file_name !== null && r.file_sha256 !== null
            ? { file: { name: r.file_name, sha256: r.file_sha256 } }
            : {}),
          by: r.by,
          at: r.at,
          ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
        })),
        waivers: waivers.map(toWaiver),
        signoffs: signoffs.map((r) => ({
          checklist: r.checklist,
          environment: r.environment,
          role: r.role,
          digest: r.digest,
          by: r.by,
          at: r.at,
          ...(r.person !== null ? { person: r.person } : {}),
          ...(r.evidence !== null ? { evidence: r.evidence } : {}),
        })),
      };
    },

    async listWaivers(checklist) {
      let q = db.selectFrom('waivers').selectAll();
      if (checklist !== undefined) q = q.where('checklist', '=', checklist);
      return (await q.orderBy('id', 'desc').execute()).map(toWaiver);
    },
  };
}
