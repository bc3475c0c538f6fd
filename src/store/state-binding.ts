import type { Kysely, Selectable } from 'kysely';
import type { RunRecord } from '../engine/store.js';
import {
  type ChainedEvent,
  canonicalJson,
  eventHash,
  hashedText,
  sha256Hex,
  type TamperedRow,
} from '../model/audit.js';
import { isCanonicalJsonText } from '../model/canonical-text.js';
import { jsonListDigest } from '../model/list-digest.js';
import type { Attestation, CheckOutcome, Signoff, Waiver } from '../model/state.js';
import type {
  AttestationsTable,
  AuditEventsTable,
  Database,
  RunResultsTable,
  SignoffsTable,
  WaiversTable,
} from './schema.js';

/**
 * State rows bound to the audit chain (DESIGN.md "State is bound to the chain"). Each state row carries
 * the `seq` of the event that recorded it, and its content can be derived from that event. Reading
 * state compares the two: the verdict takes what the events say, and every row that does not match
 * (no event, other content, or gone while its event remains) is reported as tampered.
 */

/** The event type that records a row of each bound table. */
export const EVENT_OF = {
  attestations: 'item.attested',
  waivers: 'waiver.granted',
  signoffs: 'signoff.given',
  runs: 'run.completed',
} as const;

export type BoundTable = keyof typeof EVENT_OF;

/** The bound tables, in the order their tampered rows are reported. */
export const BOUND_TABLES: readonly BoundTable[] = ['attestations', 'waivers', 'signoffs', 'runs'];

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The recorded head (the last appended event), or undefined for an empty chain. */
export async function readHead(db: Kysely<Database>): Promise<{ seq: number; hash: string } | undefined> {
  const row = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

/** Events verified before, by their exact stored text (VouchMemo): an evaluation re-hashes only what changed. */
export interface VouchedCache {
  event(row: AuditEventsTable): ChainedEvent | undefined;
  remember(row: AuditEventsTable, event: ChainedEvent): void;
}

/**
 * Whether a stored event's hash matches its content: as stored when its data is canonical (shown so, as
 * audit verify requires: a hash over a text that is not canonical proves nothing), else canonicalised.
 */
function hashHolds(row: AuditEventsTable, event: ChainedEvent): boolean {
  const text = hashedText({ ...event, dataText: row.data });
  if (text !== undefined && sha256Hex(row.prev_hash + text) === row.hash && isCanonicalJsonText(row.data))
    return true;
  return eventHash(event.prevHash, event) === event.hash;
}

/**
 * The stored events the chain vouches for: data that parses, a hash that matches the content, and a
 * seq no later than the recorded head (an event slipped in after the head is not gonogo's). Checks
 * each event on its own (one sha256): the links between events are `audit verify`'s job. With `cache`,
 * an event whose stored text was verified before is not hashed again.
 */
export function vouchedEvents(
  rows: readonly AuditEventsTable[],
  head: { seq: number } | undefined,
  cache?: VouchedCache,
): { events: ChainedEvent[]; tampered: TamperedRow[] } {
  const events: ChainedEvent[] = [];
  const tampered: TamperedRow[] = [];
  const late = (seq: number) => !head || seq > head.seq;
  for (const row of rows) {
    const seq = Number(row.seq);
    const known = cache?.event(row);
    if (known) {
      if (late(seq))
        tampered.push({ table: 'audit_events', seq, why: 'it comes after the recorded head of the log' });
      else events.push(known);
      continue;
    }
    let data: Data;
    try {
      data = JSON.parse(row.data) as Data;
    } catch {
      tampered.push({ table: 'audit_events', seq, why: 'its data is not valid JSON' });
      continue;
    }
    const event: ChainedEvent = {
      seq,
      at: row.at,
      type: row.type,
      actor: row.actor,
      checklist: row.checklist,
      environment: row.environment,
      data,
      prevHash: row.prev_hash,
      hash: row.hash,
    };
    if (late(seq)) {
      tampered.push({ table: 'audit_events', seq, why: 'it comes after the recorded head of the log' });
    } else if (!hashHolds(row, event)) {
      tampered.push({ table: 'audit_events', seq, why: 'its content no longer matches its hash' });
    } else {
      events.push(event);
      cache?.remember(row, event);
    }
  }
  return { events, tampered };
}

export function attestationOfRow(r: Selectable<AttestationsTable>): Attestation {
  return {
    checklist: r.checklist,
    environment: r.environment,
    item: r.item,
    evidence: r.evidence,
    ...(r.value !== null ? { value: r.value } : {}),
    ...(r.file_name !== null && r.file_sha256 !== null
      ? { file: { name: r.file_name, sha256: r.file_sha256 } }
      : {}),
    by: r.by,
    at: r.at,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
  };
}

export function attestationOfEvent(e: ChainedEvent): Attestation {
  const d = e.data;
  const file = d.file as { name?: unknown; sha256?: unknown } | undefined;
  return {
    checklist: str(e.checklist),
    environment: str(e.environment),
    item: str(d.item),
    evidence: str(d.evidence),
    ...(d.value !== undefined && d.value !== null ? { value: str(d.value) } : {}),
    ...(file ? { file: { name: str(file.name), sha256: str(file.sha256) } } : {}),
    by: e.actor,
    at: e.at,
    ...(d.expiresAt ? { expiresAt: str(d.expiresAt) } : {}),
  };
}

export function waiverOfRow(r: Selectable<WaiversTable>): Waiver {
  return {
    checklist: r.checklist,
    environment: r.environment,
    item: r.item,
    reason: r.reason,
    owner: r.owner,
    by: r.by,
    at: r.at,
    expiresAt: r.expires_at,
  };
}

export function waiverOfEvent(e: ChainedEvent): Waiver {
  const d = e.data;
  return {
    checklist: str(e.checklist),
    environment: str(e.environment),
    item: str(d.item),
    reason: str(d.reason),
    owner: str(d.owner),
    by: e.actor,
    at: e.at,
    expiresAt: str(d.expiresAt),
  };
}

export function signoffOfRow(r: Selectable<SignoffsTable>): Signoff {
  return {
    checklist: r.checklist,
    environment: r.environment,
    role: r.role,
    digest: r.digest,
    by: r.by,
    at: r.at,
    ...(r.person !== null ? { person: r.person } : {}),
    ...(r.evidence !== null ? { evidence: r.evidence } : {}),
  };
}

export function signoffOfEvent(e: ChainedEvent): Signoff {
  return {
    checklist: str(e.checklist),
    environment: str(e.environment),
    role: str(e.data.role),
    digest: str(e.data.digest),
    by: e.actor,
    at: e.at,
    ...(typeof e.data.person === 'string' ? { person: e.data.person } : {}),
    ...(typeof e.data.evidence === 'string' ? { evidence: e.data.evidence } : {}),
  };
}

/** The fields of `row` whose canonical form differs from `fromEvent`'s (both sides' keys). */
export function differingFields(row: object, fromEvent: object): string[] {
  const a = row as Data;
  const b = fromEvent as Data;
  const out: string[] = [];
  const differ = (x: unknown, y: unknown) =>
    x !== y &&
    // Most fields are text: only structures (a file, a summary) need their canonical form compared.
    (x === undefined || y === undefined || typeof x !== 'object' || typeof y !== 'object'
      ? true
      : canonicalJson(x) !== canonicalJson(y));
  for (const key of Object.keys(a)) if (differ(a[key], b[key])) out.push(key);
  for (const key of Object.keys(b)) if (!Object.hasOwn(a, key) && differ(undefined, b[key])) out.push(key);
  return out;
}

/** One state row as read: its id, the seq it claims, and its content. */
export interface BoundRow<T> {
  id: number;
  seq: number | null;
  value: T;
}

/**
 * Compare a table's rows with the events that record them (all events of that kind in scope). The
 * values returned are the events' (the chain's word), in event order; every row without a matching
 * event, with other content, or missing for an event is reported.
 */
export function bindRows<T extends object>(
  table: BoundTable,
  rows: readonly BoundRow<T>[],
  events: readonly { seq: number; value: T }[],
): { values: T[]; tampered: TamperedRow[] } {
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const claimed = new Set<number>();
  const tampered: TamperedRow[] = [];
  const type = EVENT_OF[table];
  for (const row of rows) {
    const event = row.seq === null ? undefined : bySeq.get(row.seq);
    if (row.seq === null || !event) {
      tampered.push({
        table,
        id: row.id,
        ...(row.seq !== null ? { seq: row.seq } : {}),
        why: `no ${type} event records it (written outside gonogo)`,
      });
      continue;
    }
    if (claimed.has(row.seq)) {
      tampered.push({ table, id: row.id, seq: row.seq, why: 'another row already stands for its event' });
      continue;
    }
    claimed.add(row.seq);
    const diff = differingFields(row.value, event.value);
    if (diff.length > 0) {
      tampered.push({
        table,
        id: row.id,
        seq: row.seq,
        why: `changed after its event: ${diff.join(', ')} differ${diff.length === 1 ? 's' : ''}`,
      });
    }
  }
  for (const event of events) {
    if (!claimed.has(event.seq)) {
      tampered.push({ table, seq: event.seq, why: `deleted: its ${type} event says it exists` });
    }
  }
  return { values: events.map((e) => e.value), tampered };
}

/**
 * A copy of `outcomes` sorted by item in code-unit order (stable): the order their digest is written in,
 * and the order a save writes their rows in (runs-store.ts).
 */
export const byItem = (outcomes: readonly CheckOutcome[]): CheckOutcome[] =>
  [...outcomes].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));

/**
 * The digest of a run's outcomes as stored, recorded in its `run.completed` event (the outcomes
 * themselves stay out of the log: a 5,000-item run would bloat it). Sorted by item in code-unit order,
 * so both backends' collations give the same bytes. `text` writes an outcome's canonical JSON (a save
 * writes each as its row will read back, with no outcome built: runs-store.ts).
 */
export function outcomesDigest(
  outcomes: readonly CheckOutcome[],
  text: (outcome: CheckOutcome) => string = canonicalJson,
): string {
  // `text` is applied to one outcome at a time as it is written: no copy of every outcome is held.
  const sorted = byItem(outcomes);
  // The canonical JSON of the list, hashed as it is written: a list's canonical form is its items' forms
  // between brackets, comma-separated, so no canonical copy of a whole 50,000-item run is ever held.
  return jsonListDigest(sorted, text);
}

/** What a run row and its event must agree on. */
export interface RunFacts {
  id: number;
  checklist: string;
  environment: string;
  digest: string;
  startedAt?: string;
  finishedAt: string;
  verdict: string;
  summary: unknown;
  trigger: string;
  outcomes?: string;
}

/** A run's facts as its event records them (events before migration 003 lack startedAt and outcomes). */
export function runFactsOfEvent(e: ChainedEvent): RunFacts {
  const d = e.data;
  return {
    id: Number(d.run),
    checklist: str(e.checklist),
    environment: str(e.environment),
    digest: str(d.digest),
    ...(d.startedAt !== undefined ? { startedAt: str(d.startedAt) } : {}),
    finishedAt: e.at,
    verdict: str(d.verdict),
    summary: d.summary,
    trigger: str(d.trigger ?? e.actor),
    ...(d.outcomes !== undefined ? { outcomes: str(d.outcomes) } : {}),
  };
}

/** Compare a run row's facts with its event's; the fields that differ (none: the run stands). */
export function runDiff(row: RunFacts, fromEvent: RunFacts): string[] {
  const mine: RunFacts = { ...row };
  // An event written before the run's start and outcome digest were recorded cannot vouch for them.
  if (fromEvent.startedAt === undefined) delete mine.startedAt;
  if (fromEvent.outcomes === undefined) delete mine.outcomes;
  return differingFields(mine, fromEvent);
}

/** One stored outcome as read back (the form its run's outcome digest is taken over). */
export function outcomeOfRow(r: Omit<RunResultsTable, 'run_id'>): CheckOutcome {
  return {
    item: r.item,
    status: r.status as CheckOutcome['status'],
    ...(r.message !== null ? { message: r.message } : {}),
    ...(r.observed !== null ? { observed: JSON.parse(r.observed) as Record<string, unknown> } : {}),
    ...(r.duration_ms !== null ? { durationMs: Number(r.duration_ms) } : {}),
    ...(r.at !== null ? { at: r.at } : {}),
  };
}

/** What a run row says, in the terms its event records (`outcomes`: its outcomes' digest, if known). */
export function runFacts(run: RunRecord, outcomes = outcomesDigest(run.outcomes)): RunFacts {
  return {
    id: run.id ?? 0,
    checklist: run.checklist,
    environment: run.environment,
    digest: run.digest,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    verdict: run.verdict,
    summary: run.summary,
    trigger: run.trigger,
    outcomes,
  };
}
