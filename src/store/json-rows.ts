import type { StoreAdapter } from './adapter.js';

type Dialect = StoreAdapter['dialect'];

/** The `k`-th parameter (from 1) as the dialect writes it. */
export function placeholder(dialect: Dialect, k: number): string {
  return dialect === 'sqlite' ? '?' : `$${k}`;
}

/**
 * `select <columns> from` the elements of ONE JSON array bound as parameter `k` (the last one), each
 * element named "value", in the array's order. A batch's rows bound this way are one parameter where
 * they were one per row and column (a tick's 500 claims were 3,000, each bound and checked on its own):
 * `json_each` on SQLite, `json_array_elements[_text]` with its ordinality on PostgreSQL. `text`: the
 * elements are strings, taken as text; otherwise they are JSON (arrays: `"value" ->> 0` is the first).
 * Ends so that an upsert's `on conflict` may follow.
 */
export function selectFromJsonArray(dialect: Dialect, columns: string[], k: number, text: boolean): string {
  const select = `select ${columns.join(', ')} from `;
  if (dialect === 'sqlite') {
    // `where true`: SQLite's parser would read an upsert's ON as a join's without it.
    return `${select}json_each(?) where true `;
  }
  const elements = text ? 'json_array_elements_text' : 'json_array_elements';
  return `${select}${elements}($${k}::json) with ordinality as t("value", n) order by n `;
}

/**
 * `values` as the JSON array parameter, and each as the store gives it back. A lone UTF-16 surrogate (half
 * of a pair; a checklist's YAML can write one) bound alone is written as U+FFFD by the PostgreSQL client,
 * and as its own three bytes by SQLite's, which read back as three U+FFFD (an invalid UTF-8 sequence
 * decoded). In JSON it is an escape (`\udXXX`) that SQLite decodes to those same three bytes and that
 * PostgreSQL refuses (the whole statement would fail): for PostgreSQL it is replaced first, as the client
 * would replace it.
 */
export function jsonArrayParam(
  dialect: Dialect,
  values: readonly string[],
): { json: string; asRead: readonly string[] } {
  const json = JSON.stringify(values);
  // JSON.stringify escapes exactly the lone surrogates as `\udXXX` (a backslash written in the text
  // before `ud` matches too: that only takes the slower, equally right path).
  if (!json.includes('\\ud')) return { json, asRead: values };
  const lone = /\p{Cs}/gu;
  if (dialect === 'sqlite') return { json, asRead: values.map((v) => v.replace(lone, '\uFFFD'.repeat(3))) };
  const stored = values.map((v) => v.replace(lone, '\uFFFD'));
  return { json: JSON.stringify(stored), asRead: stored };
}
