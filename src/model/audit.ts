import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { beginScan, isCanonicalJsonText, scanValue } from './canonical-text.js';

/**
 * The audit hash chain (DESIGN.md "Store and audit"). Pure: hashing and checking only; the store reads
 * and writes the rows.
 *
 * `hash = sha256(prev_hash ‖ canonical_json(event))`, where `prev_hash` is the previous event's hash as
 * 64 lower-case hex characters (64 zeros for the first event) and the event is
 * `{seq, at, type, actor, checklist, environment, data}`.
 */

// The chain's canonical form is written in canonical-json.ts; its callers import it from here too.
export { canonicalJson, sortKeys } from './canonical-json.js';

/** `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed part of an event. */
export interface ChainEvent {
  seq: number;
  at: string;
  type: string;
  actor: string;
  checklist: string | null;
  environment: string | null;
  data: Record<string, unknown>;
}

/** An event as stored: its content plus the links. */
export interface ChainedEvent extends ChainEvent {
  prevHash: string;
  hash: string;
}

/**
 * A state row (attestation, waiver, sign-off, run) that its audit event does not vouch for: written
 * outside gonogo (no event), changed after its event, or deleted while its event says it exists.
 * `id` names the row, `seq` the event.
 */
export interface TamperedRow {
  table: string;
  id?: number;
  seq?: number;
  why: string;
}

/** `attestations row 7 (event 12): differs from its event: expires_at`, for reports and verify. */
export function describeTampered(t: TamperedRow): string {
  const row = t.id !== undefined ? `${t.table} row ${t.id}` : `${t.table} row`;
  return `${row}${t.seq !== undefined ? ` (event ${t.seq})` : ''}: ${t.why}`;
}

/** Why an event does not fit the chain. */
export interface ChainBreak {
  seq: number;
  kind: 'edited' | 'deleted' | 'reordered';
  reason: string;
}

/** sha256 of text (UTF-8) as lower-case hex, in one call (no Hash object per event). */
export function sha256Hex(text: string): string {
  return hash('sha256', text);
}

/** The exact object that is hashed for an event (unknown extra fields are ignored). */
export function hashedContent(e: ChainEvent): ChainEvent {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    checklist: e.checklist,
    environment: e.environment,
    data: e.data,
  };
}

/**
 * Hash of an event linked to its predecessor.
 * @example eventHash(GENESIS_HASH, { seq: 1, at: '2026-01-01T00:00:00.000Z', type: 'token.created', actor: 'ana', checklist: null, environment: null, data: {} })
 */
export function eventHash(prevHash: string, event: ChainEvent): string {
  return sha256Hex(prevHash + canonicalJson(hashedContent(event)));
}

/** Link a new event after `head` (undefined for the first event): returns it with `prevHash` and `hash`. */
export function chainEvent(
  head: { seq: number; hash: string } | undefined,
  content: Omit<ChainEvent, 'seq'>,
) {
  const prevHash = head?.hash ?? GENESIS_HASH;
  const event: ChainEvent = { ...content, seq: (head?.seq ?? 0) + 1 };
  return { ...event, prevHash, hash: eventHash(prevHash, event) } satisfies ChainedEvent;
}

/**
 * Check one stored event against the one before it (undefined for the first event). Events must be
 * fed in `seq` order. Returns the break, or undefined when the event fits.
 *
 * A gap in `seq` means events were deleted; a `prev_hash` that does not name the previous event's hash
 * means events were moved (or rewritten wholesale); a hash that does not match the content means the
 * event itself was edited.
 */
export function checkLink(
  prev: { seq: number; hash: string } | undefined,
  event: ChainedEvent,
): ChainBreak | undefined {
  const order = linkOrder(prev, event);
  if (order) return order;
  if (eventHash(event.prevHash, event) !== event.hash) {
    return {
      seq: event.seq,
      kind: 'edited',
      reason: `event ${event.seq} (${event.type}) was edited: its content no longer matches its hash`,
    };
  }
  return undefined;
}

/** An event as stored: its fields, `data` as the JSON text that was written, and the links. */
export interface StoredEvent extends Omit<ChainEvent, 'data'> {
  /** The stored JSON text of `data` (canonical JSON as gonogo writes it). */
  dataText: string;
  prevHash: string;
  hash: string;
}

const quoted = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

/**
 * The text an event is hashed over, spliced from its stored fields when its data text is already
 * canonical: the canonical form of `{seq, at, type, actor, checklist, environment, data}` has its keys
 * in this order. Undefined when a field is not of the stored types (the caller canonicalises instead).
 */
export function hashedText(e: Omit<StoredEvent, 'prevHash' | 'hash'>): string | undefined {
  if (!Number.isSafeInteger(e.seq) || typeof e.at !== 'string' || typeof e.type !== 'string')
    return undefined;
  if (typeof e.actor !== 'string') return undefined;
  if (e.checklist !== null && typeof e.checklist !== 'string') return undefined;
  if (e.environment !== null && typeof e.environment !== 'string') return undefined;
  return `{"actor":${JSON.stringify(e.actor)},"at":${JSON.stringify(e.at)},"checklist":${quoted(e.checklist)},"data":${e.dataText},"environment":${quoted(e.environment)},"seq":${e.seq},"type":${JSON.stringify(e.type)}}`;
}

/**
 * checkLink for an event as stored, without parsing what need not be parsed. While `mode.spliced`
 * holds, the stored data text is hashed as it is (hashedText): gonogo stores data as canonical JSON, and
 * a hash that matches proves these are the very bytes hashed at append time (the other fields are JSON
 * strings, so no other split of the text gives the same bytes). Those bytes are the event only if they
 * are its canonical JSON, so the match counts only when the text is shown canonical (isCanonicalJsonText):
 * a text that is not, whose hash was computed over it as it stands, is judged by the definition below
 * and refused as edited in every mode, as an independent verifier of the published hash refuses it.
 * Otherwise (events written before data was stored canonical, or edited ones) the data is parsed and
 * canonicalised, exactly as checkLink; the mode follows what the last event needed, so an old chain is
 * not hashed twice per event.
 * `shown` may show the text canonical more cheaply (audit verify: the event's state row, written
 * in canonical form, is that very text); it is asked only once the hash matched.
 * Returns the same first break, with the same reason, as checkLink over the parsed event; undefined
 * when the event fits.
 */
export function checkStoredLink(
  prev: { seq: number; hash: string } | undefined,
  e: StoredEvent,
  mode: { spliced: boolean },
  shown: () => boolean = NOT_SHOWN,
): ChainBreak | undefined {
  let splicedHash: string | undefined;
  if (mode.spliced) {
    const text = hashedText(e);
    splicedHash = text === undefined ? undefined : sha256Hex(e.prevHash + text);
    if (splicedHash === e.hash && (shown() || isCanonicalJsonText(e.dataText))) return linkOrder(prev, e);
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(e.dataText) as Record<string, unknown>;
  } catch {
    return { seq: e.seq, kind: 'edited', reason: `event ${e.seq} was edited: its data is not valid JSON` };
  }
  const order = linkOrder(prev, e);
  if (order) return order;
  const canonical = canonicalJson(data);
  mode.spliced = canonical === e.dataText;
  const text = hashedText({ ...e, dataText: canonical });
  // Same bytes as the spliced attempt when the stored text was canonical: no need to hash them twice.
  const actual =
    mode.spliced && splicedHash !== undefined
      ? splicedHash
      : text === undefined
        ? eventHash(e.prevHash, { ...e, data })
        : sha256Hex(e.prevHash + text);
  if (actual !== e.hash) {
    return {
      seq: e.seq,
      kind: 'edited',
      reason: `event ${e.seq} (${e.type}) was edited: its content no longer matches its hash`,
    };
  }
  return undefined;
}

/**
 * checkStoredLink for an event whose hashed text the database spliced (`prev_hash ‖ hashedText`, SQLite's
 * `json_quote` writing strings as JSON.stringify does): when its hash matches these are the very bytes
 * hashed at append time, and when its data is canonical (`shown()` as checkStoredLink's, or
 * splicedDataCanonical) they are the event's canonical JSON, so the answer is checkStoredLink's;
 * `'unsure'` otherwise (no text, another hash, data not shown canonical, or a prev_hash that is not the
 * 64 characters before the `{`): the caller checks the event from its columns, which names the break.
 */
export function checkSplicedLink(
  prev: { seq: number; hash: string } | undefined,
  seq: number,
  hash: unknown,
  spliced: unknown,
  shown: () => boolean = NOT_SHOWN,
): ChainBreak | undefined | 'unsure' {
  if (
    typeof spliced !== 'string' ||
    spliced.charCodeAt(64) !== 0x7b ||
    sha256Hex(spliced) !== hash ||
    !(shown() || splicedDataCanonical(spliced, seq))
  )
    return 'unsure';
  // The usual event (the next seq, linked to the last hash) needs no object: linkOrder would find it so.
  if (prev !== undefined && seq === prev.seq + 1 && prev.hash.length === 64 && spliced.startsWith(prev.hash))
    return undefined;
  return linkOrder(prev, { seq, prevHash: spliced.slice(0, 64) });
}

/** No cheaper proof that a text is canonical: it is scanned. */
const NOT_SHOWN = () => false;

/** The members of a spliced text in the order hashedText writes them. */
const MEMBERS = [
  '{"actor":',
  ',"at":',
  ',"checklist":',
  ',"data":',
  ',"environment":',
  ',"seq":',
  ',"type":',
];
const DATA = 3;
const SEQ = 5;
/** checklist and environment may be null; every member but data and seq is otherwise a JSON string. */
const NULLABLE = [false, false, true, false, true, false, false];

/**
 * Whether a spliced text (64 characters of prev_hash, then hashedText as the database wrote it) is the
 * canonical JSON of its event: every member canonical, data's among them, and the text exactly
 * `{"actor":S,"at":S,"checklist":S|null,"data":D,"environment":S|null,"seq":<seq>,"type":S}`. The value
 * read at `"data":` is then the stored data text itself: read from the end, the members after it are
 * where the database wrote them (a JSON string's opening quote is the first quote before its end that no
 * backslash escapes, and `null` and the seq are fixed texts), so they begin where the data text ends.
 */
function splicedDataCanonical(t: string, seq: number): boolean {
  let i = 64;
  beginScan(t);
  for (let m = 0; m < MEMBERS.length; m++) {
    const name = MEMBERS[m]!;
    if (!t.startsWith(name, i)) return false;
    i += name.length;
    const first = t.charCodeAt(i);
    const end = scanValue(t, i);
    if (end < 0) return false;
    if (m === SEQ) {
      if (t.slice(i, end) !== String(seq)) return false;
    } else if (m !== DATA && first !== 0x22 && !(NULLABLE[m] && first === 0x6e)) return false;
    i = end;
  }
  return i === t.length - 1 && t.charCodeAt(i) === 0x7d;
}

/** The break checkLink finds before hashing: a gap, an event out of order, or a wrong prev_hash. */
function linkOrder(
  prev: { seq: number; hash: string } | undefined,
  event: { seq: number; prevHash: string },
) {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (event.seq > expectedSeq) {
    const missing = event.seq - 1 === expectedSeq ? `${expectedSeq}` : `${expectedSeq}..${event.seq - 1}`;
    return {
      seq: expectedSeq,
      kind: 'deleted',
      reason: `event ${missing} deleted: the log jumps from ${prev ? `event ${prev.seq}` : 'the start'} to event ${event.seq}`,
    } satisfies ChainBreak;
  }
  if (event.seq < expectedSeq) {
    return {
      seq: event.seq,
      kind: 'reordered',
      reason: `event ${event.seq} is out of order: it comes after event ${prev?.seq}`,
    } satisfies ChainBreak;
  }
  const expectedPrev = prev?.hash ?? GENESIS_HASH;
  if (event.prevHash !== expectedPrev) {
    return {
      seq: event.seq,
      kind: 'reordered',
      reason: `event ${event.seq} was moved or replaced: its prev_hash does not match the hash of ${
        prev ? `event ${prev.seq}` : 'the genesis'
      }`,
    } satisfies ChainBreak;
  }
  return undefined;
}

/**
 * Check the end of the chain against the recorded head (the last appended event): catches events
 * deleted from the end, which leave no gap behind them.
 */
export function checkHead(
  last: { seq: number; hash: string } | undefined,
  head: { seq: number; hash: string } | undefined,
): ChainBreak | undefined {
  if (!head) {
    if (!last) return undefined;
    return {
      seq: last.seq,
      kind: 'edited',
      reason: `the recorded head of the log is missing while event ${last.seq} exists`,
    };
  }
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < head.seq) {
    const from = lastSeq + 1;
    const missing = from === head.seq ? `${from}` : `${from}..${head.seq}`;
    return {
      seq: from,
      kind: 'deleted',
      reason: `event ${missing} deleted from the end of the log (the recorded head is event ${head.seq})`,
    };
  }
  if (lastSeq > head.seq) {
    return {
      seq: head.seq + 1,
      kind: 'edited',
      reason: `event ${head.seq + 1} was inserted after the recorded head (event ${head.seq})`,
    };
  }
  if (last && last.hash !== head.hash) {
    return {
      seq: last.seq,
      kind: 'edited',
      reason: `event ${last.seq} does not match the recorded head hash`,
    };
  }
  return undefined;
}
