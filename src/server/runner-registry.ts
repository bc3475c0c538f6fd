import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The runners this server has heard from, for the dashboard's Runners page and `/metrics`: each runner
 * (token and the name it gives) with its labels, version, last request and jobs done or failed. Kept in
 * memory: with several replicas each lists the runners that reached it.
 */

/** One runner as the Runners page shows it. */
export interface RunnerView {
  name: string;
  token: string;
  labels: string[];
  version: string;
  lastSeen: string;
  done: number;
  failed: number;
}

/** Outcomes of a runner job as `/metrics` counts them (bounded: label × outcome). */
export type RunnerJobOutcome = 'claimed' | 'done' | 'failed' | 'late';

/** At most this many runners are remembered (the oldest seen is forgotten first). */
const MAX_RUNNERS = 1000;

export class RunnerRegistry {
  private readonly runners = new Map<string, RunnerView>();
  private readonly jobs: Counter<'label' | 'outcome'> | undefined;

  constructor(
    private readonly now: () => Date,
    metrics?: Registry,
  ) {
    if (!metrics) return;
    this.jobs = new Counter({
      name: 'gonogo_runner_jobs_total',
      help: 'Runner jobs by runner label and outcome: claimed, done (observed), failed (the runner could not observe), late (answered after the job left the runner).',
      labelNames: ['label', 'outcome'] as const,
      registers: [metrics],
    });
    const runners = this.runners;
    new Gauge({
      name: 'gonogo_runners',
      help: 'Runners heard from in the last 5 minutes, by label.',
      labelNames: ['label'] as const,
      registers: [metrics],
      collect() {
        this.reset();
        const since = Date.now() - 300_000;
        const counts = new Map<string, number>();
        for (const r of runners.values()) {
          if (Date.parse(r.lastSeen) < since) continue;
          for (const l of r.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
        }
        for (const [label, n] of counts) this.set({ label }, n);
      },
    });
  }

  /** Note a request from a runner; returns its key. */
  seen(token: string, name: string, version: string, labels: readonly string[]): string {
    const key = `${token}\u0000${name}`;
    const known = this.runners.get(key);
    if (known) this.runners.delete(key);
    else if (this.runners.size >= MAX_RUNNERS) this.runners.delete(this.runners.keys().next().value!);
    this.runners.set(key, {
      name,
      token,
      labels: [...new Set([...(known?.labels ?? []), ...labels])].sort(),
      version,
      lastSeen: this.now().toISOString(),
      done: known?.done ?? 0,
      failed: known?.failed ?? 0,
    });
    return key;
  }

  /** Count a job outcome for a runner (when known) and its label. */
  count(key: string | undefined, label: string, outcome: RunnerJobOutcome, n = 1): void {
    if (n <= 0) return;
    this.jobs?.inc({ label, outcome }, n);
    const r = key === undefined ? undefined : this.runners.get(key);
    if (!r) return;
    if (outcome === 'done') r.done += n;
    if (outcome === 'failed') r.failed += n;
  }

  /** Every runner, most recently seen first. */
  list(): RunnerView[] {
    return [...this.runners.values()].reverse();
  }
}
