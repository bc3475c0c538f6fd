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

/** Why an event does not fit the chain. */
export interface ChainBreak {
  seq: number;
  kind: 'edited' | 'deleted' | 'reordered';
  reason: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
    return out;
  }
  return value;
}

/**
 * Canonical JSON: keys sorted at every depth, no whitespace; values normalised the way JSON.stringify
 * does (undefined keys dropped, dates as ISO strings), so what is stored re-hashes to the same bytes.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return JSON.stringify(sortKeys(JSON.parse(text) as Json));
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
