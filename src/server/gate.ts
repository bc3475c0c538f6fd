import { dirname } from 'node:path';
import { resolveEnvironment } from '../engine/actions.js';
import { type RunReport, toRunReport } from '../engine/report.js';
import { type RunResult, runChecklist } from '../engine/run-checklist.js';
import type { RunRecord } from '../engine/store.js';
import type { Checklist } from '../model/checklist.js';
import type { CheckOutcome } from '../model/state.js';
import { decide, type Evaluation } from '../model/verdict.js';
import type { CatalogEntry } from './catalog.js';
import type { ServerDeps } from './deps.js';
import type { ServerMetrics } from './metrics.js';
import { HttpProblem } from './problem.js';

/** The stored verdict of a checklist for one environment, without running anything. */
export interface StoredEvaluation {
  evaluation: Evaluation;
  report: RunReport;
  latest: RunRecord | undefined;
}

/**
 * The use cases the API and the dashboard share: find a checklist, evaluate it from stored state, run
 * it (one run at a time per checklist and environment), and preflight.
 */
export class Gate {
  private readonly inFlight = new Map<string, Promise<RunResult>>();
  private readonly answers = new Map<
    string,
    { until: number; finishedAt: string; answer: Promise<RunReport> }
  >();
  private readonly cacheMs: number;

  constructor(
    private readonly deps: ServerDeps,
    private readonly metrics: ServerMetrics,
    cacheMs = 0,
  ) {
    this.cacheMs = cacheMs;
  }

  /** The loaded checklist with this id; 404 when unknown, 409 when its file does not load. */
  checklist(id: string): { entry: CatalogEntry; checklist: Checklist } {
    const entry = this.deps.catalog.get(id);
    if (!entry) {
      const known = this.deps.catalog
        .list()
        .map((e) => e.id)
        .join(', ');
      throw new HttpProblem(404, `no checklist "${id}"; known: ${known || '(none)'}`, 'id');
    }
    if (!entry.checklist) {
      throw new HttpProblem(
        409,
        `checklist ${id} (${entry.file}) does not load: ${entry.error ?? 'unknown error'}`,
        'id',
      );
    }
    return { entry, checklist: entry.checklist };
  }

  /** The environment to use (404 naming the known ones when unknown). */
  environment(checklist: Checklist, env: string | undefined): string {
    return resolveEnvironment(checklist, env);
  }

  /** Evaluate from the latest stored run and the stored attestations, waivers and sign-offs. */
  async evaluate(
    checklist: Checklist,
    environment: string,
    known?: { latest: RunRecord | undefined },
  ): Promise<StoredEvaluation> {
    const { store } = this.deps;
    const [latest, state] = await Promise.all([
      known ? known.latest : store.latestRun(checklist.id, environment),
      store.loadState(checklist.id, environment),
    ]);
    const outcomes = new Map<string, CheckOutcome>((latest?.outcomes ?? []).map((o) => [o.item, o]));
    const now = this.deps.now();
    const evaluation = decide({ checklist, environment, outcomes, ...state, now });
    this.metrics.observeEvaluation(checklist.id, evaluation);
    const report = toRunReport(checklist, evaluation, {
      at: now,
      ...(latest?.id !== undefined ? { run: latest.id } : {}),
    });
    return { evaluation, report, latest };
  }

  /** Run the checks now. Concurrent requests for the same checklist and environment share one run. */
  run(checklist: Checklist, environment: string, trigger: string): Promise<RunResult> {
    const key = `${checklist.id}\u0000${environment}\u0000${checklist.digest}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = runChecklist({
      checklist,
      environment,
      registry: this.deps.registry,
      store: this.deps.store,
      now: () => this.deps.now(),
      env: this.deps.env,
      baseDir: checklist.file ? dirname(checklist.file) : process.cwd(),
      trigger,
    })
      .then((result) => {
        this.invalidate(checklist.id);
        this.metrics.observeRun(checklist, result);
        this.deps.logger.info('run completed', {
          checklist: checklist.id,
          environment,
          verdict: result.run.verdict,
          trigger,
          run: result.run.id,
        });
        return result;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /**
   * The preflight verdict: from stored state when the latest run of this digest finished within
   * `maxAgeMs`, else after running the checks. Stored answers are reused for `preflightCacheMs` (a
   * CI fleet polling the gate costs one evaluation per interval); this server's own writes clear them.
   */
  async preflight(
    checklist: Checklist,
    environment: string,
    maxAgeMs: number,
    trigger: string,
  ): Promise<RunReport> {
    const key = `${checklist.id}\u0000${environment}\u0000${checklist.digest}`;
    const fresh = (finishedAt: string) => this.deps.now().getTime() - Date.parse(finishedAt) <= maxAgeMs;
    const cached = this.answers.get(key);
    if (cached && cached.until > Date.now() && fresh(cached.finishedAt)) return cached.answer;

    const latest = await this.deps.store.latestRun(checklist.id, environment);
    if (latest && latest.digest === checklist.digest && fresh(latest.finishedAt)) {
      const answer = this.evaluate(checklist, environment, { latest }).then((r) => r.report);
      if (this.cacheMs > 0) {
        // Concurrent callers share the evaluation in flight as well as its result.
        const entry = { until: Date.now() + this.cacheMs, finishedAt: latest.finishedAt, answer };
        this.answers.set(key, entry);
        answer.catch(() => {
          if (this.answers.get(key) === entry) this.answers.delete(key);
        });
      }
      return answer;
    }
    return (await this.run(checklist, environment, trigger)).report;
  }

  /** Forget stored answers of a checklist after a state change made through this server. */
  invalidate(checklistId: string): void {
    for (const key of this.answers.keys())
      if (key.startsWith(`${checklistId}\u0000`)) this.answers.delete(key);
  }
}
