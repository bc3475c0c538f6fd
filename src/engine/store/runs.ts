import type { TamperedRow } from '../../model/audit.js';
import type { CheckOutcome } from '../../model/state.js';
import type { StatusSummary, Verdict } from '../../model/status.js';

/** One evaluation of a whole checklist for one environment. */
export interface RunRecord {
  id?: number;
  checklist: string;
  environment: string;
  digest: string;
  startedAt: string;
  finishedAt: string;
  verdict: Verdict;
  summary: StatusSummary;
  /** Outcomes of the items that have checks (manual items are derived from state on read). */
  outcomes: CheckOutcome[];
  /** Who or what started it: `cli`, `api:<token name>`, `scheduler`. */
  trigger: string;
}

/** One sample of a windowed check. */
export interface Sample {
  checklist: string;
  environment: string;
  item: string;
  at: string;
  ok: boolean;
  message?: string;
}

export interface Page {
  limit?: number;
  before?: number;
}

/** Runs (each saved with its `run.completed` event) and the samples of windowed checks. */
export interface RunsStore {
  /** Save a run with its outcomes and its `run.completed` event, atomically. Returns the run id. */
  saveRun(run: RunRecord): Promise<number>;
  /** The newest run its `run.completed` event vouches for (see checkedLatestRun). */
  latestRun(checklist: string, environment: string): Promise<RunRecord | undefined>;
  /**
   * The newest vouched run, and the run rows the chain does not vouch for on the way: later rows that
   * no event records or that changed after their event (outcomes included, by digest), and a newer run
   * whose row was deleted while its event remains; and the audit head they were read at.
   */
  checkedLatestRun(
    checklist: string,
    environment: string,
  ): Promise<{ run?: RunRecord; tampered: TamperedRow[]; head?: { seq: number; hash: string } }>;
  listRuns(checklist: string, environment: string | undefined, page?: Page): Promise<RunRecord[]>;

  addSamples(samples: Sample[]): Promise<void>;
  /** One item's samples at or after `since`, oldest first. */
  listSamples(checklist: string, environment: string, item: string, since: string): Promise<Sample[]>;
  /**
   * The samples of several items of one checklist and environment in one read, each item's as
   * listSamples returns it from its own `since`: a map from every item asked to its list (empty when
   * it has none). How every window of a checklist is read (a run's evaluation, the dashboard).
   */
  listWindowSamples(
    checklist: string,
    environment: string,
    since: ReadonlyMap<string, string>,
  ): Promise<Map<string, Sample[]>>;
  /** Delete samples older than `before`; returns how many. */
  pruneSamples(before: string): Promise<number>;
}
