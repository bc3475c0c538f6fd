import { type Kysely, sql } from 'kysely';
import type { ChainedEvent, StoredEvent, TamperedRow } from '../model/audit.js';
import type { CheckOutcome } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import type { SelectArrays } from './adapter.js';
import { attestationData, runData, signoffData, waiverData } from './event-data.js';
import type { Database } from './schema.js';
import {
  attestationOfEvent,
  attestationOfRow,
  BOUND_TABLES,
  type BoundTable,
  differingFields,
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
import { compiledOnce, pagesOf, SeqOrderedRows, seqOf } from './verify-pages.js';

type Row = Record<string, unknown>;
type Data = Record<string, unknown>;
type SimpleTable = Exclude<BoundTable, 'runs'>;

const TABLE_OF = new Map<string, BoundTable>(
  Object.entries(EVENT_OF).map(([table, type]) => [type, table as BoundTable]),
);

/** The bound event types: what verify collects from the chain while it walks it. */
export const BOUND_TYPES: ReadonlySet<string> = new Set(TABLE_OF.keys());

/**
 * How the rows of each simple bound table are read (the columns as schema.ts has them) and compared:
 * the row's facts against its event's (state-binding.ts), the event's data rebuilt from the row when
 * it is the stored text (event-data.ts).
 */
const SIMPLE: Record<
  SimpleTable,
  {
    columns: readonly string[];
    ofRow(r: Row): object;
    ofEvent(e: ChainedEvent): object;
    dataOf(r: Row, text: string): Data | undefined;
  }
> = {
  attestations: {
    columns: [
      'id',
      'seq',
      'checklist',
      'environment',
      'item',
      'evidence',
      'value',
      'file_name',
      'file_sha256',
      'by',
      'at',
      'expires_at',
    ],
    ofRow: (r) => attestationOfRow(r as never),
    ofEvent: attestationOfEvent,
    dataOf: (r, text) => attestationData(r as never, text),
  },
  waivers: {
    columns: ['id', 'seq', 'checklist', 'environment', 'item', 'reason', 'owner', 'by', 'at', 'expires_at'],
    ofRow: (r) => waiverOfRow(r as never),
    ofEvent: waiverOfEvent,
    dataOf: (r, text) => waiverData(r as never, text),
  },
  signoffs: {
    columns: ['id', 'seq', 'checklist', 'environment', 'role', 'digest', 'by', 'at', 'person', 'evidence'],
    ofRow: (r) => signoffOfRow(r as never),
    ofEvent: signoffOfEvent,
    dataOf: (r, text) => signoffData(r as never, text),
  },
};
const RUN_COLUMNS = [
  'id',
  'seq',
  'checklist',
  'environment',
  'digest',
  'started_at',
  'finished_at',
  'verdict',
  'summary',
  'trigger',
] as const;
const RESULT_COLUMNS = ['run_id', 'item', 'status', 'message', 'observed', 'duration_ms', 'at'] as const;

function rowOf(columns: readonly string[], values: readonly unknown[]): Row {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}

/** The event a state row is compared with: as stored, links left out (verify checked them). */
type BoundEvent = Omit<StoredEvent, 'prevHash' | 'hash'>;

/** The event with its data: rebuilt from the row when that is its stored text, else parsed. */
function withData(e: BoundEvent, data: Data | undefined): ChainedEvent {
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

  constructor(
    readonly table: BoundTable,
    protected readonly db: Kysely<Database>,
    protected readonly select: SelectArrays,
    protected readonly page: number,
    columns: readonly string[],
  ) {
    // From the first row or after row (seq, id); up to a seq or every row left: each shape compiled once.
    const compiled = compiledOnce(({ limit, upTo, seq, id }) =>
      db
        .selectFrom(table as 'attestations')
        .select(columns as never)
        .where('seq', 'is not', null)
        .$if(seq !== undefined, (q) => q.where(sql<boolean>`(seq, id) > (${seq!}, ${id!})`))
        .$if(upTo !== undefined, (q) => q.where('seq', '<=', upTo!))
        .orderBy('seq')
        .orderBy('id')
        .limit(limit!)
        .compile(),
    );
    const query = (last: readonly unknown[] | undefined, upTo: number | undefined) =>
      compiled({
        limit: page,
        ...(upTo !== undefined ? { upTo } : {}),
        ...(last !== undefined ? { seq: Number(last[1]), id: Number(last[0]) } : {}),
      });
    this.rows = new SeqOrderedRows(select, query, page);
  }

  /** Read what the events up to `seq` need. */
  reach(seq: number): Promise<void> {
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

  /** The row against its event: what is wrong with it, or undefined when it stands. */
  protected abstract compare(values: unknown[], e: BoundEvent): TamperedRow | undefined;
}

/** A simple table, judged as bindRows judges it. */
class SimpleCheck extends TableCheck {
  readonly #spec: (typeof SIMPLE)[SimpleTable];

  constructor(table: SimpleTable, db: Kysely<Database>, select: SelectArrays, page: number) {
    super(table, db, select, page, SIMPLE[table].columns);
    this.#spec = SIMPLE[table];
  }

  protected compare(values: unknown[], e: BoundEvent): TamperedRow | undefined {
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
  /** The outcomes of the runs read and not yet compared, by run id. */
  readonly #outcomes = new Map<number, CheckOutcome[]>();

  constructor(db: Kysely<Database>, select: SelectArrays, page: number) {
    super('runs', db, select, page, RUN_COLUMNS);
  }

  override reach(seq: number): Promise<void> {
    return this.rows.reach(seq, (page) => this.#load(page));
  }

  override async finish(): Promise<TamperedRow[]> {
    await this.rows.reach(Number.POSITIVE_INFINITY, (page) => this.#load(page));
    return super.finish();
  }

  /** The outcomes of a page of runs, in one read. */
  async #load(page: unknown[][]): Promise<void> {
    const ids = page.map((r) => Number(r[0]));
    const results = await this.select(
      this.db.selectFrom('run_results').select(RESULT_COLUMNS).where('run_id', 'in', ids).compile(),
    );
    for (const values of results) {
      const r = rowOf(RESULT_COLUMNS, values);
      const id = Number(r.run_id);
      let list = this.#outcomes.get(id);
      if (!list) {
        list = [];
        this.#outcomes.set(id, list);
      }
      list.push(outcomeOfRow(r as never));
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
    const run = (JSON.parse(e.dataText) as Data).run;
    return { table: 'runs', seq: e.seq, why: `deleted: its run.completed event records run ${String(run)}` };
  }

  protected compare(values: unknown[], e: BoundEvent): TamperedRow | undefined {
    const r = rowOf(RUN_COLUMNS, values);
    const id = Number(r.id);
    const { seq } = e;
    const outcomes = this.#outcomes.get(id) ?? [];
    this.#outcomes.delete(id);
    let summary: StatusSummary;
    try {
      summary = JSON.parse(String(r.summary)) as StatusSummary;
    } catch {
      return { table: 'runs', id, seq, why: 'changed after its event: summary is not valid JSON' };
    }
    const facts = runFacts({
      id,
      checklist: String(r.checklist),
      environment: String(r.environment),
      digest: String(r.digest),
      startedAt: String(r.started_at),
      finishedAt: String(r.finished_at),
      verdict: r.verdict as Verdict,
      summary,
      outcomes,
      trigger: String(r.trigger),
    });
    const data = runData(r as never, summary, facts.outcomes ?? '', e.dataText);
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

  /** `page`: rows read per query (VERIFY_PAGE). */
  constructor(db: Kysely<Database>, select: SelectArrays, page: number) {
    this.#checks = {
      attestations: new SimpleCheck('attestations', db, select, page),
      waivers: new SimpleCheck('waivers', db, select, page),
      signoffs: new SimpleCheck('signoffs', db, select, page),
      runs: new RunCheck(db, select, page),
    };
  }

  /** Read every bound row up to `seq` (the last event of the page about to be walked). */
  async reach(seq: number): Promise<void> {
    await Promise.all(Object.values(this.#checks).map((c) => c.reach(seq)));
  }

  /** A verified event, in seq order: its row checked if its type records one. */
  event(e: StoredEvent): void {
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
