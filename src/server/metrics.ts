import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RunResult } from '../engine/run-checklist.js';
import type { Checklist } from '../model/checklist.js';
import { ITEM_STATUSES } from '../model/status.js';
import type { Evaluation } from '../model/verdict.js';
import { type MetricSources, type ServiceObservers, serviceSeries } from './metrics-service.js';

export type { MetricSources, ServiceObservers } from './metrics-service.js';

/** The server's Prometheus metrics, in a registry of its own (no process-wide singleton). */
export interface ServerMetrics extends ServiceObservers {
  registry: Registry;
  /** Record a finished run: run counter, check durations, and the evaluation gauges. */
  observeRun(checklist: Checklist, result: RunResult): void;
  /** Update gauges from an evaluation (runs, preflights answered from stored state). */
  observeEvaluation(checklist: Checklist, evaluation: Evaluation): void;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Prometheus text exposition. */
  render(): Promise<{ body: string; contentType: string }>;
}

/**
 * Create the metrics of one server instance: Node and process metrics (prom-client's defaults) and
 * gonogo's series (docs/metrics.md). `sources` feed the gauges read at scrape time.
 */
export function createMetrics(sources: MetricSources = {}): ServerMetrics {
  const registry = new Registry();
  // The event-loop delay histogram samples every 50 ms instead of prom-client's 10 ms: its timer woke the
  // process ~100 times a second, ~3 ms of CPU a second on an idle server (about a tenth of the scheduler's
  // cost per check at 10,000 checks/min). Each sample still measures the whole delay, in nanoseconds.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 50 });
  // Gauges named like counters, which `promtool check metrics` rejects; nodejs_active_{handles,requests,
  // resources}{type} carry the same counts per type.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ])
    registry.removeSingleMetric(name);
  const service = serviceSeries(registry, sources);
  const runs = new Counter({
    name: 'gonogo_runs_total',
    help: 'Checklist runs completed, by checklist, environment, verdict and trigger (cli, api, scheduler).',
    labelNames: ['checklist', 'environment', 'verdict', 'trigger'] as const,
    registers: [registry],
  });
  const checkDuration = new Histogram({
    name: 'gonogo_check_duration_seconds',
    help: 'Duration of one check, by kind and outcome status.',
    labelNames: ['kind', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const items = new Gauge({
    name: 'gonogo_items',
    help: 'Items by status in the latest evaluation of each checklist and environment.',
    labelNames: ['checklist', 'environment', 'status'] as const,
    registers: [registry],
  });
  const verdict = new Gauge({
    name: 'gonogo_verdict',
    help: 'Latest verdict per checklist and environment: 1 = GO, 0 = NO-GO.',
    labelNames: ['checklist', 'environment'] as const,
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'gonogo_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'gonogo_http_request_duration_seconds',
    help: 'HTTP request duration, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });

  const windows = new Gauge({
    name: 'gonogo_windows',
    help: 'Windowed checks (hold + every) by state (the item status) in the latest evaluation of each checklist and environment.',
    labelNames: ['checklist', 'environment', 'state'] as const,
    registers: [registry],
  });

  const observeEvaluation = (checklist: Checklist, evaluation: Evaluation) => {
    const environment = evaluation.environment;
    const id = checklist.id;
    for (const status of ITEM_STATUSES) {
      items.set({ checklist: id, environment, status }, evaluation.summary[status]);
    }
    verdict.set({ checklist: id, environment }, evaluation.verdict === 'GO' ? 1 : 0);
    const windowed = new Set(checklist.items.filter((i) => i.check?.window).map((i) => i.id));
    if (windowed.size === 0) return;
    const counts = new Map<string, number>(ITEM_STATUSES.map((s) => [s, 0]));
    for (const i of evaluation.items)
      if (windowed.has(i.id)) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
    for (const [state, n] of counts) windows.set({ checklist: id, environment, state }, n);
  };

  return {
    ...service,
    registry,
    observeRun(checklist, result) {
      const trigger = result.run.trigger.split(':')[0] ?? result.run.trigger;
      runs.inc({
        checklist: checklist.id,
        environment: result.run.environment,
        verdict: result.run.verdict,
        trigger,
      });
      const kinds = new Map(checklist.items.map((i) => [i.id, i.check?.kind ?? 'manual']));
      for (const o of result.run.outcomes) {
        if (o.durationMs === undefined) continue;
        checkDuration.observe(
          { kind: kinds.get(o.item) ?? 'unknown', status: o.status },
          o.durationMs / 1000,
        );
      }
      observeEvaluation(checklist, result.evaluation);
    },
    observeEvaluation,
    observeRequest(method, route, status, seconds) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
