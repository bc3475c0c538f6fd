import { CompiledQuery } from 'kysely';
import type { EachRow, SelectArrays } from './adapter.js';
import type { BoundTable } from './state-binding.js';
import { RUN_COLUMNS, SIMPLE } from './verify-rows.js';

/**
 * PostgreSQL's verify reads (issue 15, branch verify16): each page of events with every state row and
 * outcome of its seqs as ONE stream in seq order, so each event is checked among its own rows and no row
 * is held past its seq (pages of state rows held until their events were walked were copied by every
 * young-generation collection; a query per table and page cost the server). The server gives that order
 * without sorting a page when each branch is its own ordered subquery and the planner is steered to a
 * Merge Append of the indexes (`audit_events_pkey`, the `*_by_seq` indexes, `runs_by_seq` →
 * `run_results_pk`): sorting each page cost its CPU 1.45–1.76× (bench/README "verify16").
 *
 * Each row is `kind, seq, id, t0…t9, duration`: an int slot for ids, ten text slots and a float8 slot, so
 * every column keeps the type pg gives it when read from its own table; `rowOfKind` puts a table's
 * columns back in its order (SIMPLE's, RUN_COLUMNS, RESULT_COLUMNS, EVENT_COLUMNS).
 */

const TEXT_SLOTS = 10;

/** One branch: its kind, table, seq and id columns, text columns and its own order. */
function branch(
  kind: number,
  from: string,
  seq: string,
  id: string,
  texts: readonly string[],
  order: string,
  duration = 'null::float8',
): string {
  const slots = texts.map((c) => `${c}::text`);
  while (slots.length < TEXT_SLOTS) slots.push('null::text');
  return (
    `(select ${kind}::int as k, ${seq}::int as seq, ${id}::int as id, ${slots.join(', ')}, ` +
    `${duration}::float8 as d from ${from} where ${seq} >= $1 and ${seq} <= $2 order by ${order})`
  );
}

const q = (c: string) => `"${c}"`;
/** The text columns of a table read in full, in its columns' order after id and seq. */
const textsOf = (columns: readonly string[]) => columns.slice(2).map(q);

/** The page's query: every row with seq in [$1, $2], in seq order. */
export const PAGE_SQL =
  'select * from (' +
  [
    branch(
      0,
      'audit_events',
      'seq',
      'null',
      ['at', 'type', 'actor', 'checklist', 'environment', 'data', 'prev_hash', 'hash'].map(q),
      'seq',
    ),
    branch(1, 'attestations', 'seq', 'id', textsOf(SIMPLE.attestations.columns), 'seq, id'),
    branch(2, 'waivers', 'seq', 'id', textsOf(SIMPLE.waivers.columns), 'seq, id'),
    branch(3, 'signoffs', 'seq', 'id', textsOf(SIMPLE.signoffs.columns), 'seq, id'),
    branch(4, 'runs', 'seq', 'id', textsOf(RUN_COLUMNS), 'seq, id'),
    branch(
      5,
      'run_results rr join runs r on r.id = rr.run_id',
      'r.seq',
      'rr.run_id',
      ['item', 'status', 'message', 'observed', 'at'].map((c) => `rr.${q(c)}`),
      'r.seq, rr.run_id',
      'rr."duration_ms"',
    ),
  ].join(' union all ') +
  ') s order by 2';

/** The settings that steer the planner to the Merge Append (for this transaction only). */
const STEER = ['enable_sort', 'enable_bitmapscan', 'enable_hashjoin', 'enable_seqscan'] as const;

/**
 * Steer the planner for the stream's reads; the returned function puts each setting back as it was (the
 * reads after the walk, by id and past the chain's end, are planned as before). `set_config(…, true)` is
 * local to verify's transaction.
 */
export async function steerPlanner(select: SelectArrays): Promise<() => Promise<void>> {
  const [was] = await select(
    CompiledQuery.raw(`select ${STEER.map((s) => `current_setting('${s}')`).join(', ')}`, []),
  );
  const set = (values: readonly unknown[]) =>
    select(
      CompiledQuery.raw(`select ${STEER.map((s, i) => `set_config('${s}', $${i + 1}, true)`).join(', ')}`, [
        ...values,
      ]),
    );
  await set(STEER.map(() => 'off'));
  return async () => {
    await set(was!);
  };
}

/** A streamed row's table-shaped columns (its kind's column order). */
export function rowOfKind(kind: number, r: readonly unknown[]): unknown[] {
  const [, seq, id, t0, t1, t2, t3, t4, t5, t6, t7, t8, t9] = r;
  switch (kind) {
    case 0:
      return [seq, t0, t1, t2, t3, t4, t5, t6, t7];
    case 1:
      return [id, seq, t0, t1, t2, t3, t4, t5, t6, t7, t8, t9];
    case 5:
      // RESULT_COLUMNS: run_id, item, status, message, observed, duration_ms, at.
      return [id, t0, t1, t2, t3, r[13], t4];
    default:
      return [id, seq, t0, t1, t2, t3, t4, t5, t6, t7];
  }
}

/** The kind of a run's outcome (a run_results row). */
export const OUTCOME = 5;

/** The bound table of a kind (1–4). */
export const TABLE_OF_KIND: readonly (BoundTable | undefined)[] = [
  undefined,
  'attestations',
  'waivers',
  'signoffs',
  'runs',
];

/**
 * Stream the rows of seqs in (after, upTo] to `row`, in seq order, the rows of one seq in any order.
 * @example await streamPage(each, 0, 5000, (kind, seq, r) => …)
 */
export function streamPage(
  each: EachRow,
  after: number,
  upTo: number,
  row: (kind: number, seq: number, r: unknown[]) => void,
): Promise<void> {
  return each(CompiledQuery.raw(PAGE_SQL, [after + 1, upTo]), (r) => row(r[0] as number, r[1] as number, r));
}

/**
 * A page's stream handed on in seq order with each event after every row of its seq: the server orders
 * the rows by seq alone, so a state row or outcome of seq 7 may come after event 7. Each event waits until
 * a row of a later seq (or the page's end, `end`) arrives; `event` returns false to stop (a break: the
 * rest of the page is let go).
 */
export class EventsAfterTheirRows {
  #pending: unknown[] | undefined;
  #seq = 0;
  #stopped = false;
  /** The events met in this page. */
  events = 0;

  constructor(
    private readonly event: (row: unknown[]) => boolean,
    private readonly other: (kind: number, row: unknown[]) => void,
  ) {}

  /** One streamed row (`kind` 0: an event, in EVENT_COLUMNS' order; else rowOfKind's). */
  row(kind: number, seq: number, row: unknown[]): void {
    if (this.#stopped) return;
    if (this.#pending !== undefined && seq > this.#seq) this.end();
    if (this.#stopped) return;
    if (kind === 0) {
      this.#pending = row;
      this.#seq = seq;
      this.events += 1;
    } else this.other(kind, row);
  }

  /** Every row of the pending event's seq has come: hand it on. */
  end(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined && !this.#stopped && !this.event(pending)) this.#stopped = true;
  }
}
