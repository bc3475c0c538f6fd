import type { Attributes } from '@opentelemetry/api';
import { type Checklist, type CheckSpec, dropCheckSpec, type Item } from '../model/checklist.js';
import { ConfigError } from '../model/errors.js';
import type { CheckOutcome } from '../model/state.js';
import { decide, type Evaluation } from '../model/verdict.js';
import type { KindRegistry } from './check.js';
import { executeChecks, pause } from './execute.js';
import { type PreparedCheck, prepareCheck, prepareMemo } from './prepare.js';
import { type RunReport, toRunReport } from './report.js';
import type { RunnerDispatch } from './runners.js';
import type { RunRecord, Sample, Store } from './store.js';
import { ATTR, endCheckSpan, inSpan } from './tracing.js';
import { judgeWindow, type WindowSpec } from './windows.js';

/** Progress of a run, for the CLI's live line and the server's metrics. */
export interface RunProgress {
  done: number;
  total: number;
  item: string;
  status: string;
}

/** The part of the Store a run uses (any full Store will do). */
export type RunStore = Pick<Store, 'saveRun' | 'addSamples' | 'listWindowSamples' | 'loadState'>;

export interface RunOptions {
  checklist: Checklist;
  environment: string;
  registry: KindRegistry;
  store: RunStore;
  now: () => Date;
  /** Process environment: `${NAME}` expansion (after the environment block) and the `env` kind. */
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in checks resolve from here (the checklist's directory). */
  baseDir: string;
  /** `cli`, `api:<token>`, `scheduler`. */
  trigger: string;
  concurrency?: number;
  perHost?: number;
  onProgress?(p: RunProgress): void;
  /** Called once, when every check is prepared and before the first starts, with how many will run. */
  onChecksStart?(checks: number): void;
  signal?: AbortSignal;
  /** Keep sampling windowed checks until every window is decided (`gonogo run --wait`). */
  wait?: boolean;
  /** Where `runner:` checks go (the PostgreSQL store's queue); absent, they are `error` saying why. */
  runners?: RunnerDispatch;
  /**
   * true: the checklist was loaded for this run alone (`gonogo run`), which lets go of each item's check
   * spec once its check is prepared (`dropCheckSpec`); the server, which keeps its checklists, does not.
   */
  dropSpecs?: boolean;
}

export interface RunResult {
  evaluation: Evaluation;
  run: RunRecord;
  report: RunReport;
}

/** How many holds `--wait` samples at most before a window still undecided is reported pending. */
const WAIT_HOLDS = 3;

interface Windowed {
  check: PreparedCheck;
  spec: WindowSpec;
}

/** The environment's variables; a checklist without `environments` has one, `default`. */
function environmentBlock(checklist: Checklist, environment: string): Record<string, string> {
  const names = Object.keys(checklist.environments);
  if (Object.hasOwn(checklist.environments, environment)) return checklist.environments[environment]!;
  if (names.length === 0 && environment === 'default') return {};
  throw new ConfigError(
    `unknown environment "${environment}"; ${checklist.id} defines: ${names.length > 0 ? names.join(', ') : 'default'} (use --env)`,
    'env',
  );
}

/**
 * Run every check of a checklist, judge windows, decide, store the run (the caller, the `runChecks`
 * use case, has recorded the checklist's digest first) (with its `run.completed` audit
 * event) and return the evaluation and its report. Check failures never throw (they are outcomes);
 * a store failure or an unknown environment does, for the caller to report (exit 2).
 * @example const { report } = await runChecklist({ checklist, environment: 'production', registry, store, now: () => new Date(), env: process.env, baseDir: '.', trigger: 'cli' });
 */
export function runChecklist(opts: RunOptions): Promise<RunResult> {
  const common = { [ATTR.checklist]: opts.checklist.id, [ATTR.environment]: opts.environment };
  return inSpan(
    'gonogo.run',
    { ...common, [ATTR.digest]: opts.checklist.digest, [ATTR.trigger]: opts.trigger.split(':')[0] ?? '' },
    async (span) => {
      const result = await runTraced(opts, common);
      span.setAttribute(ATTR.verdict, result.run.verdict);
      return result;
    },
  );
}

async function runTraced(opts: RunOptions, common: Attributes): Promise<RunResult> {
  const { checklist, environment, store, now } = opts;
  const block = environmentBlock(checklist, environment);
  const startedAt = now();
  const t0 = performance.now();

  const runnable = checklist.items.filter(
    (i): i is Item & { check: CheckSpec } => i.check !== null && i.skip === undefined,
  );
  const source = { environment, block, env: opts.env, secretNames: checklist.secrets ?? [] };
  let outcomes = new Map<string, CheckOutcome>();
  const prepared: PreparedCheck[] = [];
  const windowed: Windowed[] = [];
  let done = 0;
  const progress = (o: CheckOutcome) => {
    done++;
    try {
      opts.onProgress?.({ done, total: runnable.length, item: o.item, status: o.status });
    } catch {
      // A progress display that throws must not lose the run.
    }
  };

  const memo = prepareMemo();
  // Indexed: this loop runs once, mostly unoptimized, where `for...of` allocates a result per item.
  for (let i = 0; i < runnable.length; i++) {
    const item = runnable[i]!;
    const p = prepareCheck(item, opts.registry, source, memo);
    if ('outcome' in p) {
      // A check that cannot run (bad target, unset variable) still shows in the trace, as an error.
      const attrs = { ...common, [ATTR.item]: item.id, [ATTR.kind]: item.check.kind };
      void inSpan('gonogo.check', attrs, async (span) => endCheckSpan(span, p.outcome));
      outcomes.set(item.id, { ...p.outcome, at: startedAt.toISOString(), durationMs: 0 });
      progress(p.outcome);
    } else {
      prepared.push(p.check);
      if (item.check.window) windowed.push({ check: p.check, spec: item.check.window });
    }
    if (opts.dropSpecs) dropCheckSpec(item);
  }

  const context = {
    baseDir: opts.baseDir,
    env: opts.env,
    now,
    concurrency: opts.concurrency,
    perHost: opts.perHost,
    spanAttributes: common,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.runners ? { runners: opts.runners } : {}),
  };
  opts.onChecksStart?.(prepared.length);
  const running = executeChecks(prepared, { ...context, onProgress: progress });
  // The prepared checks (parsed targets and options, ~0.7 KB an item) are needed only to run: executeChecks
  // has taken them, and lets each go once it has run (windowed ones stay referenced by `windowed`).
  prepared.length = 0;
  const executed = await running;
  // Every check ran and none is windowed: the executed map is the run's (no copy of 50,000 entries).
  if (outcomes.size === 0 && windowed.length === 0) outcomes = executed;
  else for (const [id, outcome] of executed) outcomes.set(id, outcome);

  if (windowed.length > 0) {
    await sampleWindows(opts, windowed, executed, outcomes);
    if (opts.wait) {
      // One hold (plus a period) decides a window on a machine that keeps up; a gap in sampling (a busy
      // machine, a slow probe) restarts it, so --wait allows up to WAIT_HOLDS holds before it gives up
      // and reports the window pending: patient, yet bounded when sampling can never keep up.
      const deadline = t0 + WAIT_HOLDS * Math.max(...windowed.map((w) => w.spec.holdMs + w.spec.everyMs));
      for (;;) {
        const undecided = windowed.filter((w) => outcomes.get(w.check.item.id)?.status === 'pending');
        const remaining = deadline - performance.now();
        if (undecided.length === 0 || remaining <= 0 || opts.signal?.aborted) break;
        await pause(Math.min(remaining, ...undecided.map((w) => w.spec.everyMs)), opts.signal);
        if (opts.signal?.aborted) break;
        const again = await executeChecks(
          undecided.map((w) => w.check),
          context,
        );
        await sampleWindows(opts, undecided, again, outcomes);
      }
    }
  }

  const state = await store.loadState(checklist.id, environment);
  const at = now();
  const evaluation = decide({
    checklist,
    environment,
    outcomes,
    attestations: state.attestations,
    waivers: state.waivers,
    signoffs: state.signoffs,
    now: at,
  });
  const durationMs = Math.round(performance.now() - t0);
  const run: RunRecord = {
    checklist: checklist.id,
    environment,
    digest: checklist.digest,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    verdict: evaluation.verdict,
    summary: evaluation.summary,
    outcomes: runnable.map((i) => outcomes.get(i.id)).filter((o): o is CheckOutcome => o !== undefined),
    trigger: opts.trigger,
  };
  run.id = await store.saveRun(run);
  const report = toRunReport(checklist, evaluation, {
    at,
    run: run.id,
    durationMs,
    tampered: state.tampered,
  });
  return { evaluation, run, report };
}

/**
 * Windows whose samples one read returns (listWindowSamples): a read per 100 windows, judged before
 * the next, so a run holds at most 100 items' windows of samples at a time, not every window's.
 */
const WINDOWS_PER_READ = 100;

/** Store one sample per windowed item from `fresh` outcomes, then judge each window from history. */
async function sampleWindows(
  opts: RunOptions,
  windows: readonly Windowed[],
  fresh: ReadonlyMap<string, CheckOutcome>,
  outcomes: Map<string, CheckOutcome>,
): Promise<void> {
  const { checklist, environment, store } = opts;
  const samples = windows.flatMap(({ check }) => {
    const o = fresh.get(check.item.id);
    if (!o) return [];
    return [
      {
        checklist: checklist.id,
        environment,
        item: check.item.id,
        at: o.at ?? opts.now().toISOString(),
        ok: o.status === 'pass',
        ...(o.message !== undefined ? { message: o.message } : {}),
      },
    ];
  });
  await store.addSamples(samples);
  const now = opts.now();
  for (let i = 0; i < windows.length; i += WINDOWS_PER_READ) {
    const part = windows.slice(i, i + WINDOWS_PER_READ);
    const since = new Map<string, string>();
    for (const { check, spec } of part)
      since.set(check.item.id, new Date(now.getTime() - spec.holdMs).toISOString());
    const histories = await store.listWindowSamples(checklist.id, environment, since);
    judgeWindows(part, histories, fresh, outcomes, now);
  }
}

/** Each of `windows`' outcome from its history: the window's judgement, with the fresh sample's facts. */
function judgeWindows(
  windows: readonly Windowed[],
  histories: ReadonlyMap<string, readonly Sample[]>,
  fresh: ReadonlyMap<string, CheckOutcome>,
  outcomes: Map<string, CheckOutcome>,
  now: Date,
): void {
  for (const { check, spec } of windows) {
    const id = check.item.id;
    const judgement = judgeWindow(histories.get(id) ?? [], spec, now);
    const latest = fresh.get(id);
    outcomes.set(id, {
      item: id,
      status: judgement.status,
      message: judgement.message,
      ...(latest?.observed ? { observed: latest.observed } : {}),
      ...(latest?.durationMs !== undefined ? { durationMs: latest.durationMs } : {}),
      ...(latest?.at ? { at: latest.at } : {}),
    });
  }
}
