import type { Transaction } from 'kysely';
import type { RunRecord } from '../engine/store.js';
import type { ChainedEvent, TamperedRow } from '../model/audit.js';
import type { CheckOutcome } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import type { Database } from './schema.js';
import {
  attestationOfEvent,
  attestationOfRow,
  type BoundTable,
  bindRows,
  EVENT_OF,
  outcomeOfRow,
  runDiff,
  runFacts,
  runFactsOfEvent,
  signoffOfEvent,
  signoffOfRow,
  waiverOfEvent,
  waiverOfRow,
} from './state-binding.js';

/** Rows read per query while checking state against the chain. */
const PAGE = 1000;

/** The bound event types: what verify collects from the chain while it walks it. */
export const BOUND_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT_OF));

type Trx = Transaction<Database>;

/** Every row of a table, in pages by id. */
async function* pages<T extends 'attestations' | 'waivers' | 'signoffs' | 'runs'>(trx: Trx, table: T) {
  let after = 0;
  for (;;) {
    const rows = await trx
      .selectFrom(table as 'attestations')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return;
    yield rows as unknown as Database[T][];
    after = Number(rows.at(-1)!.id);
    if (rows.length < PAGE) return;
  }
}

/**
 * Check every state row against the verified chain (`events`: the chain's bound events by seq): a row
 * no event records, a row that differs from its event, and an event whose row is gone are each named.
 */
export async function checkStateRows(
  trx: Trx,
  events: ReadonlyMap<number, ChainedEvent>,
): Promise<TamperedRow[]> {
  const tampered: TamperedRow[] = [];
  const ofType = (type: string) => [...events.values()].filter((e) => e.type === type);

  const simple = async <R extends { id: unknown; seq: number | null }, T extends object>(
    table: Exclude<BoundTable, 'runs'>,
    ofRow: (r: R) => T,
    ofEvent: (e: ChainedEvent) => T,
  ) => {
    const rows: { id: number; seq: number | null; value: T }[] = [];
    for await (const page of pages(trx, table)) {
      for (const r of page as unknown as R[]) {
        rows.push({ id: Number(r.id), seq: r.seq === null ? null : Number(r.seq), value: ofRow(r) });
      }
    }
    const bound = ofType(EVENT_OF[table]).map((e) => ({ seq: e.seq, value: ofEvent(e) }));
    tampered.push(...bindRows(table, rows, bound).tampered);
  };
  await simple('attestations', attestationOfRow, attestationOfEvent);
  await simple('waivers', waiverOfRow, waiverOfEvent);
  await simple('signoffs', signoffOfRow, signoffOfEvent);

  const claimed = new Set<number>();
  for await (const page of pages(trx, 'runs')) {
    const ids = page.map((r) => Number(r.id));
    const results = await trx.selectFrom('run_results').selectAll().where('run_id', 'in', ids).execute();
    const outcomes = new Map<number, CheckOutcome[]>();
    for (const r of results) {
      const list = outcomes.get(Number(r.run_id)) ?? [];
      list.push(outcomeOfRow(r));
      outcomes.set(Number(r.run_id), list);
    }
    for (const r of page) {
      const id = Number(r.id);
      const seq = r.seq === null ? undefined : Number(r.seq);
      const event = seq === undefined ? undefined : events.get(seq);
      if (!event || event.type !== EVENT_OF.runs || seq === undefined || claimed.has(seq)) {
        tampered.push({
          table: 'runs',
          id,
          ...(seq !== undefined ? { seq } : {}),
          why: 'no run.completed event records it (written outside gonogo)',
        });
        continue;
      }
      claimed.add(seq);
      let summary: StatusSummary;
      try {
        summary = JSON.parse(r.summary) as StatusSummary;
      } catch {
        tampered.push({ table: 'runs', id, seq, why: 'changed after its event: summary is not valid JSON' });
        continue;
      }
      const run: RunRecord = {
        id,
        checklist: r.checklist,
        environment: r.environment,
        digest: r.digest,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        verdict: r.verdict as Verdict,
        summary,
        outcomes: outcomes.get(id) ?? [],
        trigger: r.trigger,
      };
      const diff = runDiff(runFacts(run), runFactsOfEvent(event));
      if (diff.length > 0) {
        tampered.push({
          table: 'runs',
          id,
          seq,
          why: `changed after its event: ${diff.join(', ')} differ${diff.length === 1 ? 's' : ''}`,
        });
      }
    }
  }
  for (const e of ofType(EVENT_OF.runs)) {
    if (!claimed.has(e.seq)) {
      tampered.push({
        table: 'runs',
        seq: e.seq,
        why: `deleted: its run.completed event records run ${String(e.data.run)}`,
      });
    }
  }
  return tampered;
}
