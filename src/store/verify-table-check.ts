import { type Kysely, sql } from 'kysely';
import type { TamperedRow } from '../model/audit.js';
import type { SelectArrays } from './adapter.js';
import type { Database } from './schema.js';
import { type BoundTable, EVENT_OF } from './state-binding.js';
import { compiledOnce, pagesOf, SeqOrderedRows, SPLICED_PAGE, seqOf } from './verify-pages.js';
import type { BoundEvent, FullEvent } from './verify-rows.js';

/**
 * One bound table's rows against the chain's events of its type, met in seq order: each event is
 * handed over as the walk verifies it, with every row up to its seq read. A row no event records, a
 * second row for one event, a row that differs from its event, and an event whose row is gone are each
 * named as before (rows by id, then missing rows by event), whatever order the rows were met in.
 */
export abstract class TableCheck {
  readonly #byRow: { id: number; t: TamperedRow }[] = [];
  readonly #missing: TamperedRow[] = [];
  protected readonly rows: SeqOrderedRows;
  /** Whether the rows being read go with events read as spliced texts. */
  #spliced = false;

  constructor(
    readonly table: BoundTable,
    protected readonly db: Kysely<Database>,
    protected readonly select: SelectArrays,
    protected readonly page: number,
    columns: readonly string[],
    text?: string,
  ) {
    // From the first row or after row (seq, id); up to a seq or every row left: each shape compiled once.
    const compile = (select: readonly unknown[]) =>
      compiledOnce(({ limit, upTo, seq, id }) =>
        db
          .selectFrom(table as 'attestations')
          .select(select as never)
          .where('seq', 'is not', null)
          .$if(seq !== undefined, (q) => q.where(sql<boolean>`(seq, id) > (${seq!}, ${id!})`))
          .$if(upTo !== undefined, (q) => q.where('seq', '<=', upTo!))
          .orderBy('seq')
          .orderBy('id')
          .limit(limit!)
          .compile(),
      );
    const full = compile(columns);
    // The row as one text (id, seq, text), read while the events are read as spliced texts.
    const short = text === undefined ? full : compile(['id', 'seq', sql.raw(text).as('text')]);
    // Rows read as texts come in larger pages (SPLICED_PAGE), as their events do.
    const size = () => (this.#spliced && text !== undefined ? SPLICED_PAGE : page);
    const query = (last: readonly unknown[] | undefined, upTo: number | undefined) =>
      (this.#spliced ? short : full)({
        limit: size(),
        ...(upTo !== undefined ? { upTo } : {}),
        ...(last !== undefined ? { seq: Number(last[1]), id: Number(last[0]) } : {}),
      });
    this.rows = new SeqOrderedRows(select, query, size);
  }

  /** Read what the events up to `seq` need (`spliced`: those events were read as spliced texts). */
  reach(seq: number, spliced: boolean): Promise<void> {
    this.#spliced = spliced;
    return this.rows.reach(seq);
  }

  /** A row of this table met in seq order (verify-stream.ts), in place of `reach`'s reads. */
  take(row: unknown[]): void {
    this.rows.push(row);
  }

  /** Every row with seq ≤ `seq` has been taken. */
  reachedTo(seq: number): void {
    this.rows.reachedTo(seq);
  }

  /** A verified event of this table's type: its row compared (the rows before it have no event). */
  event(e: BoundEvent): void {
    const { seq } = e;
    let row = this.rows.nextUpTo(seq - 1);
    for (; row !== undefined; row = this.rows.nextUpTo(seq - 1)) this.unrecorded(Number(row[0]), seqOf(row));
    row = this.rows.nextUpTo(seq);
    if (row === undefined) {
      this.#missing.push(this.deleted(e));
      return;
    }
    const diff = this.compare(row, e);
    if (diff) this.flag(Number(row[0]), diff);
    for (row = this.rows.nextUpTo(seq); row !== undefined; row = this.rows.nextUpTo(seq)) {
      this.duplicate(Number(row[0]), seq);
    }
  }

  /** The chain has been walked: every row left (and every row with no seq) has no event. */
  async finish(): Promise<TamperedRow[]> {
    await this.settle();
    await this.rows.reach(Number.POSITIVE_INFINITY);
    for (
      let row = this.rows.nextUpTo(Number.POSITIVE_INFINITY);
      row;
      row = this.rows.nextUpTo(Number.POSITIVE_INFINITY)
    )
      this.unrecorded(Number(row[0]), seqOf(row));
    const query = (last: readonly unknown[] | undefined) =>
      this.db
        .selectFrom(this.table as 'attestations')
        .select('id')
        .where('seq', 'is', null)
        .$if(last !== undefined, (q) => q.where('id', '>', Number(last![0])))
        .orderBy('id')
        .limit(this.page)
        .compile();
    for await (const page of pagesOf(this.select, query, this.page)) {
      for (const [id] of page) this.unrecorded(Number(id), null);
    }
    this.#byRow.sort((a, b) => a.id - b.id);
    return [...this.#byRow.map((r) => r.t), ...this.#missing];
  }

  /** Compare what was left for later, before the tampered rows are listed. */
  protected async settle(): Promise<void> {}

  protected flag(id: number, t: TamperedRow): void {
    this.#byRow.push({ id, t });
  }

  protected unrecorded(id: number, seq: number | null): void {
    this.flag(id, {
      table: this.table,
      id,
      ...(seq !== null ? { seq } : {}),
      why: `no ${EVENT_OF[this.table]} event records it (written outside gonogo)`,
    });
  }

  protected duplicate(id: number, seq: number): void {
    this.flag(id, { table: this.table, id, seq, why: 'another row already stands for its event' });
  }

  protected deleted(e: BoundEvent): TamperedRow {
    return {
      table: this.table,
      seq: e.seq,
      why: `deleted: its ${EVENT_OF[this.table]} event says it exists`,
    };
  }

  /**
   * Whether the event's row, not yet taken, stands by the texts (the row's text, written from its
   * columns in canonical form, is the event's): then the event's data text is canonical, and its hash
   * proves it without scanning it (checkStoredLink). Its comparison is not made again (`stood`).
   */
  vouches(e: BoundEvent): boolean {
    const row = this.rows.peek(e.seq);
    if (row === undefined || !this.stands(row, e)) return false;
    this.stood = row;
    return true;
  }

  /** The row vouches last found standing. */
  protected stood: unknown[] | undefined;

  /** Whether a row stands by the texts alone (no full comparison). */
  protected abstract stands(values: unknown[], e: BoundEvent): boolean;

  /** Whether a row may be compared by texts (standsAsRead): its event read in full, its data canonical. */
  protected comparesAsRead(e: BoundEvent): e is FullEvent {
    return e.spliced === undefined && e.canonical !== false;
  }

  /** The row against its event: what is wrong with it, or undefined when it stands. */
  protected abstract compare(values: unknown[], e: BoundEvent): TamperedRow | undefined;
}
