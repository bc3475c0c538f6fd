import { sql } from 'kysely';
import type { ChainedEvent, StoredEvent } from '../model/audit.js';
import type { StoreAdapter } from './adapter.js';
import { attestationData, signoffData, waiverData } from './event-data.js';
import {
  attestationOfEvent,
  attestationOfRow,
  type BoundTable,
  EVENT_OF,
  signoffOfEvent,
  signoffOfRow,
  waiverOfEvent,
  waiverOfRow,
} from './state-binding.js';

type Row = Record<string, unknown>;
type Data = Record<string, unknown>;
export type SimpleTable = Exclude<BoundTable, 'runs'>;

/**
 * What `audit verify` asks SQLite to write for it (issue 15): building a JS string per column of every
 * event and state row was ~40% of verify's time, so SQLite returns each event as ONE text, the exact
 * bytes it is hashed over (`prev_hash ‖ hashedText`, model/audit.ts), and each simple state row as ONE
 * text, the hashed text its event would have if the row is what the event recorded. `json_quote` writes
 * every string as JSON.stringify does (tested over every character), and each text is NULL unless every
 * column has the type gonogo writes, so a text that matches proves what the full comparison would find;
 * one that does not (or NULL) sends that event or row down the full path, which names what is wrong.
 * PostgreSQL reads the columns (verify2 measured its server slower when it spliced).
 */

/** Whether verify reads spliced texts on this backend. */
export const SPLICES: Readonly<Record<StoreAdapter['dialect'], boolean>> = { sqlite: true, postgres: false };

const text = (col: string) => `typeof(${col}) = 'text'`;
const textOrNull = (col: string) => `typeof(${col}) in ('text', 'null')`;
const q = (col: string) => `json_quote(${col})`;

/** The text of `{..., "data": <data>, ...}` in canonical key order, for an event of `type`. */
const hashed = (
  actor: string,
  at: string,
  checklist: string,
  data: string,
  environment: string,
  type: string,
) =>
  `'{"actor":' || ${q(actor)} || ',"at":' || ${q(at)} || ',"checklist":' || ${q(checklist)} || ',"data":' || ${data} || ',"environment":' || ${q(environment)} || ',"seq":' || seq || ',"type":' || ${type} || '}'`;

/** `prev_hash ‖ hashedText` of an audit_events row, NULL unless its columns are as gonogo writes them. */
const EVENT_TEXT =
  `case when seq between 1 and ${Number.MAX_SAFE_INTEGER} and ${text('at')} and ${text('type')} and ` +
  `${text('actor')} and ${textOrNull('checklist')} and ${textOrNull('environment')} and ${text('data')} and ` +
  `${text('prev_hash')} and length(prev_hash) = 64 then prev_hash || ` +
  `${hashed('actor', 'at', 'checklist', 'data', 'environment', q('type'))} end`;

/**
 * The columns of a spliced events page: seq, hash and the text. Its type is read from the text's end
 * (splicedType) and a run's fields, when its row is compared in full, from the text (fieldsOf).
 */
export const SPLICED_EVENT_COLUMNS = ['seq', 'hash', sql.raw(EVENT_TEXT).as('spliced')] as const;

/** How many columns a spliced events page has (a full one has EVENT_COLUMNS' nine). */
export const SPLICED_WIDTH = SPLICED_EVENT_COLUMNS.length;

/** The columns of a full events page (and of an event read again by seq), as storedOf reads them. */
export const EVENT_COLUMNS = [
  'seq',
  'at',
  'type',
  'actor',
  'checklist',
  'environment',
  'data',
  'prev_hash',
  'hash',
] as const;

/** An audit_events row as read by verify (EVENT_COLUMNS in order). */
export function storedOf(r: readonly unknown[]): StoredEvent & { canonical: boolean } {
  return {
    canonical: true,
    seq: Number(r[0]),
    at: r[1] as string,
    type: r[2] as string,
    actor: r[3] as string,
    checklist: r[4] as string | null,
    environment: r[5] as string | null,
    dataText: r[6] as string,
    prevHash: r[7] as string,
    hash: r[8] as string,
  };
}

/** An event as a state row is compared with it: as stored, links left out (verify checked them). */
export type FullEvent = Omit<StoredEvent, 'prevHash' | 'hash'> & {
  spliced?: undefined;
  /** False when its data text is not the canonical one it was hashed over (an older event's): rows are compared in full. */
  canonical?: boolean;
};

/** An event met by the state check: its fields as stored, or the text the database spliced. */
export type BoundEvent = FullEvent | { seq: number; type: string; spliced: string };

/** A value's JSON text (every value verify writes has one: strings, numbers, null). */
export const js = JSON.stringify as (v: unknown) => string;

/** A bound event's fields: a spliced event's are read from its text when they are needed. */
export function fieldsOf(e: BoundEvent): FullEvent {
  if (e.spliced === undefined) return e;
  const { seq, type } = e;
  const text = e.spliced.slice(64);
  const { at, actor, checklist, environment } = JSON.parse(text) as FullEvent;
  // The text is EVENT_TEXT's: these fields as JSON around the data as stored (json_quote is JSON.stringify).
  const head = `{"actor":${js(actor)},"at":${js(at)},"checklist":${js(checklist)},"data":`;
  const tail = `,"environment":${js(environment)},"seq":${seq},"type":${js(type)}}`;
  if (!text.startsWith(head) || !text.endsWith(tail) || text.length < head.length + tail.length)
    throw new Error(`verify: event ${seq} was met without its fields`);
  const dataText = text.slice(head.length, text.length - tail.length);
  return { seq, type, at, actor, checklist, environment, dataText };
}

/** The end of a spliced text of each bound type; another type binds no row. */
const TYPE_ENDS = Object.values(EVENT_OF).map((type) => [type, `,"type":${JSON.stringify(type)}}`] as const);

/**
 * A spliced text's type if it is a bound one ('' if not): the text ends with `,"type":` and the type as
 * a JSON string, and a `"` after `:` cannot be an escaped one, so that end names the type.
 */
export function splicedType(spliced: string): string {
  for (const [type, end] of TYPE_ENDS) if (spliced.endsWith(end)) return type;
  return '';
}

/** A spliced page's row as the state check meets it, once its link held (its text is what was hashed). */
export function splicedEvent(r: readonly unknown[]): BoundEvent {
  const spliced = r[2] as string;
  return { seq: Number(r[0]), type: splicedType(spliced), spliced };
}

/**
 * The hashed text (no prev_hash) a simple table's row would have as its event: the event's data rebuilt
 * as the write path builds it (event-data.ts, canonical order), NULL unless the row's columns are as
 * gonogo writes them. Equal to the event's spliced text after its 64-character prev_hash: the row stands.
 */
function rowText(table: SimpleTable, checks: string[], data: string): string {
  const all = [text('by'), text('at'), text('checklist'), text('environment'), ...checks];
  return `case when seq between 1 and ${Number.MAX_SAFE_INTEGER} and ${all.join(' and ')} then ${hashed('by', 'at', 'checklist', data, 'environment', `'"${EVENT_OF[table]}"'`)} end`;
}
const opt = (key: string, col: string) =>
  `case when ${col} is null then '' else ',"${key}":' || ${q(col)} end`;

const ROW_TEXT = {
  attestations: rowText(
    'attestations',
    [
      text('item'),
      text('evidence'),
      textOrNull('value'),
      textOrNull('file_name'),
      textOrNull('file_sha256'),
      // The event's expiresAt counts only when not empty (attestationOfEvent).
      `(expires_at is null or (${text('expires_at')} and expires_at <> ''))`,
    ],
    `'{"evidence":' || ${q('evidence')} || ${opt('expiresAt', 'expires_at')} || ` +
      `case when file_name is null or file_sha256 is null then '' else ',"file":{"name":' || ${q('file_name')} || ',"sha256":' || ${q('file_sha256')} || '}' end || ` +
      `',"item":' || ${q('item')} || ${opt('value', 'value')} || '}'`,
  ),
  waivers: rowText(
    'waivers',
    [text('item'), text('reason'), text('owner'), text('expires_at')],
    `'{"expiresAt":' || ${q('expires_at')} || ',"item":' || ${q('item')} || ',"owner":' || ${q('owner')} || ',"reason":' || ${q('reason')} || '}'`,
  ),
  signoffs: rowText(
    'signoffs',
    [text('role'), text('digest'), textOrNull('person'), textOrNull('evidence')],
    `'{"digest":' || ${q('digest')} || ${opt('evidence', 'evidence')} || ${opt('person', 'person')} || ',"role":' || ${q('role')} || '}'`,
  ),
} as const;

/** A value of a text column as gonogo writes it (not a blob, number or NULL). */
export const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';
const optJs = (key: string, v: unknown) => (v === null ? '' : `,"${key}":${js(v)}`);

/**
 * Whether a bound row read in full (`r`: id, seq, checklist, environment, ...) is what its event, read
 * in full, recorded: `data` is the event data's text written from the row (undefined when a column is not
 * as gonogo writes it). The fields of ROW_TEXT compared one by one, as PostgreSQL reads columns, not
 * spliced texts (verify2: its server slower): equal fields and an equal data text are equal texts, the
 * row stands as rowStands finds on SQLite; anything else goes to the full comparison, which names it.
 */
export function standsAsRead(
  r: readonly unknown[],
  by: unknown,
  at: unknown,
  data: string | undefined,
  e: FullEvent,
): boolean {
  return (
    data !== undefined &&
    r[1] === e.seq &&
    isText(r[2]) &&
    r[2] === e.checklist &&
    isText(r[3]) &&
    r[3] === e.environment &&
    isText(by) &&
    by === e.actor &&
    isText(at) &&
    at === e.at &&
    data === e.dataText
  );
}

/**
 * ROW_TEXT's data written in JS from a row read in full (its table's columns, in SIMPLE's order): the same
 * text, undefined where ROW_TEXT is NULL (the same guards); `stands` compares the rest (standsAsRead).
 */
const STANDS: Record<SimpleTable, (r: readonly unknown[], e: FullEvent) => boolean> = {
  attestations: (r, e) => {
    const [, , , , item, evidence, value, fileName, fileSha256, by, at, expiresAt] = r;
    if (
      !isText(item) ||
      !isText(evidence) ||
      !isTextOrNull(value) ||
      !isTextOrNull(fileName) ||
      !isTextOrNull(fileSha256) ||
      !(expiresAt === null || (isText(expiresAt) && expiresAt !== ''))
    )
      return false;
    const file =
      fileName === null || fileSha256 === null
        ? ''
        : `,"file":{"name":${js(fileName)},"sha256":${js(fileSha256)}}`;
    const data = `{"evidence":${js(evidence)}${optJs('expiresAt', expiresAt)}${file},"item":${js(item)}${optJs('value', value)}}`;
    return standsAsRead(r, by, at, data, e);
  },
  waivers: (r, e) => {
    const [, , , , item, reason, owner, by, at, expiresAt] = r;
    if (!isText(item) || !isText(reason) || !isText(owner) || !isText(expiresAt)) return false;
    const data = `{"expiresAt":${js(expiresAt)},"item":${js(item)},"owner":${js(owner)},"reason":${js(reason)}}`;
    return standsAsRead(r, by, at, data, e);
  },
  signoffs: (r, e) => {
    const [, , , , role, digest, by, at, person, evidence] = r;
    if (!isText(role) || !isText(digest) || !isTextOrNull(person) || !isTextOrNull(evidence)) return false;
    const data = `{"digest":${js(digest)}${optJs('evidence', evidence)}${optJs('person', person)},"role":${js(role)}}`;
    return standsAsRead(r, by, at, data, e);
  },
};

/**
 * Whether a row's text is its event's spliced text after the prev_hash: the row is what the event says.
 * The text after the prev_hash is compared whole (`slice(64) ===`, which V8 compares as memory), not with
 * `endsWith`, which compares character by character (~4x the instructions on a ~300-character text).
 */
export const rowStands = (rowText: unknown, spliced: string) =>
  typeof rowText === 'string' && spliced.length === rowText.length + 64 && spliced.slice(64) === rowText;

/**
 * How the rows of each simple bound table are read (the columns as schema.ts has them, or on SQLite
 * the row's hashed text, ROW_TEXT) and compared: the row's facts against its event's (state-binding.ts),
 * the event's data rebuilt from the row when it is the stored text (event-data.ts).
 */
export const SIMPLE: Record<
  SimpleTable,
  {
    columns: readonly string[];
    text: string;
    /** Whether a row read in full is what its event read in full recorded, as `text` would find. */
    stands(r: readonly unknown[], e: FullEvent): boolean;
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
    text: ROW_TEXT.attestations,
    stands: STANDS.attestations,
    ofRow: (r) => attestationOfRow(r as never),
    ofEvent: attestationOfEvent,
    dataOf: (r, text) => attestationData(r as never, text),
  },
  waivers: {
    columns: ['id', 'seq', 'checklist', 'environment', 'item', 'reason', 'owner', 'by', 'at', 'expires_at'],
    text: ROW_TEXT.waivers,
    stands: STANDS.waivers,
    ofRow: (r) => waiverOfRow(r as never),
    ofEvent: waiverOfEvent,
    dataOf: (r, text) => waiverData(r as never, text),
  },
  signoffs: {
    columns: ['id', 'seq', 'checklist', 'environment', 'role', 'digest', 'by', 'at', 'person', 'evidence'],
    text: ROW_TEXT.signoffs,
    stands: STANDS.signoffs,
    ofRow: (r) => signoffOfRow(r as never),
    ofEvent: signoffOfEvent,
    dataOf: (r, text) => signoffData(r as never, text),
  },
};
export const RUN_COLUMNS = [
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
export const RESULT_COLUMNS = [
  'run_id',
  'item',
  'status',
  'message',
  'observed',
  'duration_ms',
  'at',
] as const;

export function rowOf(columns: readonly string[], values: readonly unknown[]): Row {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}
