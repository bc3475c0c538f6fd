import type { Selectable } from 'kysely';
import type { Page, RunRecord, RunsStore, Sample } from '../engine/store.js';
import type { CheckOutcome } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import { insertRows, iso, keepable, limitOf } from './rows.js';
import type { RunsTable } from './schema.js';
import type { StoreContext } from './write-path.js';

/** Runs with their outcomes (each saved with its `run.completed` event) and window samples. */
export function createRunsStore({ adapter, db, writes }: StoreContext): RunsStore {
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
      list.push({
        item: r.item,
        status: r.status as CheckOutcome['status'],
        ...(r.message !== null ? { message: r.message } : {}),
        ...(r.observed !== null ? { observed: JSON.parse(r.observed) as Record<string, unknown> } : {}),
        ...(r.duration_ms !== null ? { durationMs: Number(r.duration_ms) } : {}),
        ...(r.at !== null ? { at: r.at } : {}),
      });
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

  return {
    async saveRun(run) {
      const { checklist, environment, digest, trigger } = run;
      return writes.audited(
        async (trx, append) => {
          const inserted = await trx
            .insertInto('runs')
            .values({
              checklist,
              environment,
              digest,
              started_at: iso(run.startedAt, 'startedAt'),
              finished_at: iso(run.finishedAt, 'finishedAt'),
              verdict: run.verdict,
              summary: JSON.stringify(run.summary),
              trigger,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const id = Number(inserted.id);
          await insertRows(
            trx,
            'run_results',
            run.outcomes.map((o) => ({
              run_id: id,
              item: o.item,
              status: o.status,
              message: keepable(o.message) ?? null,
              observed: o.observed === undefined ? null : JSON.stringify(o.observed),
              duration_ms: o.durationMs ?? null,
              at: o.at ? iso(o.at, 'at') : null,
            })),
          );
          await append({
            type: 'run.completed',
            actor: trigger,
            checklist,
            environment,
            at: run.finishedAt,
            data: { run: id, digest, verdict: run.verdict, summary: run.summary, trigger },
          });
          return id;
        },
        { checklist, environment, digest, trigger },
      );
    },

    async latestRun(checklist, environment) {
      const row = await db
        .selectFrom('runs')
        .selectAll()
        .where('checklist', '=', checklist)
        .where('environment', '=', environment)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? (await withOutcomes([row]))[0] : undefined;
    },

    async listRuns(checklist, environment, page: Page = {}) {
      let q = db.selectFrom('runs').selectAll().where('checklist', '=', checklist);
      if (environment !== undefined) q = q.where('environment', '=', environment);
      if (page.before !== undefined) q = q.where('id', '<', page.before);
      const rows = await q.orderBy('id', 'desc').limit(limitOf(page.limit, 50)).execute();
      return withOutcomes(rows);
    },

    async addSamples(samples) {
      if (samples.length === 0) return;
      await writes.unaudited((trx) =>
        insertRows(
          trx,
          'samples',
          samples.map((s) => ({
            checklist: s.checklist,
            environment: s.environment,
            item: s.item,
            at: iso(s.at, 'at'),
            ok: adapter.bool(s.ok),
            message: keepable(s.message) ?? null,
          })),
        ),
      );
    },

    async listSamples(checklist, environment, item, since) {
      const rows = await db
        .selectFrom('samples')
        .selectAll()
        .where('checklist', '=', checklist)
        .where('environment', '=', environment)
        .where('item', '=', item)
        .where('at', '>=', iso(since, 'since'))
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(
        (r): Sample => ({
          checklist: r.checklist,
          environment: r.environment,
          item: r.item,
          at: r.at,
          ok: Boolean(r.ok),
          ...(r.message !== null ? { message: r.message } : {}),
        }),
      );
    },

    async pruneSamples(before) {
      const cutoff = iso(before, 'before');
      const res = await writes.statement((q) =>
        q.deleteFrom('samples').where('at', '<', cutoff).executeTakeFirst(),
      );
      return Number(res.numDeletedRows);
    },
  };
}
