import type { Store } from '../engine/store.js';
import type { StoreAdapter } from './adapter.js';
import { createAuditStore } from './audit-store.js';
import { createRunsStore } from './runs-store.js';
import { createStateStore } from './state-store.js';
import { createTokensStore } from './tokens-store.js';
import { createWatchStore } from './watch-store.js';
import { type StoreContext, WritePath } from './write-path.js';

/**
 * The one SQL implementation of the Store port, over Kysely: one object per aggregate, all writing
 * through one WritePath (every state change and its audit event in one transaction, under the write
 * lock). Dialect differences come from the adapter.
 */
export function createSqlStore(adapter: StoreAdapter, opts: { now?: () => Date } = {}): Store {
  const now = opts.now ?? (() => new Date());
  const ctx: StoreContext = { adapter, db: adapter.db, writes: new WritePath(adapter, now), now };
  return {
    ...createRunsStore(ctx),
    ...createStateStore(ctx),
    ...createAuditStore(ctx),
    ...createTokensStore(ctx),
    ...createWatchStore(ctx),
    async ping() {
      try {
        await adapter.db.selectFrom('audit_head').select('id').limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await adapter.db.destroy();
    },
  };
}
