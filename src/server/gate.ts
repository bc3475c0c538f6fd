import { dirname } from 'node:path';
import type { RunReport } from '../engine/report.js';
import type { RunResult } from '../engine/run-checklist.js';
import type { RunRecord } from '../engine/store.js';
import { ATTR, inSpan } from '../engine/tracing.js';
import type { TamperedRow } from '../model/audit.js';
import type { Checklist } from '../model/checklist.js';
import { isoTime } from '../model/iso-time.js';
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
import { type KeptEntry, KeptPromises } from './kept-promises.js';
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
  /**
   * What stored evaluations read, per checklist and environment, until the next state change (or
   * `preflightCacheMs` of wall time, for changes made by other processes), with the preflight answer
   * made from it while no expiry has passed.
   */
  private readonly facts: KeptPromises<StoredFacts, KeptFacts>;
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
    // Any change moves the audit head every report names: no kept read or answer survives it.
    this.facts = new KeptPromises({ max: 1000, changes });
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
    const facts = known
      ? await loadStoredFacts(this.useCases, {
          checklist,
          environment,
          latest: known.latest,
          latestTampered: known.latestTampered ?? [],
        })
      : await this.#kept(checklist, environment).value;
    const stored = evaluateFacts(this.useCases, checklist, environment, facts);
    this.metrics.observeEvaluation(checklist, stored.evaluation);
    return stored;
  }

  /**
   * The stored verdict as the preflight API sends it (what `evaluate` would answer, as JSON). The
   * answer is made once per read of the store and kept until the earliest instant at which the verdict
   * could change with time (`StoredEvaluation.until`: an expiry, a due date, the launch); only its
   * `at` is the time of each call. Concurrent first callers share one read and one evaluation. Once
   * the kept read has arrived the answer is given at once, not as a promise.
   */
  storedAnswer(checklist: Checklist, environment: string): PreflightAnswer | Promise<PreflightAnswer> {
    const kept = this.#kept(checklist, environment);
    if (kept.facts) return this.#answerFrom(kept, kept.facts, checklist, environment).answer;
    return this.#answer(checklist, environment).then((a) => a.answer);
  }

  /** The kept reads of this checklist and environment, made now when there are none (single flight). */
  #kept(checklist: Checklist, environment: string): KeptFacts {
    const input = { checklist, environment };
    if (this.cacheMs <= 0)
      return { until: 0, digest: checklist.digest, value: loadStoredFacts(this.useCases, input) };
    return this.facts.get(
      `${checklist.id}\u0000${environment}`,
      // A reload of the checklist file (a new digest) is evaluated against the new items at once.
      (kept) => kept.until > Date.now() && kept.digest === checklist.digest,
      () => {
        const entry: KeptFacts = {
          until: Date.now() + this.cacheMs,
          digest: checklist.digest,
          value: loadStoredFacts(this.useCases, input),
        };
        // Noted when it arrives, for the answers given without waiting (a failed read is not kept).
        entry.value.then(
          (facts) => {
            entry.facts = facts;
          },
          () => {},
        );
        return entry;
      },
    );
  }

  /** The kept answer of this checklist and environment, evaluated again once its `until` has passed. */
  async #answer(
    checklist: Checklist,
    environment: string,
  ): Promise<{ answer: PreflightAnswer; latest: RunRecord | undefined }> {
    const kept = this.#kept(checklist, environment);
    return this.#answerFrom(kept, await kept.value, checklist, environment);
  }

  /** The answer of kept reads at the current time (evaluated again once its `until` has passed). */
  #answerFrom(
    kept: KeptFacts,
    facts: StoredFacts,
    checklist: Checklist,
    environment: string,
  ): { answer: PreflightAnswer; latest: RunRecord | undefined } {
    const now = this.deps.now();
    let made = kept.answer;
    if (!made || made.until <= now.getTime()) {
      const stored = evaluateFacts({ ...this.useCases, now: () => now }, checklist, environment, facts);
      this.metrics.observeEvaluation(checklist, stored.evaluation);
      const { verdict, head, tail } = splitReport(stored.report);
      made = {
        until: stored.until,
        latest: stored.latest,
        verdict,
        head: Buffer.from(head),
        tail: Buffer.from(tail),
      };
      kept.answer = made;
    }
    return { answer: { verdict: made.verdict, body: spliceAt(made, now) }, latest: made.latest };
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
   * `maxAgeMs`, else after running the checks (as `actor`). The stored answer is `storedAnswer`'s (kept
   * per read of the store until the next state change or expiry); concurrent callers share it.
   */
  preflight(
    checklist: Checklist,
    environment: string,
    maxAgeMs: number,
    trigger: string,
    actor: Actor,
  ): Promise<PreflightAnswer> {
    const attributes = { [ATTR.checklist]: checklist.id, [ATTR.environment]: environment };
    return inSpan('gonogo.preflight', attributes, async (span) => {
      const { answer, ran } = await this.#preflight(checklist, environment, maxAgeMs, trigger, actor);
      span.setAttributes({ [ATTR.verdict]: answer.verdict, 'gonogo.preflight.ran_checks': ran });
      return answer;
    });
  }

  async #preflight(
    checklist: Checklist,
    environment: string,
    maxAgeMs: number,
    trigger: string,
    actor: Actor,
  ): Promise<{ answer: PreflightAnswer; ran: boolean }> {
    const { answer, latest } = await this.#answer(checklist, environment);
    const fresh = (finishedAt: string) => this.deps.now().getTime() - Date.parse(finishedAt) <= maxAgeMs;
    if (latest && latest.digest === checklist.digest && fresh(latest.finishedAt))
      return { answer, ran: false };
    const { report } = await this.run(checklist, environment, trigger, actor);
    return { answer: { verdict: report.verdict, body: Buffer.from(JSON.stringify(report)) }, ran: true };
  }
}

/** A preflight answer: its verdict and the report as the API sends it (JSON, UTF-8). */
export interface PreflightAnswer {
  verdict: RunReport['verdict'];
  body: Uint8Array<ArrayBuffer>;
}

/** Store reads kept for evaluations, and the answer made from them while it holds. */
interface KeptFacts extends KeptEntry<StoredFacts> {
  /** Wall-clock end of the reads' reuse (changes by other processes show within this). */
  until: number;
  digest: string;
  /** The reads, once they have arrived. */
  facts?: StoredFacts;
  answer?: {
    until: number;
    verdict: RunReport['verdict'];
    latest: RunRecord | undefined;
    /** The report's JSON before and after its `at`, as UTF-8 (see `splitReport`). */
    head: Buffer;
    tail: Buffer;
  };
}

/**
 * The kept report's bytes with `at` = `now`: the JSON `splitReport` cut, joined in one buffer (the
 * timestamp is ASCII). Bytes rather than a string: a string body costs a flattening of the joined
 * string (two-byte as soon as the report holds one character outside Latin-1), its UTF-8 length and
 * its UTF-8 encoding, per response.
 */
function spliceAt(made: { head: Buffer; tail: Buffer }, now: Date): Buffer<ArrayBuffer> {
  const at = JSON.stringify(isoTime(now));
  const { head, tail } = made;
  const body = Buffer.allocUnsafe(head.length + at.length + tail.length);
  head.copy(body, 0);
  body.write(at, head.length, 'latin1');
  tail.copy(body, head.length + at.length);
  return body;
}

/**
 * A report's JSON cut around its `at` (the fourth key): `head + JSON.stringify(at) + tail` is exactly
 * `JSON.stringify(report)` with that `at`.
 */
export function splitReport(report: RunReport): {
  verdict: RunReport['verdict'];
  head: string;
  tail: string;
} {
  const { verdict, environment, checklist, at: _at, ...rest } = report;
  const head = `${JSON.stringify({ verdict, environment, checklist }).slice(0, -1)},"at":`;
  return { verdict, head, tail: `,${JSON.stringify(rest).slice(1)}` };
}
