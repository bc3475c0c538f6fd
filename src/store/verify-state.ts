import { type Kysely, sql } from 'kysely';
import type { ChainedEvent, TamperedRow } from '../model/audit.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import type { SelectArrays } from './adapter.js';
import { runData } from './event-data.js';
import type { Database } from './schema.js';
import {
  BOUND_TABLES,
  type BoundTable,
  differingFields,
  EVENT_OF,
  runDiff,
  runFacts,
  runFactsOfEvent,
} from './state-binding.js';
import { compiledOnce, pagesOf, SeqOrderedRows, SPLICED_PAGE, seqOf } from './verify-pages.js';
import {
  type BoundEvent,
  EVENT_COLUMNS,
  type FullEvent,
  fieldsOf,
  RUN_COLUMNS,
  rowOf,
  rowStands,
  SIMPLE,
  type SimpleTable,
  storedOf,
} from './verify-rows.js';
import { outcomesOf, runEventText, runStandsAsRead, storedOutcomesDigest } from './verify-runs.js';

type Data = Record<string, unknown>;

const TABLE_OF = new Map<string, BoundTable>(
  Object.entries(EVENT_OF).map(([table, type]) => [type, table as BoundTable]),
);

/** The bound event types: what verify collects from the chain while it walks it. */
export const BOUND_TYPES: ReadonlySet<string> = new Set(TABLE_OF.keys());

/** The event with its data: rebuilt from the row when that is its stored text, else parsed. */
function withData(e: FullEvent, data: Data | undefined): ChainedEvent {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    checklist: e.checklist,
    environment: e.environment,
    data: data ?? (JSON.parse(e.dataText) as Data),
    prevHash: '',
    hash: '',
  };
}

const changed = (diff: string[]) =>
  `changed after its event: ${diff.join(', ')} differ${diff.length === 1 ? 's' : ''}`;

/**
 * One bound table's rows against the chain's events of its type, met in seq order: each event is
 * handed over as the walk verifies it, with every row up to its seq read. A row no event records, a
 * second row for one event, a row that differs from its event, and an event whose row is gone are each
 * named as before (rows by id, then missing rows by event), whatever order the rows were met in.
 */
abstract class TableCheck {
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

  /** Whether a row may be compared by texts (standsAsRead): its event read in full, its data canonical. */
  protected comparesAsRead(e: BoundEvent): e is FullEvent {
    return e.spliced === undefined && e.canonical !== false;
  }

  /** The row against its event: what is wrong with it, or undefined when it stands. */
  protected abstract compare(values: unknown[], e: BoundEvent): TamperedRow | undefined;
}

/**
 * A simple table, judged as bindRows judges it. A row read as its text stands when that is its event's
 * spliced text; any other (a row or event not as gonogo writes them, or one changed) is compared in full
 * once the chain is walked, read again by id with its event by seq.
 */
class SimpleCheck extends TableCheck {
  readonly #spec: (typeof SIMPLE)[SimpleTable];
  /** Rows (id, seq) to compare in full. */
  readonly #later: [number, number][] = [];

  constructor(
    table: SimpleTable,
    db: Kysely<Database>,
    select: SelectArrays,
    page: number,
    splices: boolean,
  ) {
    super(table, db, select, page, SIMPLE[table].columns, splices ? SIMPLE[table].text : undefined);
    this.#spec = SIMPLE[table];
  }

  protected compare(values: unknown[], e: BoundEvent): TamperedRow | undefined {
    // Read as its text (SQLite): compared in full later unless it is the event's text.
    if (values.length === 3 || e.spliced !== undefined) {
      if (values.length !== 3 || e.spliced === undefined || !rowStands(values[2], e.spliced))
        this.#later.push([Number(values[0]), e.seq]);
      return undefined;
    }
    // Both read in full (PostgreSQL, an older chain's page): fields and data text compared here first.
    if (this.comparesAsRead(e) && this.#spec.stands(values, e)) return undefined;
    return this.#compareFull(values, e);
  }

  protected override async settle(): Promise<void> {
    for (let i = 0; i < this.#later.length; i += this.page) {
      const some = this.#later.slice(i, i + this.page);
      const table = this.table as 'attestations';
      const rows = await this.select(
        this.db
          .selectFrom(table)
          .select(this.#spec.columns as never)
          .where(
            'id',
            'in',
            some.map(([id]) => id),
          )
          .compile(),
      );
      const events = await this.select(
        this.db
          .selectFrom('audit_events')
          .select(EVENT_COLUMNS)
          .where(
            'seq',
            'in',
            some.map(([, seq]) => seq),
          )
          .compile(),
      );
      const byId = new Map(rows.map((r) => [Number(r[0]), r]));
      const bySeq = new Map(events.map((r) => [Number(r[0]), storedOf(r)]));
      for (const [id, seq] of some) {
        const diff = this.#compareFull(byId.get(id)!, bySeq.get(seq)!);
        if (diff) this.flag(id, diff);
      }
    }
  }

  #compareFull(values: unknown[], e: FullEvent): TamperedRow | undefined {
    const { columns, ofRow, ofEvent, dataOf } = this.#spec;
    const row = rowOf(columns, values);
    const event = withData(e, dataOf(row, e.dataText));
    const diff = differingFields(ofRow(row), ofEvent(event));
    return diff.length > 0
      ? { table: this.table, id: Number(values[0]), seq: e.seq, why: changed(diff) }
      : undefined;
  }
}

/** Run rows with their outcomes, against their `run.completed` events. */
class RunCheck extends TableCheck {
  /** The outcomes of some runs, by run id. */
  readonly #results = outcomesOf(this.db);
  /** The outcomes (run_results rows) of the runs read and not yet compared, by run id. */
  readonly #outcomes = new Map<number, unknown[][]>();

  constructor(db: Kysely<Database>, select: SelectArrays, page: number) {
    super('runs', db, select, page, RUN_COLUMNS);
  }

  /** Runs are read in full whatever the events were read as. */
  override reach(seq: number): Promise<void> {
    return this.rows.reach(seq, (page) => this.#load(page));
  }

  override async finish(): Promise<TamperedRow[]> {
    await this.rows.reach(Number.POSITIVE_INFINITY, (page) => this.#load(page));
    return super.finish();
  }

  /** The outcomes of a page of runs, in one read. */
  async #load(page: unknown[][]): Promise<void> {
    const results = await this.select(this.#results(page.map((r) => Number(r[0]))));
    for (const values of results) {
      const id = Number(values[0]);
      const list = this.#outcomes.get(id);
      if (list) list.push(values);
      else this.#outcomes.set(id, [values]);
    }
  }

  protected override unrecorded(id: number, seq: number | null): void {
    this.#outcomes.delete(id);
    super.unrecorded(id, seq);
  }

  protected override duplicate(id: number, seq: number): void {
    // As before: a second row for one event is a run no event records.
    this.unrecorded(id, seq);
  }

  protected override deleted(e: BoundEvent): TamperedRow {
    const run = (JSON.parse(fieldsOf(e).dataText) as Data).run;
    return { table: 'runs', seq: e.seq, why: `deleted: its run.completed event records run ${String(run)}` };
  }

  protected compare(values: unknown[], bound: BoundEvent): TamperedRow | undefined {
    const id = Number(values[0]);
    const results = this.#outcomes.get(id) ?? [];
    this.#outcomes.delete(id);
    const outcomes = storedOutcomesDigest(results);
    // The row written as its event's text: equal to the hashed text, the row is what the event recorded.
    if (bound.spliced !== undefined) {
      const text = runEventText(values, bound.seq, outcomes);
      if (text !== undefined && rowStands(text, bound.spliced)) return undefined;
    } else if (this.comparesAsRead(bound) && runStandsAsRead(values, bound, outcomes)) return undefined;
    const e = fieldsOf(bound);
    const r = rowOf(RUN_COLUMNS, values);
    const { seq } = e;
    let summary: StatusSummary;
    try {
      summary = JSON.parse(String(r.summary)) as StatusSummary;
    } catch {
      return { table: 'runs', id, seq, why: 'changed after its event: summary is not valid JSON' };
    }
    const facts = runFacts(
      {
        id,
        checklist: String(r.checklist),
        environment: String(r.environment),
        digest: String(r.digest),
        startedAt: String(r.started_at),
        finishedAt: String(r.finished_at),
        verdict: r.verdict as Verdict,
        summary,
        outcomes: [],
        trigger: String(r.trigger),
      },
      outcomes,
    );
    const data = runData(r as never, summary, outcomes, e.dataText);
    const diff = runDiff(facts, runFactsOfEvent(withData(e, data)));
    return diff.length > 0 ? { table: 'runs', id, seq, why: changed(diff) } : undefined;
  }
}

/**
 * Every state row against the verified chain, met as the walk goes: `reach` before a page of events is
 * handed to `event`, `finish` once the whole chain held. A row no event records, a row that differs from
 * its event, and an event whose row is gone are each named, in table order (attestations, waivers,
 * sign-offs, runs), rows by id, then missing rows by event.
 */
export class StateRowsCheck {
  readonly #checks: Record<BoundTable, TableCheck>;

  /** `page`: rows read per query (VERIFY_PAGE); `splices`: simple rows may be read as texts (SPLICES). */
  constructor(db: Kysely<Database>, select: SelectArrays, page: number, splices: boolean) {
    this.#checks = {
      attestations: new SimpleCheck('attestations', db, select, page, splices),
      waivers: new SimpleCheck('waivers', db, select, page, splices),
      signoffs: new SimpleCheck('signoffs', db, select, page, splices),
      runs: new RunCheck(db, select, page),
    };
  }

  /**
   * Read every bound row up to `seq` (the last event of the page about to be walked); `spliced`: that
   * page's events were read as spliced texts.
   */
  async reach(seq: number, spliced: boolean): Promise<void> {
    await Promise.all(Object.values(this.#checks).map((c) => c.reach(seq, spliced)));
  }

  /** A verified event, in seq order: its row checked if its type records one. */
  event(e: BoundEvent): void {
    const table = TABLE_OF.get(e.type);
    if (table) this.#checks[table].event(e);
  }

  /** The tampered rows, once the whole chain is verified. */
  async finish(): Promise<TamperedRow[]> {
    const tampered: TamperedRow[] = [];
    for (const table of BOUND_TABLES) {
      tampered.push(...(await this.#checks[table].finish()));
    }
    return tampered;
  }
}
