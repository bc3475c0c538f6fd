import type { CompiledQuery, Transaction } from 'kysely';
import type { ChainedEvent, StoredEvent, TamperedRow } from '../model/audit.js';
import type { CheckOutcome } from '../model/state.js';
import type { StatusSummary, Verdict } from '../model/status.js';
import type { StoreAdapter } from './adapter.js';
import { attestationData, runData, signoffData, waiverData } from './event-data.js';
import type { Database } from './schema.js';
import {
  attestationOfEvent,
  attestationOfRow,
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

/** Rows read per query while verifying: a long log never sits in memory at once, and few round trips. */
export const VERIFY_PAGE = 5000;

type Trx = Transaction<Database>;
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

/**
 * The pages of a keyset-paginated read (the key is the first column, ascending), as arrays. The next
 * page is asked for before this one is handed out, so a database in another process reads it meanwhile.
 */
export async function* pagesOf(
  adapter: StoreAdapter,
  trx: Trx,
  query: (after: number) => CompiledQuery,
): AsyncGenerator<unknown[][]> {
  let next = adapter.selectArrays(trx, query(0));
  for (;;) {
    const rows = await next;
    const full = rows.length >= VERIFY_PAGE;
    if (full) {
      next = adapter.selectArrays(trx, query(Number(rows[rows.length - 1]![0])));
      // Read by the next turn, or dropped with the transaction when the caller stops early.
      next.catch(() => {});
    }
    if (rows.length > 0) yield rows;
    if (!full) return;
  }
}

/** What verify keeps of a verified event of a bound type (its data unparsed), and whether a row stands for it. */
interface BoundEvent {
  event: Omit<StoredEvent, 'prevHash' | 'hash'>;
  claimed: boolean;
}

/** The verified events of the bound types, by table and seq, kept as read while verify walks the chain. */
export class BoundEvents {
  readonly #byTable = new Map<BoundTable, Map<number, BoundEvent>>();

  /** Keep a verified event if its type records state rows. */
  add(event: StoredEvent): void {
    const table = TABLE_OF.get(event.type);
    if (!table) return;
    let events = this.#byTable.get(table);
    if (!events) {
      events = new Map();
      this.#byTable.set(table, events);
    }
    // Only what a row is compared with: the links are verified already.
    const { seq, at, type, actor, checklist, environment, dataText } = event;
    events.set(seq, { event: { seq, at, type, actor, checklist, environment, dataText }, claimed: false });
  }

  of(table: BoundTable): ReadonlyMap<number, BoundEvent> {
    return this.#byTable.get(table) ?? new Map();
  }
}

/** The event with its data: rebuilt from the row when that is its stored text, else parsed. */
function withData(e: BoundEvent['event'], data: Data | undefined): ChainedEvent {
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
 * Check every state row against the verified chain (`bound`: its events of the bound types): a row no
 * event records, a row that differs from its event, and an event whose row is gone are each named, in
 * table order (attestations, waivers, sign-offs, runs), rows by id, then missing rows by event.
 */
export async function checkStateRows(
  adapter: StoreAdapter,
  trx: Trx,
  bound: BoundEvents,
): Promise<TamperedRow[]> {
  const tampered: TamperedRow[] = [];
  for (const table of ['attestations', 'waivers', 'signoffs'] as const) {
    tampered.push(...(await checkSimple(adapter, trx, table, bound.of(table))));
  }
  tampered.push(...(await checkRuns(adapter, trx, bound.of('runs'))));
  return tampered;
}

/** One simple table, judged as bindRows judges it. */
async function checkSimple(
  adapter: StoreAdapter,
  trx: Trx,
  table: SimpleTable,
  events: ReadonlyMap<number, BoundEvent>,
): Promise<TamperedRow[]> {
  const { columns, ofRow, ofEvent, dataOf } = SIMPLE[table];
  const type = EVENT_OF[table];
  const tampered: TamperedRow[] = [];
  const query = (after: number) =>
    trx
      .selectFrom(table as 'attestations')
      .select(columns as never)
      .where('id', '>', after)
      .orderBy('id')
      .limit(VERIFY_PAGE)
      .compile();
  for await (const page of pagesOf(adapter, trx, query)) {
    for (const values of page) {
      const row = rowOf(columns, values);
      const id = Number(row.id);
      const seq = row.seq === null ? null : Number(row.seq);
      const bound = seq === null ? undefined : events.get(seq);
      if (seq === null || bound === undefined) {
        tampered.push({
          table,
          id,
          ...(seq !== null ? { seq } : {}),
          why: `no ${type} event records it (written outside gonogo)`,
        });
        continue;
      }
      if (bound.claimed) {
        tampered.push({ table, id, seq, why: 'another row already stands for its event' });
        continue;
      }
      bound.claimed = true;
      const event = withData(bound.event, dataOf(row, bound.event.dataText));
      const diff = differingFields(ofRow(row), ofEvent(event));
      if (diff.length > 0) tampered.push({ table, id, seq, why: changed(diff) });
    }
  }
  for (const [seq, bound] of events) {
    if (!bound.claimed) tampered.push({ table, seq, why: `deleted: its ${type} event says it exists` });
  }
  return tampered;
}

/** Run rows with their outcomes, against their `run.completed` events. */
async function checkRuns(
  adapter: StoreAdapter,
  trx: Trx,
  events: ReadonlyMap<number, BoundEvent>,
): Promise<TamperedRow[]> {
  const tampered: TamperedRow[] = [];
  const query = (after: number) =>
    trx
      .selectFrom('runs')
      .select(RUN_COLUMNS)
      .where('id', '>', after)
      .orderBy('id')
      .limit(VERIFY_PAGE)
      .compile();
  for await (const page of pagesOf(adapter, trx, query)) {
    const ids = page.map((r) => Number(r[0]));
    const results = await adapter.selectArrays(
      trx,
      trx.selectFrom('run_results').select(RESULT_COLUMNS).where('run_id', 'in', ids).compile(),
    );
    const outcomes = new Map<number, CheckOutcome[]>();
    for (const values of results) {
      const r = rowOf(RESULT_COLUMNS, values);
      const list = outcomes.get(Number(r.run_id)) ?? [];
      list.push(outcomeOfRow(r as never));
      outcomes.set(Number(r.run_id), list);
    }
    for (const values of page) {
      const r = rowOf(RUN_COLUMNS, values);
      const id = Number(r.id);
      const seq = r.seq === null ? undefined : Number(r.seq);
      const bound = seq === undefined ? undefined : events.get(seq);
      if (bound === undefined || seq === undefined || bound.claimed) {
        tampered.push({
          table: 'runs',
          id,
          ...(seq !== undefined ? { seq } : {}),
          why: 'no run.completed event records it (written outside gonogo)',
        });
        continue;
      }
      bound.claimed = true;
      let summary: StatusSummary;
      try {
        summary = JSON.parse(String(r.summary)) as StatusSummary;
      } catch {
        tampered.push({ table: 'runs', id, seq, why: 'changed after its event: summary is not valid JSON' });
        continue;
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
        outcomes: outcomes.get(id) ?? [],
        trigger: String(r.trigger),
      });
      const data = runData(r as never, summary, facts.outcomes ?? '', bound.event.dataText);
      const diff = runDiff(facts, runFactsOfEvent(withData(bound.event, data)));
      if (diff.length > 0) tampered.push({ table: 'runs', id, seq, why: changed(diff) });
    }
  }
  for (const [seq, bound] of events) {
    if (!bound.claimed) {
      const run = (JSON.parse(bound.event.dataText) as Data).run;
      tampered.push({
        table: 'runs',
        seq,
        why: `deleted: its run.completed event records run ${String(run)}`,
      });
    }
  }
  return tampered;
}
