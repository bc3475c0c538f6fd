import { type Kysely, sql } from 'kysely';
import type { ChainedEvent, StoredEvent, TamperedRow } from '../model/audit.js';
import type { CheckOutcome } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import type { SelectArrays, StoreAdapter } from './adapter.js';
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
import { pagesOf, SeqOrderedRows, seqOf, VERIFY_PAGE } from './verify-pages.js';
import { certifiedSql } from './verify-sql.js';

type JsonSql = StoreAdapter['jsonSql'];

type Row = Record<string, unknown>;
type Data = Record<string, unknown>;
type SimpleTable = Exclude<BoundTable, 'runs'>;

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

/** The event's columns read beside a row whose comparison is left to JavaScript (the `e.` alias). */
const EVENT_COLUMNS = ['at', 'type', 'actor', 'checklist', 'environment', 'data'] as const;

/** Rows compared at a time when the database could not certify them. */
const COMPARE_CHUNK = 1000;

/**
 * One bound table's rows against the chain's events of its type, met in seq order: each event is
 * handed over as the walk verifies it, with every row up to its seq read. A row no event records, a
 * second row for one event, a row that differs from its event, and an event whose row is gone are each
 * named as before (rows by id, then missing rows by event), whatever order the rows were met in.
 *
 * The walk reads each row's id, seq and whether the database certifies it matches its event
 * (verify-sql.ts); the rows it cannot certify are read in full, with their event, and compared once
 * the chain is walked.
 */
abstract class TableCheck {
  readonly #byRow: { id: number; t: TamperedRow }[] = [];
  readonly #missing: number[] = [];
  /** Rows that stand for an event and are to be compared in JavaScript: id → seq. */
  readonly #uncertified = new Map<number, number>();
  protected readonly rows: SeqOrderedRows;

  constructor(
    readonly table: BoundTable,
    protected readonly db: Kysely<Database>,
    protected readonly select: SelectArrays,
    jsonSql: JsonSql,
    private readonly columns: readonly string[],
  ) {
    const ok = certifiedSql(jsonSql, table, 'a', 'e');
    const query = (last: readonly unknown[] | undefined) =>
      db
        .selectFrom(`${table} as a` as 'attestations')
        .leftJoin('audit_events as e', 'e.seq', 'a.seq' as never)
        .select(['a.id' as 'id', 'a.seq' as 'seq', sql.raw<number>(ok).as('ok')])
        .where('a.seq' as 'seq', 'is not', null)
        .$if(last !== undefined, (q) =>
          q.where(sql<boolean>`(a.seq, a.id) > (${Number(last![1])}, ${Number(last![0])})`),
        )
        .orderBy('a.seq' as 'seq')
        .orderBy('a.id' as 'id')
        .limit(VERIFY_PAGE)
        .compile();
    this.rows = new SeqOrderedRows(pagesOf(select, query));
  }

  /** Read what the events up to `seq` need. */
  reach(seq: number): Promise<void> {
    return this.rows.reach(seq);
  }

  /** A verified event of this table's type: its row compared (the rows before it have no event). */
  event(seq: number): void {
    let row = this.rows.nextUpTo(seq - 1);
    for (; row !== undefined; row = this.rows.nextUpTo(seq - 1)) this.unrecorded(Number(row[0]), seqOf(row));
    row = this.rows.nextUpTo(seq);
    if (row === undefined) {
      this.#missing.push(seq);
      return;
    }
    if (Number(row[2]) !== 1) this.#uncertified.set(Number(row[0]), seq);
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
        .limit(VERIFY_PAGE)
        .compile();
    for await (const page of pagesOf(this.select, query)) {
      for (const [id] of page) this.unrecorded(Number(id), null);
    }
    await this.#compareUncertified();
    const missing: TamperedRow[] = [];
    for (const seq of this.#missing) missing.push(await this.deleted(seq));
    this.#byRow.sort((a, b) => a.id - b.id);
    return [...this.#byRow.map((r) => r.t), ...missing];
  }

  /** The rows the database could not certify, read in full with their event and compared. */
  async #compareUncertified(): Promise<void> {
    const ids = [...this.#uncertified.keys()];
    for (let i = 0; i < ids.length; i += COMPARE_CHUNK) {
      const chunk = ids.slice(i, i + COMPARE_CHUNK);
      const rows = await this.select(
        this.db
          .selectFrom(`${this.table} as a` as 'attestations')
          .innerJoin('audit_events as e', 'e.seq', 'a.seq' as never)
          .select(
            [...this.columns, ...EVENT_COLUMNS].map((c, k) =>
              k < this.columns.length ? `a.${c}` : `e.${c}`,
            ) as never,
          )
          .where('a.id' as 'id', 'in', chunk)
          .compile(),
      );
      await this.loaded(chunk);
      const n = this.columns.length;
      for (const values of rows) {
        const id = Number(values[0]);
        const seq = this.#uncertified.get(id);
        if (seq === undefined || seqOf(values) !== seq) continue;
        const [at, type, actor, checklist, environment, dataText] = values.slice(n);
        const e = { seq, at, type, actor, checklist, environment, dataText } as BoundEvent;
        const diff = this.compare(values.slice(0, n), e);
        if (diff) this.flag(id, diff);
      }
    }
  }

  /** What a chunk of uncertified rows needs read before they are compared (runs: their outcomes). */
  protected async loaded(_ids: number[]): Promise<void> {}

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

  protected async deleted(seq: number): Promise<TamperedRow> {
    return { table: this.table, seq, why: `deleted: its ${EVENT_OF[this.table]} event says it exists` };
  }

  /** The row against its event: what is wrong with it, or undefined when it stands. */
  protected abstract compare(values: unknown[], e: BoundEvent): TamperedRow | undefined;
}

/** A simple table, judged as bindRows judges it. */
class SimpleCheck extends TableCheck {
  readonly #spec: (typeof SIMPLE)[SimpleTable];

  constructor(table: SimpleTable, db: Kysely<Database>, select: SelectArrays, jsonSql: JsonSql) {
    super(table, db, select, jsonSql, SIMPLE[table].columns);
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

  constructor(db: Kysely<Database>, select: SelectArrays, jsonSql: JsonSql) {
    super('runs', db, select, jsonSql, RUN_COLUMNS);
  }

  /** The outcomes of the runs about to be compared, in one read. */
  protected override async loaded(ids: number[]): Promise<void> {
    this.#outcomes.clear();
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

  protected override duplicate(id: number, seq: number): void {
    // As before: a second row for one event is a run no event records.
    this.unrecorded(id, seq);
  }

  protected override async deleted(seq: number): Promise<TamperedRow> {
    const [[dataText]] = (await this.select(
      this.db.selectFrom('audit_events').select('data').where('seq', '=', seq).compile(),
    )) as [[string]];
    const run = (JSON.parse(dataText) as Data).run;
    return { table: 'runs', seq, why: `deleted: its run.completed event records run ${String(run)}` };
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

  constructor(db: Kysely<Database>, select: SelectArrays, jsonSql: JsonSql) {
    this.#checks = {
      attestations: new SimpleCheck('attestations', db, select, jsonSql),
      waivers: new SimpleCheck('waivers', db, select, jsonSql),
      signoffs: new SimpleCheck('signoffs', db, select, jsonSql),
      runs: new RunCheck(db, select, jsonSql),
    };
  }

  /** Read every bound row up to `seq` (the last event of the page about to be walked). */
  async reach(seq: number): Promise<void> {
    await Promise.all(Object.values(this.#checks).map((c) => c.reach(seq)));
  }

  /** A verified event, in seq order: its row checked if its kind (`table`) records one. */
  event(table: BoundTable | undefined, seq: number): void {
    if (table) this.#checks[table].event(seq);
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
