import { describe, expect, it } from 'vitest';
import { perTest, storeBackends } from '../store/test-support/backends.js';
import { createMetrics } from './metrics.js';

/**
 * The store's series, over both real backends: the audit head and append duration follow audited
 * writes, samples are counted by result, the outbox age reads the store at scrape time, and the pool
 * gauge exists on PostgreSQL only.
 */

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

// `%s` (unquoted), so the names read as before: `store series on sqlite`.
const backends = (await storeBackends()).map((b) => [b.name, b] as const);

describe.each(backends)('store series on %s', (name, { available, make }) => {
  const fresh = perTest(make);
  const hasPool = name === 'postgres';

  it.skipIf(!available)(
    'follow audited writes, samples and the outbox',
    async () => {
      const { store } = await fresh.store('metrics');
      const now = new Date('2026-11-20T09:00:00Z');
      const metrics = createMetrics({ store, now: () => now });
      store.observe?.(metrics.store);

      await store.appendAudit({ type: 'test.one', actor: 'test', data: {} });
      await store.appendAudit({ type: 'test.two', actor: 'test', data: {} });
      await store.addSamples([
        { checklist: 'c', environment: 'prod', item: 'a/b', at: now.toISOString(), ok: true },
        { checklist: 'c', environment: 'prod', item: 'a/b', at: now.toISOString(), ok: false },
        { checklist: 'c', environment: 'prod', item: 'a/c', at: now.toISOString(), ok: true },
        // Label sets interleaved: each is counted whole.
        { checklist: 'd', environment: 'prod', item: 'a/d', at: now.toISOString(), ok: true },
        { checklist: 'c', environment: 'prod', item: 'a/e', at: now.toISOString(), ok: true },
      ]);
      await store.commitWatchState(
        'notify/c/prod',
        '{}',
        0,
        [
          {
            eventId: 'e1',
            event: 'verdict.changed',
            checklist: 'c',
            environment: 'prod',
            target: 'webhook:0123456789abcdef',
            targetLabel: 'webhook example.com',
            payload: '{}',
            at: new Date(now.getTime() - 90_000).toISOString(),
          },
        ],
        now,
      );
      metrics.auditVerified(await store.verifyAudit());

      const { body } = await metrics.render();
      expect(value(body, 'gonogo_audit_head_seq')).toBe(2);
      expect(value(body, 'gonogo_audit_append_duration_seconds_count')).toBe(2);
      expect(value(body, 'gonogo_audit_verify_ok')).toBe(1);
      expect(value(body, 'gonogo_samples_total{checklist="c",environment="prod",result="pass"}')).toBe(3);
      expect(value(body, 'gonogo_samples_total{checklist="d",environment="prod",result="pass"}')).toBe(1);
      expect(value(body, 'gonogo_samples_total{checklist="c",environment="prod",result="fail"}')).toBe(1);
      expect(value(body, 'gonogo_notification_oldest_undelivered_age_seconds')).toBe(90);
      expect(value(body, 'gonogo_store_pool_connections{state="idle"}') !== undefined).toBe(hasPool);
      // Item ids are never labels.
      expect(body).not.toContain('a/b');
    },
    30_000,
  );
});

describe('the watch observer', () => {
  it('counts lease outcomes, slots and deliveries with bounded labels', async () => {
    const metrics = createMetrics();
    const w = metrics.watch;
    w.leading?.('host:1:abc', true);
    w.lease?.('renewed');
    w.lease?.('renewed');
    w.lease?.('lost');
    w.leading?.('host:1:abc', false);
    w.slot?.('run', 'run');
    w.slot?.('sample', 'skipped');
    w.delivery?.('verdict.changed', 'webhook', 'retrying');
    w.delivery?.('verdict.changed', 'webhook', 'delivered');
    w.delivery?.('item.failing', 'slack', 'failed');
    metrics.parseCache(true);
    metrics.parseCache(false);
    metrics.parseCache(false);
    const { body } = await metrics.render();
    const table: [string, number][] = [
      ['gonogo_scheduler_leader{holder="host:1:abc"}', 0],
      ['gonogo_scheduler_lease_renewals_total', 2],
      ['gonogo_scheduler_lease_losses_total', 1],
      ['gonogo_scheduler_slots_total{what="run",outcome="run"}', 1],
      ['gonogo_scheduler_slots_total{what="sample",outcome="skipped"}', 1],
      ['gonogo_scheduler_slots_total{what="sample",outcome="run"}', 0],
      ['gonogo_notification_retries_total{event="verdict.changed",target_kind="webhook"}', 1],
      [
        'gonogo_notification_deliveries_total{event="verdict.changed",target_kind="webhook",outcome="delivered"}',
        1,
      ],
      ['gonogo_notification_deliveries_total{event="item.failing",target_kind="slack",outcome="failed"}', 1],
      ['gonogo_parse_cache_total{result="hit"}', 1],
      ['gonogo_parse_cache_total{result="miss"}', 2],
    ];
    for (const [series, expected] of table) expect([series, value(body, series)]).toEqual([series, expected]);
    expect(body).toContain('process_cpu_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });
});
