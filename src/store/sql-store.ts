import type { Store, StoreObserver } from '../engine/store.js';
import type { StoreAdapter } from './adapter.js';
import { createAuditStore } from './audit-store.js';
import { createRunsStore } from './runs-store.js';
import { createSamplesStore } from './samples-store.js';
import { createStateStore } from './state-store.js';
import { createTokensStore } from './tokens-store.js';
import { VouchMemo } from './vouch-memo.js';
import { createWatchStore } from './watch-store.js';
import { type StoreContext, WritePath } from './write-path.js';

/**
 * The one SQL implementation of the Store port, over Kysely: one object per aggregate, all writing
 * through one WritePath (every state change and its audit event in one transaction, under the write
 * lock). Dialect differences come from the adapter.
 */
export function createSqlStore(adapter: StoreAdapter, opts: { now?: () => Date } = {}): Store {
  const now = opts.now ?? (() => new Date());
  const observer: StoreObserver = {};
  const ctx: StoreContext = {
    adapter,
    db: adapter.db,
    writes: new WritePath(adapter, now, observer),
    now,
    memo: new VouchMemo(),
  };
  const samples = createSamplesStore(ctx);
  return {
    ...createRunsStore(ctx),
    ...samples,
    ...createStateStore(ctx),
    ...createAuditStore(ctx),
    ...createTokensStore(ctx),
    ...createWatchStore(ctx),
    async addSamples(added) {
      await samples.addSamples(added);
      if (added.length > 0) observer.samplesAdded?.(added);
    },
    observe(o) {
      // One mutable holder, read at each write: the observer can be attached after the store opened.
      observer.auditAppended = o.auditAppended;
      observer.samplesAdded = o.samplesAdded;
    },
    poolUsage: () => adapter.poolUsage?.(),
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
