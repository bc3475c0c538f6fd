import { type Compilable, CompiledQuery, type QueryResult, type Transaction } from 'kysely';
import { StoreInputError } from '../engine/store.js';
import { INSERT_MAX_PARAMETERS } from './adapter.js';
import type { Database } from './schema.js';

/** The most rows one list call returns. */
export const MAX_LIST = 1000;

/** The last time `iso` normalised, and its form: a run's outcomes come a dozen to the millisecond. */
let lastIso: { value: string; normal: string } | undefined;

/**
 * `YYYY-MM-DDTHH:MM:SS.` of the last time found in `toISOString()` form already: any other millisecond
 * of that second (`.mmmZ`) is in that form too. A tick's samples come a few to the millisecond, but
 * hundreds to the second.
 */
let lastSecond: string | undefined;

/** `.mmmZ` from offset 20 on: three digits and `Z`, nothing after. */
function isMillisecondsZ(value: string): boolean {
  if (value.length !== 24 || value.charCodeAt(23) !== 90) return false;
  for (let i = 20; i < 23; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Normalise a time to `toISOString()` form, so stored times sort as text on every backend. */
export function iso(value: string, field: string): string {
  if (lastIso !== undefined && value === lastIso.value) return lastIso.normal;
  if (lastSecond !== undefined && value.startsWith(lastSecond) && isMillisecondsZ(value)) return value;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new StoreInputError(`${field}: "${value}" is not an ISO date-time`, field);
  const normal = new Date(t).toISOString();
  lastIso = { value, normal };
  if (normal === value && isMillisecondsZ(value)) lastSecond = value.slice(0, 20);
  return normal;
}

/** A page size within 1..MAX_LIST. */
export function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  return Math.max(1, Math.min(MAX_LIST, Math.floor(limit)));
}

/**
 * Refuse text holding NUL (U+0000), naming the field (`evidence`, `file.name`). PostgreSQL cannot
 * store it in text at all; SQLite could, but both backends must keep the same things.
 */
export function refuseNul(input: unknown, path = ''): void {
  if (typeof input === 'string') {
    if (input.includes('\u0000')) {
      const field = path || 'value';
      throw new StoreInputError(
        `${field} contains a NUL character (\\u0000), which the store does not keep; remove it`,
        field,
      );
    }
    return;
  }
  if (input === null || typeof input !== 'object') return;
  for (const [key, value] of Object.entries(input)) refuseNul(value, path ? `${path}.${key}` : key);
}

/**
 * Observed text (a check's message) as the store keeps it: NUL becomes U+FFFD, the character a decoder
 * puts for what it cannot represent, because a run must never fail over what a target printed.
 */
export function keepable(text: string): string;
export function keepable(text: string | undefined): string | undefined;
export function keepable(text: string | undefined): string | undefined {
  return text?.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/**
 * The most rows one INSERT carries. Compiling an INSERT costs Kysely ~30 µs a row (a frozen node per
 * value), once per chunk size: 4,000-row chunks made a 50,000-item run compile 4,000 rows, 500-row
 * chunks compile 500 and reuse that text; SQLite runs 500-row statements no slower than longer ones.
 */
export const INSERT_MAX_ROWS = 500;

/**
 * How many of `count` rows each INSERT carries: the fewest chunks that keep each INSERT within
 * INSERT_MAX_PARAMETERS, all of (about) one size, so they share one SQL text (one prepared statement)
 * instead of a last chunk of its own.
 */
function chunkSize(count: number, columns: number): number {
  const perChunk = Math.max(
    1,
    Math.min(INSERT_MAX_ROWS, Math.floor(INSERT_MAX_PARAMETERS / Math.max(1, columns))),
  );
  return Math.ceil(count / Math.ceil(count / perChunk));
}

export type Row = Record<string, string | number | boolean | null>;

/**
 * SQL texts by query shape, kept by a store across calls (a Map per store, so per backend): `null`
 * means the shape's parameters did not come out as expected and it is compiled every time.
 */
export type SqlTexts = Map<string, string | null>;

/**
 * Run the query `build` makes with `params`, compiling it only the first time its `shape` (a key that
 * names everything but the parameter values: table, columns, row count, clauses) is seen. Kysely builds
 * (and freezes) a node per value, which for hundreds of rows costs more than the database's own work;
 * later queries of that shape run the same SQL with their own parameters. The reuse is checked against
 * Kysely's own parameters for the first query (the same values, in the order of `params`); if that ever
 * does not hold, the shape is compiled every time.
 */
export async function executeShaped<R>(
  executor: Pick<Transaction<Database>, 'executeQuery'>,
  texts: SqlTexts,
  shape: string,
  params: readonly unknown[],
  build: () => Compilable<R>,
): Promise<QueryResult<R>> {
  const sqlText = texts.get(shape);
  if (sqlText === undefined) {
    const query = build().compile();
    const same =
      query.parameters.length === params.length && query.parameters.every((p, i) => p === params[i]);
    texts.set(shape, same ? query.sql : null);
    return executor.executeQuery(query);
  }
  if (sqlText === null) return executor.executeQuery(build().compile());
  return executor.executeQuery(CompiledQuery.raw(sqlText, [...params]) as CompiledQuery<R>);
}

/**
 * Insert rows in as few chunks as the bound-parameter limit allows (see `chunkSize`), each INSERT compiled
 * once per chunk size (`executeShaped`): per call, or per store when the caller passes its `texts`.
 */
export function insertRows<T extends keyof Database & string>(
  trx: Transaction<Database>,
  table: T,
  rows: Row[],
  texts: SqlTexts = new Map(),
): Promise<void> {
  return insertRowsOf(trx, table, rows, (row) => row, texts);
}

/**
 * insertRows of `toRow` of each of `sources`, each chunk's rows made just before its INSERT: a run's
 * 50,000 results (their observed values as JSON text) are never all held as rows at once.
 */
export async function insertRowsOf<S, T extends keyof Database & string>(
  trx: Transaction<Database>,
  table: T,
  sources: readonly S[],
  toRow: (source: S) => Row,
  texts: SqlTexts = new Map(),
): Promise<void> {
  if (sources.length === 0) return;
  let part = [toRow(sources[0]!)];
  const columns = Object.keys(part[0]!);
  const shape = `insert\u0000${table}\u0000${columns.join('\u0000')}\u0000`;
  const size = chunkSize(sources.length, columns.length);
  for (let start = 0; start < sources.length; start += size) {
    const end = Math.min(start + size, sources.length);
    for (let i = start + part.length; i < end; i++) part.push(toRow(sources[i]!));
    const params: unknown[] = [];
    for (const row of part) for (const column of columns) params.push(row[column]);
    const rows = part;
    await executeShaped(trx, texts, `${shape}${rows.length}`, params, () =>
      trx.insertInto(table).values(rows as never),
    );
    part = [];
  }
}
