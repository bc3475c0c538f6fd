import type { Checklist } from '../model/checklist.js';
import type { Evaluation } from '../model/verdict.js';
import type { KindRegistry } from './check.js';
import type { RunReport } from './report.js';
import type { RunRecord, Store } from './store.js';

/** Progress of a run, for the CLI's live line and the server's metrics. */
export interface RunProgress {
  done: number;
  total: number;
  item: string;
  status: string;
}

export interface RunOptions {
  checklist: Checklist;
  environment: string;
  registry: KindRegistry;
  store: Store;
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
  signal?: AbortSignal;
  /** Keep sampling windowed checks until every window is decided (`gonogo run --wait`). */
  wait?: boolean;
}

export interface RunResult {
  evaluation: Evaluation;
  run: RunRecord;
  report: RunReport;
}

/** Run every check of a checklist, judge windows, decide, store the run and its audit event. STUB. */
export async function runChecklist(_opts: RunOptions): Promise<RunResult> {
  throw new Error('not implemented yet');
}
