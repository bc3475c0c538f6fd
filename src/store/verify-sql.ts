import type { StoreAdapter } from './adapter.js';
import { BOUND_TABLES, type BoundTable, EVENT_OF } from './state-binding.js';

/**
 * The SQL of verify's fast reads (DESIGN.md "Store and audit"): the database builds the text an event
 * is hashed over and says which state rows certainly match their event, so the process reads a few
 * values per row instead of every column. Each is only ever a shortcut to "holds": whatever the SQL
 * cannot vouch for (a field not stored as text, JSON the database quotes differently, a changed row)
 * goes to the checks in JavaScript, which name what is wrong exactly as before.
 */

type JsonSql = StoreAdapter['jsonSql'];

/** The bound event kinds as small numbers (1-based, in BOUND_TABLES order; 0 for any other type). */
export const KIND_TABLES: readonly (BoundTable | undefined)[] = [undefined, ...BOUND_TABLES];

const TABLE_OF = new Map<string, BoundTable>(BOUND_TABLES.map((t) => [EVENT_OF[t], t]));

/** The bound table an event type records a row of, if any. */
export const tableOfType = (type: string): BoundTable | undefined => TABLE_OF.get(type);

const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** An event's kind as a number: no string per row for its type. */
export function kindSql(column: string): string {
  const cases = BOUND_TABLES.map((t, i) => `when ${lit(EVENT_OF[t])} then ${i + 1}`).join(' ');
  return `case ${column} ${cases} else 0 end`;
}

/** A nullable text column as JSON: `null`, or the text quoted. */
const orNull = (j: JsonSql, column: string) =>
  `case when ${column} is null then 'null' else ${j.quote(column)} end`;

/**
 * `prev_hash ‖ canonical_json(event)` spliced from the stored columns (hashedText's bytes: keys in
 * canonical order, the data text as stored), or NULL when `prev_hash` is not 64 characters of text or
 * a field is not text. `e` is the audit_events alias.
 */
export function hashedInputSql(j: JsonSql, e: string): string {
  const prev = j.text(`${e}.prev_hash`);
  return (
    `case when length(${prev}) = 64 then ${prev} || '{"actor":' || ${j.quote(`${e}.actor`)}` +
    ` || ',"at":' || ${j.quote(`${e}.at`)} || ',"checklist":' || ${orNull(j, `${e}.checklist`)}` +
    ` || ',"data":' || ${j.text(`${e}.data`)} || ',"environment":' || ${orNull(j, `${e}.environment`)}` +
    ` || ',"seq":' || cast(${e}.seq as text) || ',"type":' || ${j.quote(`${e}.type`)} || '}' end`
  );
}

/** `,"key":value` when `column` is not NULL, else nothing (the key is left out). */
const optional = (j: JsonSql, key: string, column: string, when = `${column} is not null`) =>
  `case when ${when} then ',"${key}":' || ${j.quote(column)} else '' end`;

/**
 * The canonical data text of the event that records a row of each simple table, built from row `r`
 * the way the write path builds it (event-data.ts's canonical forms): keys sorted, optional ones left
 * out when the row has none. NULL when a field the event always has is missing.
 */
const CANONICAL_DATA: Record<Exclude<BoundTable, 'runs'>, (j: JsonSql, r: string) => string> = {
  attestations: (j, r) =>
    `'{"evidence":' || ${j.quote(`${r}.evidence`)} || ${optional(j, 'expiresAt', `${r}.expires_at`)}` +
    ` || case when ${r}.file_name is not null and ${r}.file_sha256 is not null then ',"file":{"name":' ||` +
    ` ${j.quote(`${r}.file_name`)} || ',"sha256":' || ${j.quote(`${r}.file_sha256`)} || '}' else '' end` +
    ` || ',"item":' || ${j.quote(`${r}.item`)} || ${optional(j, 'value', `${r}.value`)} || '}'`,
  waivers: (j, r) =>
    `'{"expiresAt":' || ${j.quote(`${r}.expires_at`)} || ',"item":' || ${j.quote(`${r}.item`)}` +
    ` || ',"owner":' || ${j.quote(`${r}.owner`)} || ',"reason":' || ${j.quote(`${r}.reason`)} || '}'`,
  signoffs: (j, r) =>
    `'{"digest":' || ${j.quote(`${r}.digest`)} || ${optional(j, 'evidence', `${r}.evidence`)}` +
    ` || ${optional(j, 'person', `${r}.person`)} || ',"role":' || ${j.quote(`${r}.role`)} || '}'`,
};

/**
 * Whether row `r` of `table` certainly matches its event `e` (left-joined on seq): the event is of the
 * table's type, the event's fields equal the row's, and its stored data is exactly the text the write
 * path would have stored for this row. Then the comparison in JavaScript finds no difference: the row's
 * facts are its event's. Runs are never certified here (their summary and outcomes are compared in
 * canonical form, which SQL does not build): always 0.
 */
export function certifiedSql(j: JsonSql, table: BoundTable, r: string, e: string): string {
  if (table === 'runs') return '0';
  const conditions = [
    `${e}.type = ${lit(EVENT_OF[table])}`,
    `${r}.checklist = ${e}.checklist`,
    `${r}.environment = ${e}.environment`,
    `${r}."by" = ${e}.actor`,
    `${r}.at = ${e}.at`,
    `${e}.data = ${CANONICAL_DATA[table](j, r)}`,
  ];
  // An event with an empty expiresAt leaves it out of the attestation it vouches for: let JS judge it.
  if (table === 'attestations') conditions.push(`(${r}.expires_at is null or ${r}.expires_at <> '')`);
  return `case when ${conditions.join(' and ')} then 1 else 0 end`;
}
