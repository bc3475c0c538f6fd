import { CompiledQuery, type Transaction } from 'kysely';
import { StoreInputError } from '../engine/store.js';
import { INSERT_MAX_PARAMETERS } from './adapter.js';
import type { Database } from './schema.js';

/** The most rows one list call returns. */
export const MAX_LIST = 1000;

/** Normalise a time to `toISOString()` form, so stored times sort as text on every backend. */
export function iso(value: string, field: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new StoreInputError(`${field}: "${value}" is not an ISO date-time`, field);
  return new Date(t).toISOString();
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
 * Rows cut into the fewest chunks that keep each INSERT within INSERT_MAX_PARAMETERS, all of (about) one
 * size, so they share one SQL text (one prepared statement) instead of a last chunk of its own.
 */
function chunks<T>(rows: T[], columns: number): T[][] {
  const perChunk = Math.max(1, Math.floor(INSERT_MAX_PARAMETERS / Math.max(1, columns)));
  const count = Math.ceil(rows.length / perChunk);
  const size = Math.ceil(rows.length / count);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export type Row = Record<string, string | number | boolean | null>;

/**
 * Insert rows in as few chunks as the bound-parameter limit allows (see `chunks`). Kysely builds (and freezes) a node per value, which for a
 * 5,000-item run costs more than the database's own work; so the INSERT of a chunk is compiled once
 * per chunk size, and later chunks of that size run the same SQL with their own parameters. The reuse
 * is checked against Kysely's own parameters for the first chunk (one parameter per column and row,
 * in row order); if that ever does not hold, every chunk is compiled.
 */
export async function insertRows<T extends keyof Database & string>(
  trx: Transaction<Database>,
  table: T,
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const compiled = new Map<number, string | null>();
  for (const part of chunks(rows, columns.length)) {
    const params: unknown[] = [];
    for (const row of part) for (const column of columns) params.push(row[column]);
    let sqlText = compiled.get(part.length);
    if (sqlText === undefined) {
      const query = trx
        .insertInto(table)
        .values(part as never)
        .compile();
      const same =
        query.parameters.length === params.length && query.parameters.every((p, i) => p === params[i]);
      sqlText = same ? query.sql : null;
      compiled.set(part.length, sqlText);
      await trx.executeQuery(query);
      continue;
    }
    if (sqlText === null) {
      await trx
        .insertInto(table)
        .values(part as never)
        .execute();
      continue;
    }
    await trx.executeQuery(CompiledQuery.raw(sqlText, params));
  }
}
