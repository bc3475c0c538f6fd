import type { CompiledQuery } from 'kysely';
import type { SelectArrays, StoreAdapter } from './adapter.js';

/**
 * Events read per query while verifying, by backend: a long log never sits in memory at once. SQLite
 * reads in this process, so a small page costs no round trip and keeps the rows young: pages of 5,000
 * outlived the garbage collector's young generation and were copied into the old one (a third of the
 * CPU went to the collector). PostgreSQL pays a round trip per query, and pages under ~1,000 cost its
 * server more than they save here.
 */
export const VERIFY_PAGE: Readonly<Record<StoreAdapter['dialect'], number>> = {
  sqlite: 500,
  postgres: 5000,
};

/**
 * Rows read per query on SQLite while the events and simple state rows come as spliced texts (three
 * narrow columns a row, verify-rows.ts): each query costs ~40 µs before its first row, so pages of 500
 * spent a tenth of the reading on starting queries; 2,000 cost no more memory (4,000 did: +40 MB). A
 * chain read as full rows keeps VERIFY_PAGE (2,000 full rows cost 8% more CPU and +34 MB).
 */
export const SPLICED_PAGE = 2000;

/** A page size, fixed or as it stands when each query is asked for. */
export type PageSize = number | (() => number);

/**
 * The pages of a keyset-paginated read of at most `size` rows each, as arrays: `query` is given the last
 * row of the page before (undefined for the first). `arrived` is called with each page as it comes in,
 * before the next one is asked for, and the page is handed out once what it started is done: reads it
 * starts go ahead of the next page's. The next page is asked for before this one is handed out, so a
 * database in another process reads it meanwhile.
 * @example for await (const rows of pagesOf(select, (last) => pageAfter(last), 500)) check(rows)
 */
export async function* pagesOf(
  select: SelectArrays,
  query: (last: readonly unknown[] | undefined) => CompiledQuery,
  size: PageSize,
  arrived?: (rows: unknown[][]) => Promise<void>,
): AsyncGenerator<unknown[][]> {
  // The size is taken as each query is asked for (the query reads the same state to choose its limit).
  const sizeNow = typeof size === 'number' ? () => size : size;
  let limit = sizeNow();
  let next = select(query(undefined));
  for (;;) {
    const rows = await next;
    const ready = rows.length > 0 ? arrived?.(rows) : undefined;
    const full = rows.length >= limit;
    if (full) {
      limit = sizeNow();
      next = select(query(rows[rows.length - 1]));
      // Read by the next turn, or dropped with the snapshot when the caller stops early.
      next.catch(() => {});
    }
    await ready;
    if (rows.length > 0) yield rows;
    if (!full) return;
  }
}

/**
 * A bound table's rows with a seq, read in (seq, id) order (the `*_by_seq` indexes) as the chain walk
 * needs them: `reach(seq)` reads the rows up to that seq and no further, so verify meets each row as the
 * walk reaches its event and holds no more than one page of events' rows.
 * `query(after, upTo)` reads the rows after row `after` (undefined: from the start) with seq ≤ `upTo`
 * (undefined: all), in (seq, id) order, at most `size` of them.
 * @example const rows = new SeqOrderedRows(select, query, 500); await rows.reach(seq); rows.nextUpTo(seq)
 */
export class SeqOrderedRows {
  #rows: unknown[][] = [];
  #i = 0;
  /** The last row read, and the seq every row up to which has been read. */
  #last: readonly unknown[] | undefined;
  #reached = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly select: SelectArrays,
    private readonly query: (
      after: readonly unknown[] | undefined,
      upTo: number | undefined,
    ) => CompiledQuery,
    private readonly size: PageSize,
  ) {}

  /** Read every row with seq ≤ `seq` (Infinity: every row left); `loaded` sees each page. */
  async reach(seq: number, loaded?: (page: unknown[][]) => Promise<void>): Promise<void> {
    if (seq <= this.#reached) return;
    const upTo = seq === Number.POSITIVE_INFINITY ? undefined : seq;
    const pages = pagesOf(this.select, (last) => this.query(last ?? this.#last, upTo), this.size, loaded);
    for await (const page of pages) {
      // Rows met before and not yet taken (rows no event claims) stay ahead of the new ones.
      this.#rows = this.#i < this.#rows.length ? this.#rows.slice(this.#i).concat(page) : page;
      this.#i = 0;
      this.#last = page[page.length - 1];
    }
    this.#reached = seq;
  }

  /**
   * A row met in a stream that reads every row in seq order (verify-stream.ts), in place of `reach`'s
   * reads; `reachedTo` then says up to which seq every row has been met.
   */
  push(row: unknown[]): void {
    if (this.#i >= this.#rows.length) {
      this.#rows = [];
      this.#i = 0;
    }
    this.#rows.push(row);
    this.#last = row;
  }

  /** Every row with seq ≤ `seq` has been pushed: `reach` reads only past it (from the last row pushed). */
  reachedTo(seq: number): void {
    this.#reached = seq;
  }

  /** The first row not yet taken whose seq is `seq`, left in place (nextUpTo still hands it out). */
  peek(seq: number): unknown[] | undefined {
    for (let i = this.#i; i < this.#rows.length; i++) {
      const at = seqOf(this.#rows[i]!);
      if (at >= seq) return at === seq ? this.#rows[i] : undefined;
    }
    return undefined;
  }

  /** The next row if its seq is at most `seq`. */
  nextUpTo(seq: number): unknown[] | undefined {
    const row = this.#rows[this.#i];
    if (row === undefined || seqOf(row) > seq) return undefined;
    // Dropped from the page as it is taken: garbage once checked (see taken).
    this.#rows[this.#i] = DROPPED;
    this.#i += 1;
    return row;
  }
}

/**
 * The rows of a page, each dropped from it as it is handed out: a row verify has checked is garbage at
 * once, not held by its page until the page ends (a collection mid-page copies only the rows to come).
 */
export function* taken(rows: unknown[][]): Generator<unknown[]> {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    rows[i] = DROPPED;
    yield row;
  }
}
const DROPPED: unknown[] = [];

/** A bound row's seq (the second column); rows with none are read apart. */
export const seqOf = (row: readonly unknown[]) => Number(row[1]);

/** Stand-in parameter values, far from any seq, id or page size verify asks for. */
const STAND_IN = -1_000_000_007;

/**
 * A query compiled by Kysely once per shape, not once per page: verify asks the same few queries
 * hundreds of times with other parameters, and compiling them was ~4% of its time. `compile(params)`
 * builds the query with `params` bound (named numbers, each bound once); its shape is which parameters
 * it is given. The first call of a shape compiles it with stand-in values, which show where each
 * parameter goes in the SQL; later calls only put the parameters there.
 * @example const q = compiledOnce((p) => db.selectFrom('t').selectAll().$if(p.after !== undefined, (q) => q.where('id', '>', p.after!)).compile()); q({ after: 7 })
 */
export function compiledOnce(
  compile: (params: Readonly<Record<string, number>>) => CompiledQuery,
): (params: Readonly<Record<string, number>>) => CompiledQuery {
  const kept = new Map<string, { query: CompiledQuery; from: string[] }>();
  return (params) => {
    const names = Object.keys(params);
    const shape = names.join();
    let k = kept.get(shape);
    if (!k) {
      const standIns = Object.fromEntries(names.map((name, i) => [name, STAND_IN - i]));
      const query = compile(standIns);
      const from = query.parameters.map((p) => names[STAND_IN - (p as number)] ?? '');
      if (from.includes('') || new Set(from).size !== names.length) {
        throw new Error(`verify: a query does not take each of ${shape} once`);
      }
      k = { query, from };
      kept.set(shape, k);
    }
    const { from } = k;
    return { ...k.query, parameters: from.map((name) => params[name]) };
  };
}

/**
 * A query over a list of numbers (`where x in (…)`) compiled once per list length, as compiledOnce does
 * for named parameters: each page of runs asked Kysely to compile its outcomes' read again. The first
 * compile of a length uses stand-in values, which must come out as the query's parameters in order.
 * @example const q = compiledPerLength((ids) => db.selectFrom('t').selectAll().where('id', 'in', ids).compile()); q([1, 2])
 */
export function compiledPerLength(
  compile: (values: readonly number[]) => CompiledQuery,
): (values: readonly number[]) => CompiledQuery {
  const kept = new Map<number, CompiledQuery>();
  return (values) => {
    let query = kept.get(values.length);
    if (!query) {
      const standIns = values.map((_, i) => STAND_IN - i);
      query = compile(standIns);
      const { parameters } = query;
      if (parameters.length !== standIns.length || parameters.some((p, i) => p !== standIns[i])) {
        throw new Error('verify: a query does not take its list as its parameters, in order');
      }
      kept.set(values.length, query);
    }
    return { ...query, parameters: values };
  };
}
