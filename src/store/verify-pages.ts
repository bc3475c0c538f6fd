import type { CompiledQuery } from 'kysely';
import type { SelectArrays } from './adapter.js';

/** Rows read per query while verifying: a long log never sits in memory at once, and few round trips. */
export const VERIFY_PAGE = 5000;

/**
 * The pages of a keyset-paginated read, as arrays: `query` is given the last row of the page before
 * (undefined for the first). The next page is asked for before this one is handed out, so a database in
 * another process reads it meanwhile.
 * @example for await (const rows of pagesOf(select, (last) => pageAfter(last))) check(rows)
 */
export async function* pagesOf(
  select: SelectArrays,
  query: (last: readonly unknown[] | undefined) => CompiledQuery,
): AsyncGenerator<unknown[][]> {
  let next = select(query(undefined));
  for (;;) {
    const rows = await next;
    const full = rows.length >= VERIFY_PAGE;
    if (full) {
      next = select(query(rows[rows.length - 1]));
      // Read by the next turn, or dropped with the snapshot when the caller stops early.
      next.catch(() => {});
    }
    if (rows.length > 0) yield rows;
    if (!full) return;
  }
}

/**
 * A bound table's rows with a seq, read in (seq, id) order (the `*_by_seq` indexes) a page at a time,
 * so verify meets each row as the chain walk reaches its event: nothing of the chain is kept.
 * @example const rows = new SeqOrderedRows(pagesOf(select, query)); await rows.reach(seq); rows.nextUpTo(seq)
 */
export class SeqOrderedRows {
  readonly #pages: AsyncGenerator<unknown[][]>;
  #rows: unknown[][] = [];
  #i = 0;
  #done = false;

  constructor(pages: AsyncGenerator<unknown[][]>) {
    this.#pages = pages;
  }

  /** Read pages until every row with seq ≤ `seq` is at hand (or none is left); `loaded` sees each page. */
  async reach(seq: number, loaded?: (page: unknown[][]) => Promise<void>): Promise<void> {
    while (
      !this.#done &&
      (this.#i >= this.#rows.length || seqOf(this.#rows[this.#rows.length - 1]!) <= seq)
    ) {
      const next = await this.#pages.next();
      if (next.done) {
        this.#done = true;
        return;
      }
      await loaded?.(next.value);
      this.#rows = this.#i < this.#rows.length ? this.#rows.slice(this.#i).concat(next.value) : next.value;
      this.#i = 0;
    }
  }

  /** The next row if its seq is at most `seq`. */
  nextUpTo(seq: number): unknown[] | undefined {
    const row = this.#rows[this.#i];
    if (row === undefined || seqOf(row) > seq) return undefined;
    this.#i += 1;
    return row;
  }
}

/** A bound row's seq (the second column); rows with none are read apart. */
export const seqOf = (row: readonly unknown[]) => Number(row[1]);
