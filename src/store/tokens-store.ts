import type { TokenRole, TokensStore } from '../engine/store.js';
import { iso } from './rows.js';
import type { StoreContext } from './write-path.js';

/** API tokens by hash; each created with its `token.created` event (which never holds the hash). */
export function createTokensStore({ db, writes, now }: StoreContext): TokensStore {
  return {
    async createToken(t, actor) {
      const at = iso(t.at ?? now().toISOString(), 'at');
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
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          // Never the token nor its hash: the log is readable by viewers.
          await append({
            type: 'token.created',
            actor,
            at,
            data: { id: Number(row.id), name: t.name, role: t.role, signoffRoles: t.signoffRoles },
          });
          return {
            id: Number(row.id),
            name: t.name,
            role: t.role,
            signoffRoles: t.signoffRoles,
            createdAt: at,
          };
        },
        { name: t.name, role: t.role, signoffRoles: t.signoffRoles },
      );
    },

    async findToken(hash) {
      const row = await db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: Number(row.id),
        name: row.name,
        role: row.role as TokenRole,
        signoffRoles: JSON.parse(row.signoff_roles) as string[],
        createdAt: row.created_at,
      };
    },
  };
}
