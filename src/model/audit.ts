import { createHash } from 'node:crypto';

/**
 * The audit hash chain (DESIGN.md "Store and audit"). Pure: hashing and checking only; the store reads
 * and writes the rows.
 *
 * `hash = sha256(prev_hash ‖ canonical_json(event))`, where `prev_hash` is the previous event's hash as
 * 64 lower-case hex characters (64 zeros for the first event) and the event is
 * `{seq, at, type, actor, checklist, environment, data}`.
 */

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

/** Integer-like keys, which JavaScript objects order first (ascending), whatever the insertion order. */
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isIndex = (key: string) => {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
};

/** Keys in the order the chain has always hashed them: integer-like keys ascending, then the rest sorted. */
function orderedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  if (!keys.some(isIndex)) return keys;
  const ints = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  return [...ints, ...keys.filter((k) => !isIndex(k))];
}

/** One value as JSON.stringify would write it, keys ordered; undefined when JSON has no form for it. */
function write(value: unknown): string | undefined {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(): unknown }).toJSON();
  }
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON representation');
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map((x) => write(x) ?? 'null').join(',')}]`;
      if (v instanceof Number || v instanceof String || v instanceof Boolean) return write(v.valueOf());
      let out = '';
      for (const key of orderedKeys(v)) {
        const text = write((v as Record<string, unknown>)[key]);
        if (text !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${text}`;
      }
      return `{${out}}`;
    }
    default:
      return undefined;
  }
}

/**
 * Canonical JSON: keys sorted at every depth, no whitespace; values normalised the way JSON.stringify
 * does (undefined keys dropped, dates as ISO strings), so what is stored re-hashes to the same bytes.
 * One pass, no stringify-parse-stringify: verify and every evaluation hash with it.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return text;
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
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalJson(hashedContent(event)), 'utf8')
    .digest('hex');
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
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (event.seq > expectedSeq) {
    const missing = event.seq - 1 === expectedSeq ? `${expectedSeq}` : `${expectedSeq}..${event.seq - 1}`;
    return {
      seq: expectedSeq,
      kind: 'deleted',
      reason: `event ${missing} deleted: the log jumps from ${prev ? `event ${prev.seq}` : 'the start'} to event ${event.seq}`,
    };
  }
  if (event.seq < expectedSeq) {
    return {
      seq: event.seq,
      kind: 'reordered',
      reason: `event ${event.seq} is out of order: it comes after event ${prev?.seq}`,
    };
  }
  const expectedPrev = prev?.hash ?? GENESIS_HASH;
  if (event.prevHash !== expectedPrev) {
    return {
      seq: event.seq,
      kind: 'reordered',
      reason: `event ${event.seq} was moved or replaced: its prev_hash does not match the hash of ${
        prev ? `event ${prev.seq}` : 'the genesis'
      }`,
    };
  }
  if (eventHash(event.prevHash, event) !== event.hash) {
    return {
      seq: event.seq,
      kind: 'edited',
      reason: `event ${event.seq} (${event.type}) was edited: its content no longer matches its hash`,
    };
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
