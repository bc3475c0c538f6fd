import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AuditVerification, Store, StoreObserver } from '../engine/store.js';
import type { WatchObserver } from './watch/observer.js';

/** What the service series read at scrape time: the store's outbox and pool, and the service clock. */
export interface MetricSources {
  store?: Partial<Pick<Store, 'oldestUndelivered' | 'poolUsage'>>;
  now?: () => Date;
}

/** The hooks the composition root hands the watch loop, the store and the checklist loader. */
export interface ServiceObservers {
  watch: WatchObserver;
  store: StoreObserver;
  /** A checklist was read through the parse cache: a hit, or a miss (parsed again). */
  parseCache(hit: boolean): void;
  /** The audit chain was verified (periodically, or on GET /api/v1/audit/verify). */
  auditVerified(v: AuditVerification): void;
}

/**
 * The scheduler, notification, store and cache series (docs/metrics.md). Labels stay bounded: checklist
 * ids, environments, event types, target kinds and fixed outcome sets, never item ids or URLs.
 */
export function serviceSeries(registry: Registry, sources: MetricSources): ServiceObservers {
  const registers = [registry];
  const now = sources.now ?? (() => new Date());
  const leader = new Gauge({
    name: 'gonogo_scheduler_leader',
    help: 'Whether this replica leads the scheduler (1) or not (0), by replica (lease holder).',
    labelNames: ['holder'] as const,
    registers,
  });
  const renewals = new Counter({
    name: 'gonogo_scheduler_lease_renewals_total',
    help: 'Scheduler lease acquisitions and renewals by this replica.',
    registers,
  });
  const losses = new Counter({
    name: 'gonogo_scheduler_lease_losses_total',
    help: 'Times this replica stopped leading (lease taken over, expired or not renewable).',
    registers,
  });
  const leaseErrors = new Counter({
    name: 'gonogo_scheduler_lease_errors_total',
    help: 'Lease attempts that failed with a store error.',
    registers,
  });
  const slots = new Counter({
    name: 'gonogo_scheduler_slots_total',
    help: 'Run and sample slots that came due on the leader, by what (run, sample) and outcome (run, skipped).',
    labelNames: ['what', 'outcome'] as const,
    registers,
  });
  const samples = new Counter({
    name: 'gonogo_samples_total',
    help: 'Samples of windowed checks stored (by runs and between runs), by checklist, environment and result.',
    labelNames: ['checklist', 'environment', 'result'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'gonogo_notification_deliveries_total',
    help: 'Notification deliveries ended, by event, target kind (slack, webhook) and outcome (delivered, failed).',
    labelNames: ['event', 'target_kind', 'outcome'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'gonogo_notification_retries_total',
    help: 'Delivery attempts that failed and were scheduled again, by event and target kind.',
    labelNames: ['event', 'target_kind'] as const,
    registers,
  });
  const outbox = sources.store?.oldestUndelivered?.bind(sources.store);
  new Gauge({
    name: 'gonogo_notification_oldest_undelivered_age_seconds',
    help: 'Age of the oldest notification not yet delivered (pending or retrying); 0 when none wait.',
    registers,
    async collect() {
      const at = outbox ? await outbox().catch(() => undefined) : undefined;
      this.set(at ? Math.max(0, (now().getTime() - Date.parse(at)) / 1000) : 0);
    },
  });
  const head = new Gauge({
    name: 'gonogo_audit_head_seq',
    help: 'Sequence number of the last audit event this process appended or verified.',
    registers,
  });
  const append = new Histogram({
    name: 'gonogo_audit_append_duration_seconds',
    help: 'Duration of an audited write (write lock, state row and audit event, commit).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const verifyOk = new Gauge({
    name: 'gonogo_audit_verify_ok',
    help: 'Result of the last audit chain verification: 1 intact, 0 broken.',
    registers,
  });
  const verifyAt = new Gauge({
    name: 'gonogo_audit_verify_timestamp_seconds',
    help: 'When the audit chain was last verified (Unix time).',
    registers,
  });
  const pool = sources.store?.poolUsage?.bind(sources.store);
  if (pool) {
    new Gauge({
      name: 'gonogo_store_pool_connections',
      help: 'PostgreSQL pool connections by state (in_use, idle) and requests waiting for one (waiting).',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const u = pool();
        if (!u) return;
        this.set({ state: 'in_use' }, u.total - u.idle);
        this.set({ state: 'idle' }, u.idle);
        this.set({ state: 'waiting' }, u.waiting);
      },
    });
  }
  const cache = new Counter({
    name: 'gonogo_parse_cache_total',
    help: 'Checklist reads through the parse cache, by result (hit, miss).',
    labelNames: ['result'] as const,
    registers,
  });
  // Zero series exist from the start, so rate() and absent() work before the first event.
  for (const what of ['run', 'sample'])
    for (const outcome of ['run', 'skipped']) slots.inc({ what, outcome }, 0);
  for (const result of ['hit', 'miss']) cache.inc({ result }, 0);

  return {
    watch: {
      leading(holder, leading) {
        leader.set({ holder }, leading ? 1 : 0);
      },
      lease(outcome) {
        if (outcome === 'renewed') renewals.inc();
        else if (outcome === 'lost') losses.inc();
        else leaseErrors.inc();
      },
      slot(what, outcome, count = 1) {
        slots.inc({ what, outcome }, count);
      },
      delivery(event, targetKind, outcome) {
        if (outcome === 'retrying') retries.inc({ event, target_kind: targetKind });
        else deliveries.inc({ event, target_kind: targetKind, outcome });
      },
    },
    store: {
      auditAppended(seq, seconds) {
        head.set(seq);
        append.observe(seconds);
      },
      samplesAdded(added) {
        // One increment per label set, not per sample: a tick stores hundreds of one checklist, so a
        // sample of the previous one's label set is counted there without a key of its own.
        type Count = { labels: Record<'checklist' | 'environment' | 'result', string>; n: number };
        const counts = new Map<string, Count>();
        let last: Count | undefined;
        for (const s of added) {
          const result = s.ok ? 'pass' : 'fail';
          const same = last?.labels;
          if (
            last &&
            same?.result === result &&
            same.checklist === s.checklist &&
            same.environment === s.environment
          ) {
            last.n++;
            continue;
          }
          const key = `${s.checklist}\u0000${s.environment}\u0000${result}`;
          last = counts.get(key);
          if (last) last.n++;
          else {
            last = { labels: { checklist: s.checklist, environment: s.environment, result }, n: 1 };
            counts.set(key, last);
          }
        }
        for (const { labels, n } of counts.values()) samples.inc(labels, n);
      },
    },
    parseCache(hit) {
      cache.inc({ result: hit ? 'hit' : 'miss' });
    },
    auditVerified(v) {
      verifyOk.set(v.ok ? 1 : 0);
      verifyAt.set(Date.now() / 1000);
      if (v.head) head.set(v.head.seq);
    },
  };
}
