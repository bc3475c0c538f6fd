import type { Kysely } from 'kysely';
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
import { TableCheck } from './verify-table-check.js';

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

  protected stands(values: unknown[], e: BoundEvent): boolean {
    // Read as its text (SQLite): it is the event's text. Both read in full (PostgreSQL, an older
    // chain's page): fields and data text compared.
    if (values.length === 3 || e.spliced !== undefined)
      return values.length === 3 && e.spliced !== undefined && rowStands(values[2], e.spliced);
    return this.comparesAsRead(e) && this.#spec.stands(values, e);
  }

  protected compare(values: unknown[], e: BoundEvent): TamperedRow | undefined {
    if (values === this.stood || this.stands(values, e)) return undefined;
    // Read as its text: compared in full later.
    if (values.length === 3 || e.spliced !== undefined) {
      this.#later.push([Number(values[0]), e.seq]);
      return undefined;
    }
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
    for (const values of results) this.outcome(values);
  }

  /** One of a run's outcomes (a run_results row, RESULT_COLUMNS). */
  outcome(values: unknown[]): void {
    const id = Number(values[0]);
    const list = this.#outcomes.get(id);
    if (list) list.push(values);
    else this.#outcomes.set(id, [values]);
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

  /** A run's outcome digest, kept for the row it was last written for (vouches, then compare). */
  #digest: { row: unknown[]; outcomes: string } | undefined;

  #outcomesOf(values: unknown[]): string {
    if (this.#digest?.row === values) return this.#digest.outcomes;
    const outcomes = storedOutcomesDigest(this.#outcomes.get(Number(values[0])) ?? []);
    this.#digest = { row: values, outcomes };
    return outcomes;
  }

  protected stands(values: unknown[], bound: BoundEvent): boolean {
    const outcomes = this.#outcomesOf(values);
    // The row written as its event's text: equal to the hashed text, the row is what the event recorded.
    if (bound.spliced !== undefined) {
      const text = runEventText(values, bound.seq, outcomes);
      return text !== undefined && rowStands(text, bound.spliced);
    }
    return this.comparesAsRead(bound) && runStandsAsRead(values, bound, outcomes);
  }

  protected compare(values: unknown[], bound: BoundEvent): TamperedRow | undefined {
    const id = Number(values[0]);
    const outcomes = this.#outcomesOf(values);
    const stood = values === this.stood || this.stands(values, bound);
    this.#outcomes.delete(id);
    this.#digest = undefined;
    if (stood) return undefined;
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

  /**
   * A bound row or a run's outcome met in a stream in seq order (verify-stream.ts), in place of `reach`'s
   * reads; `reachedTo(seq)` once every row up to that seq has been met.
   */
  take(table: BoundTable, row: unknown[]): void {
    this.#checks[table].take(row);
  }

  outcome(row: unknown[]): void {
    (this.#checks.runs as RunCheck).outcome(row);
  }

  reachedTo(seq: number): void {
    for (const check of Object.values(this.#checks)) check.reachedTo(seq);
  }

  /** Whether an event's row stands by the texts, which proves its data text canonical (TableCheck.vouches). */
  vouches(e: BoundEvent): boolean {
    const table = TABLE_OF.get(e.type);
    return table !== undefined && this.#checks[table].vouches(e);
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
