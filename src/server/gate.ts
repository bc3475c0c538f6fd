import { dirname } from 'node:path';
import type { RunReport } from '../engine/report.js';
import type { RunResult } from '../engine/run-checklist.js';
import type { RunRecord } from '../engine/store.js';
import { ATTR, inSpan } from '../engine/tracing.js';
import type { TamperedRow } from '../model/audit.js';
import type { Checklist } from '../model/checklist.js';
import {
  type Actor,
  authorize,
  evaluateFacts,
  loadStoredFacts,
  resolveEnvironment,
  runChecks,
  StateSignal,
  type StoredEvaluation,
  type StoredFacts,
  type UseCaseContext,
} from '../usecases/index.js';
import type { CatalogEntry } from './catalog.js';
import type { ServerDeps } from './deps.js';
import type { ServerMetrics } from './metrics.js';
import { HttpProblem } from './problem.js';

export type { StoredEvaluation } from '../usecases/index.js';

/**
 * The server's concerns over the use cases: finding a loaded checklist, sharing one run in flight per
 * checklist and environment, caching preflight answers (cleared by the use cases' change signal),
 * and metrics and logs.
 */
export class Gate {
  /** The context the API, the dashboard and the watch loop run use cases in. */
  readonly useCases: UseCaseContext;
  private readonly inFlight = new Map<string, Promise<RunResult>>();
  private readonly answers = new Map<
    string,
    { until: number; finishedAt: string; answer: Promise<RunReport> }
  >();
  /** What stored evaluations read, per checklist and environment, until the next state change. */
  private readonly facts = new Map<string, { until: number; facts: Promise<StoredFacts> }>();
  private readonly cacheMs: number;

  constructor(
    private readonly deps: ServerDeps,
    private readonly metrics: ServerMetrics,
    cacheMs = 0,
    changes: StateSignal = new StateSignal(),
  ) {
    this.cacheMs = cacheMs;
    this.useCases = {
      store: deps.store,
      now: () => deps.now(),
      changes,
      ...(deps.runners ? { runners: deps.runners } : {}),
    };
    changes.subscribe((change) => {
      if (change.checklist !== undefined) this.invalidate(change.checklist);
      // Any change moves the audit head every report names: no kept read survives it.
      this.facts.clear();
    });
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

  /**
   * Evaluate from stored state (the use case), observed in the metrics. The store reads behind it are
   * shared for `preflightCacheMs` by every page and viewer asking about the same checklist and
   * environment (200 dashboards cost one read a second), and dropped at every state change this
   * server makes; the verdict itself is decided at each call, at the current time.
   */
  async evaluate(
    checklist: Checklist,
    environment: string,
    known?: { latest: RunRecord | undefined; latestTampered?: TamperedRow[] },
  ): Promise<StoredEvaluation> {
    const input = {
      checklist,
      environment,
      ...(known ? { latest: known.latest, latestTampered: known.latestTampered ?? [] } : {}),
    };
    const facts = known ? await loadStoredFacts(this.useCases, input) : await this.#facts(input);
    const stored = evaluateFacts(this.useCases, checklist, environment, facts);
    this.metrics.observeEvaluation(checklist, stored.evaluation);
    return stored;
  }

  #facts(input: { checklist: Checklist; environment: string }): Promise<StoredFacts> {
    if (this.cacheMs <= 0) return loadStoredFacts(this.useCases, input);
    const key = `${input.checklist.id}\u0000${input.environment}`;
    const kept = this.facts.get(key);
    if (kept && kept.until > Date.now()) return kept.facts;
    const facts = loadStoredFacts(this.useCases, input);
    const entry = { until: Date.now() + this.cacheMs, facts };
    if (this.facts.size >= 1000) this.facts.clear();
    this.facts.set(key, entry);
    facts.catch(() => {
      if (this.facts.get(key) === entry) this.facts.delete(key);
    });
    return facts;
  }

  /**
   * Run the checks now as `actor`. Concurrent requests for the same checklist and environment share
   * one run; a caller joining a run in flight must be allowed to run checks too.
   */
  run(checklist: Checklist, environment: string, trigger: string, actor: Actor): Promise<RunResult> {
    authorize(actor, { action: 'run' });
    const key = `${checklist.id}\u0000${environment}\u0000${checklist.digest}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = runChecks(this.useCases, actor, {
      checklist,
      environment,
      registry: this.deps.registry,
      env: this.deps.env,
      baseDir: checklist.file ? dirname(checklist.file) : process.cwd(),
      trigger,
    })
      .then((result) => {
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
   * `maxAgeMs`, else after running the checks (as `actor`). Stored answers are reused for
   * `preflightCacheMs` (a CI fleet polling the gate costs one evaluation per interval); every state
   * change announced by the use cases clears them.
   */
  preflight(
    checklist: Checklist,
    environment: string,
    maxAgeMs: number,
    trigger: string,
    actor: Actor,
  ): Promise<RunReport> {
    const attributes = { [ATTR.checklist]: checklist.id, [ATTR.environment]: environment };
    return inSpan('gonogo.preflight', attributes, async (span) => {
      const { report, ran } = await this.#preflight(checklist, environment, maxAgeMs, trigger, actor);
      span.setAttributes({ [ATTR.verdict]: report.verdict, 'gonogo.preflight.ran_checks': ran });
      return report;
    });
  }

  async #preflight(
    checklist: Checklist,
    environment: string,
    maxAgeMs: number,
    trigger: string,
    actor: Actor,
  ): Promise<{ report: RunReport; ran: boolean }> {
    const key = `${checklist.id}\u0000${environment}\u0000${checklist.digest}`;
    const fresh = (finishedAt: string) => this.deps.now().getTime() - Date.parse(finishedAt) <= maxAgeMs;
    const cached = this.answers.get(key);
    if (cached && cached.until > Date.now() && fresh(cached.finishedAt))
      return { report: await cached.answer, ran: false };

    const { run: latest, tampered } = await this.deps.store.checkedLatestRun(checklist.id, environment);
    if (latest && latest.digest === checklist.digest && fresh(latest.finishedAt)) {
      const answer = this.evaluate(checklist, environment, { latest, latestTampered: tampered }).then(
        (r) => r.report,
      );
      if (this.cacheMs > 0) {
        // Concurrent callers share the evaluation in flight as well as its result.
        const entry = { until: Date.now() + this.cacheMs, finishedAt: latest.finishedAt, answer };
        this.answers.set(key, entry);
        answer.catch(() => {
          if (this.answers.get(key) === entry) this.answers.delete(key);
        });
      }
      return { report: await answer, ran: false };
    }
    return { report: (await this.run(checklist, environment, trigger, actor)).report, ran: true };
  }

  /** Forget stored answers of a checklist (subscribed to the use cases' change signal). */
  invalidate(checklistId: string): void {
    for (const key of this.answers.keys())
      if (key.startsWith(`${checklistId}\u0000`)) this.answers.delete(key);
  }
}
