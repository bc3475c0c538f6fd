import type { Selectable } from 'kysely';
import type { TokenRecord, TokenRole, TokensStore } from '../engine/store.js';
import { iso } from './rows.js';
import type { Database } from './schema.js';
import type { StoreContext } from './write-path.js';

function toToken(row: Selectable<Database['tokens']>): TokenRecord {
  return {
    id: Number(row.id),
    name: row.name,
    role: row.role as TokenRole,
    signoffRoles: JSON.parse(row.signoff_roles) as string[],
    createdAt: row.created_at,
    ...(row.person !== null ? { person: row.person } : {}),
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
    ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
    ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.labels !== null && row.labels !== undefined
      ? { labels: JSON.parse(row.labels) as string[] }
      : {}),
  };
}

/** A token's last use is written at most this often: it is a hint for admins, not a log. */
const TOUCH_EVERY_MS = 60_000;

/** API tokens by hash; each created and revoked with its audit event (which never holds the hash). */
export function createTokensStore({ db, writes, now }: StoreContext): TokensStore {
  return {
    async createToken(t, actor) {
      const at = iso(t.at ?? now().toISOString(), 'at');
      const expiresAt = t.expiresAt !== undefined ? iso(t.expiresAt, 'expiresAt') : null;
      return writes.audited(
        async (trx, append) => {
          const row = await trx
            .insertInto('tokens')
            .values({
              name: t.name,
              role: t.role,
              signoff_roles: JSON.stringify(t.signoffRoles),
              hash: t.hash,
              created_at: at,
              person: t.person ?? null,
              expires_at: expiresAt,
              labels: t.labels !== undefined ? JSON.stringify(t.labels) : null,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          // Never the token nor its hash: the log is readable by viewers.
          await append({
            type: 'token.created',
            actor,
            at,
            data: {
              id: Number(row.id),
              name: t.name,
              role: t.role,
              signoffRoles: t.signoffRoles,
              ...(t.person !== undefined ? { person: t.person } : {}),
              ...(expiresAt !== null ? { expiresAt } : {}),
              ...(t.labels !== undefined ? { labels: t.labels } : {}),
            },
          });
          return {
            id: Number(row.id),
            name: t.name,
            role: t.role,
            signoffRoles: t.signoffRoles,
            createdAt: at,
            ...(t.person !== undefined ? { person: t.person } : {}),
            ...(expiresAt !== null ? { expiresAt } : {}),
            ...(t.labels !== undefined ? { labels: t.labels } : {}),
          };
        },
        { name: t.name, role: t.role, signoffRoles: t.signoffRoles, person: t.person },
      );
    },

    async findToken(hash) {
      const row = await db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },

    async listTokens() {
      return (await db.selectFrom('tokens').selectAll().orderBy('id').execute()).map(toToken);
    },

    async revokeToken(id, when, actor) {
      const at = iso(when, 'at');
      return writes.audited(async (trx, append) => {
        const row = await trx.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return undefined;
        // Revoking twice keeps the first time: the log says when it stopped working.
        if (row.revoked_at !== null) return toToken(row);
        await trx.updateTable('tokens').set({ revoked_at: at }).where('id', '=', id).execute();
        await append({ type: 'token.revoked', actor, at, data: { id, name: row.name } });
        return toToken({ ...row, revoked_at: at });
      });
    },

    async touchToken(id, when) {
      const at = iso(when, 'at');
      const before = new Date(Date.parse(at) - TOUCH_EVERY_MS).toISOString();
      await writes.statement((d) =>
        d
          .updateTable('tokens')
          .set({ last_used_at: at })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', before)]))
          .execute(),
      );
    },
  };
}
