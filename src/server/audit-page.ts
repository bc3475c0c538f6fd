import type { AuditEvent, Store } from '../engine/store.js';

/**
 * Newest-first pages of the audit log over the store's oldest-first `listAudit({after})`: the head is
 * found by galloping then bisecting on `after` (each probe is one indexed query), then one page is read.
 */
export async function latestAudit(
  store: Store,
  page: { before?: number; limit: number },
): Promise<AuditEvent[]> {
  const end = page.before !== undefined ? page.before - 1 : await headSeq(store);
  if (end <= 0) return [];
  const from = Math.max(0, end - page.limit);
  const events = await store.listAudit({ after: from, limit: page.limit });
  return events.filter((e) => e.seq <= end).reverse();
}

async function headSeq(store: Store): Promise<number> {
  const first = await store.listAudit({ after: 0, limit: 1 });
  if (first.length === 0) return 0;
  // Invariant: an event exists after `lo`'s predecessor, none after `hi`.
  let lo = first[0]!.seq;
  let step = 1024;
  let hi = lo + step;
  while ((await store.listAudit({ after: hi, limit: 1 })).length > 0) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const probe = await store.listAudit({ after: mid, limit: 1 });
    if (probe.length > 0) lo = Math.max(mid, probe[0]!.seq);
    else hi = mid;
  }
  const last = await store.listAudit({ after: lo - 1, limit: 2 });
  return last.length > 0 ? last[last.length - 1]!.seq : lo;
}
