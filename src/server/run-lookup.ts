import type { RunRecord, Store } from '../engine/store.js';
import { HttpProblem } from './problem.js';

/**
 * Run `n` of a checklist (any environment), or 404 naming where to look. Reads one row through the
 * store's newest-first paging (`before: n + 1, limit: 1`), so it needs no lookup of its own.
 */
export async function findRun(store: Store, checklist: string, n: number): Promise<RunRecord> {
  const [run] =
    Number.isSafeInteger(n) && n > 0
      ? await store.listRuns(checklist, undefined, { before: n + 1, limit: 1 })
      : [];
  if (!run || run.id !== n) {
    throw new HttpProblem(
      404,
      `checklist ${checklist} has no run #${n}; GET /api/v1/checklists/${checklist}/runs lists its runs`,
      'n',
    );
  }
  return run;
}
