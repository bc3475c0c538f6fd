import type { Selectable } from 'kysely';
import type { Page, RunRecord, RunsStore } from '../engine/store.js';
import type { TamperedRow } from '../model/audit.js';
import type { CheckOutcome } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import { insertRowsOf, iso, limitOf } from './rows.js';
import type { RunsTable } from './schema.js';
import {
  byItem,
  EVENT_OF,
  outcomeOfRow,
  outcomesDigest,
  readHead,
  runDiff,
  runFactsOfEvent,
  vouchedEvents,
} from './state-binding.js';
import { isoOfSave, resultRow, storedOutcomeText } from './stored-outcome.js';
import type { StoreContext } from './write-path.js';

/** Run rows read per query while looking for the newest vouched run. */
const LATEST_PAGE = 10;

/** Runs with their outcomes (each saved with its `run.completed` event); samples are samples-store.ts's. */
export function createRunsStore({
  db,
  writes,
  memo,
}: StoreContext): Omit<RunsStore, 'addSamples' | 'listSamples' | 'listWindowSamples' | 'pruneSamples'> {
  async function withOutcomes(rows: Selectable<RunsTable>[]): Promise<RunRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const results = await db
      .selectFrom('run_results')
      .selectAll()
      .where('run_id', 'in', ids)
      .orderBy('run_id')
      .orderBy('item')
      .execute();
    const byRun = new Map<number, CheckOutcome[]>();
    for (const r of results) {
      const list = byRun.get(Number(r.run_id)) ?? [];
      list.push(outcomeOfRow(r));
      byRun.set(Number(r.run_id), list);
    }
    return rows.map((r) => ({
      id: Number(r.id),
      checklist: r.checklist,
      environment: r.environment,
      digest: r.digest,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      verdict: r.verdict as Verdict,
      summary: JSON.parse(r.summary) as StatusSummary,
      outcomes: byRun.get(Number(r.id)) ?? [],
      trigger: r.trigger,
    }));
  }

  /**
   * The newest run of a checklist and environment that its `run.completed` event vouches for. Later
   * run rows that no event vouches for (forged, or changed after their event, outcomes included) are
   * skipped and reported; so is a run row deleted while its event remains.
   */
  async function checkedLatestRun(
    checklist: string,
    environment: string,
  ): Promise<{ run?: RunRecord; tampered: TamperedRow[] }> {
    // The head first: runs and events committed after it belong to the next evaluation.
    const head = await readHead(db);
    /** A page of run rows, newest first, each with the event its seq names (one query). */
    const page = (before: number | undefined) => {
      let q = db
        .selectFrom('runs')
        .leftJoin('audit_events as e', 'e.seq', 'runs.seq')
        .selectAll('runs')
        .select([
          'e.seq as e_seq',
          'e.at as e_at',
          'e.type as e_type',
          'e.actor as e_actor',
          'e.checklist as e_checklist',
          'e.environment as e_environment',
          'e.data as e_data',
          'e.prev_hash as e_prev_hash',
          'e.hash as e_hash',
        ])
        .where('runs.checklist', '=', checklist)
        .where('runs.environment', '=', environment);
      if (before !== undefined) q = q.where('runs.id', '<', before);
      return q.orderBy('runs.id', 'desc').limit(LATEST_PAGE).execute();
    };
    const [lastEvent, first] = await Promise.all([
      head
        ? db
            .selectFrom('audit_events')
            .select(['seq', 'data'])
            .where('checklist', '=', checklist)
            .where('environment', '=', environment)
            .where('type', '=', EVENT_OF.runs)
            .where('seq', '<=', head.seq)
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst()
        : undefined,
      page(undefined),
    ]);
    const tampered: TamperedRow[] = [];
    let found: RunRecord | undefined;
    // Events some row stands for (vouched or not): only the others' rows were deleted.
    const claimed = new Set<number>();
    for (let rows = first; rows.length > 0 && !found; ) {
      const before = Number(rows.at(-1)!.id);
      // A run committed after the head was read belongs to the next evaluation.
      const inView = rows.filter((r) => head === undefined || r.seq === null || Number(r.seq) <= head.seq);
      const joined = inView.flatMap((r) =>
        r.e_seq === null || r.e_seq === undefined
          ? []
          : [
              {
                seq: r.e_seq,
                at: r.e_at!,
                type: r.e_type!,
                actor: r.e_actor!,
                checklist: r.e_checklist ?? null,
                environment: r.e_environment ?? null,
                data: r.e_data!,
                prev_hash: r.e_prev_hash!,
                hash: r.e_hash!,
              },
            ],
      );
      const vouched = vouchedEvents(joined, head, memo);
      tampered.push(...vouched.tampered);
      const bySeq = new Map(vouched.events.filter((e) => e.type === EVENT_OF.runs).map((e) => [e.seq, e]));
      for (const row of inView) {
        const id = Number(row.id);
        const seq = row.seq === null ? undefined : Number(row.seq);
        if (seq !== undefined) claimed.add(seq);
        const event = seq === undefined ? undefined : bySeq.get(seq);
        if (!event || event.checklist !== checklist || event.environment !== environment) {
          tampered.push({
            table: 'runs',
            id,
            ...(seq !== undefined ? { seq } : {}),
            why: head
              ? 'no run.completed event records it (written outside gonogo)'
              : 'no run.completed event records it (the log is empty)',
          });
          continue;
        }
        // Outcomes are read (and digested) only for the one run that otherwise matches its event.
        const [run] = await withOutcomes([row]);
        const diff = runDiff(memo.runFacts(run!), runFactsOfEvent(event));
        if (diff.length > 0) {
          tampered.push({
            table: 'runs',
            id,
            seq: event.seq,
            why: `changed after its event: ${diff.join(', ')} differ${diff.length === 1 ? 's' : ''}`,
          });
          continue;
        }
        found = run;
        break;
      }
      if (!found) rows = await page(before);
    }
    if (lastEvent && !claimed.has(Number(lastEvent.seq))) {
      const runId = /"run":(\d+)/.exec(lastEvent.data)?.[1] ?? '?';
      tampered.push({
        table: 'runs',
        seq: Number(lastEvent.seq),
        why: `deleted: its run.completed event records run ${String(runId)}`,
      });
    }
    return { ...(found ? { run: found } : {}), tampered, ...(head ? { head } : {}) };
  }

  return {
    async saveRun(run) {
      const { checklist, environment, digest, trigger } = run;
      const startedAt = iso(run.startedAt, 'startedAt');
      return writes.audited(
        async (trx, append) => {
          const inserted = await trx
            .insertInto('runs')
            .values({
              checklist,
              environment,
              digest,
              started_at: startedAt,
              finished_at: iso(run.finishedAt, 'finishedAt'),
              verdict: run.verdict,
              summary: JSON.stringify(run.summary),
              trigger,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const id = Number(inserted.id);
          const isoAt = isoOfSave();
          // The rows in item order, the order of the primary key's index (run_id, item) and of the digest
          // below: the index then grows at its end, where a run's own order (a checklist's slugs in any
          // order) inserted into leaves all over it, splitting them half full and, past SQLite's page
          // cache, rewriting leaves already spilled to the WAL. Every reader orders by item (or sorts).
          const outcomes = byItem(run.outcomes);
          await insertRowsOf(trx, 'run_results', outcomes, (o) => resultRow(id, o, isoAt));
          const event = await append({
            type: 'run.completed',
            actor: trigger,
            checklist,
            environment,
            at: run.finishedAt,
            data: {
              run: id,
              digest,
              verdict: run.verdict,
              summary: run.summary,
              trigger,
              startedAt,
              // The outcomes as stored, by digest: the run row's results are bound to the chain too.
              outcomes: outcomesDigest(outcomes, (o) => storedOutcomeText(o, isoAt)),
            },
          });
          await trx.updateTable('runs').set({ seq: event.seq }).where('id', '=', id).execute();
          return id;
        },
        { checklist, environment, digest, trigger },
      );
    },

    checkedLatestRun,

    async latestRun(checklist, environment) {
      return (await checkedLatestRun(checklist, environment)).run;
    },

    async listRuns(checklist, environment, page: Page = {}) {
      let q = db.selectFrom('runs').selectAll().where('checklist', '=', checklist);
      if (environment !== undefined) q = q.where('environment', '=', environment);
      if (page.before !== undefined) q = q.where('id', '<', page.before);
      const rows = await q.orderBy('id', 'desc').limit(limitOf(page.limit, 50)).execute();
      return withOutcomes(rows);
    },
  };
}
