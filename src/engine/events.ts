import { createHash } from 'node:crypto';
import type { Checklist } from '../model/checklist.js';
import type { Verdict } from '../model/status.js';
import type { EvaluatedItem, Evaluation } from '../model/verdict.js';

/**
 * What the service tells people about (DESIGN.md "Notifications"). Pure: from the previous snapshot of
 * a checklist's evaluation and the current one, derive the events worth sending and the next snapshot.
 * Every event has a stable id, so replicas deriving the same event from the same snapshot produce the
 * same id, and the store delivers it once.
 */

/** The closed set of event types; `notify[].events` filters on these names. */
export const WATCH_EVENT_TYPES = [
  'verdict.changed',
  'item.failing',
  'waiver.expiring',
  'waiver.expired',
  'attestation.expiring',
  'item.overdue',
  'digest.weekly',
] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

/** A waiver (or an attestation with `--valid-for`) is announced as expiring this long before it expires. */
export const WAIVER_EXPIRING_MS = 3 * 86_400_000;

/** An item named in an event. */
export interface EventItem {
  id: string;
  title: string;
  status: string;
  message: string;
  due: string | null;
  owner: string | null;
}

/** One notification, exactly as a webhook receives it (the JSON body). */
export interface WatchEvent {
  /** sha256 hex of type, checklist, environment, subject and slot: the same event always has the same id. */
  id: string;
  event: WatchEventType;
  checklist: string;
  name: string;
  environment: string;
  verdict: Verdict;
  /** The verdict before the change (`verdict.changed`), else the verdict at the previous snapshot. */
  previous: Verdict | null;
  /** Why the verdict is what it is (reason messages). */
  reasons: string[];
  at: string;
  /** The items the event is about (failing, overdue, waived). */
  items: EventItem[];
  waiver?: { item: string; owner: string; reason: string; expires_at: string };
  attestation?: { item: string; by: string; evidence: string; expires_at: string };
  digest?: {
    week: string;
    summary: Evaluation['summary'];
    new_failures: EventItem[];
    waivers: { item: string; owner: string; expires_at: string }[];
    overdue: EventItem[];
  };
  /** The audit head when the event was queued: `gonogo audit verify --head SEQ:HASH` proves it later. */
  audit?: { seq: number; hash: string };
}

/** What the service remembers about a checklist and environment between evaluations. */
export interface WatchSnapshot {
  verdict: Verdict;
  /** Items that were `fail` or `error`. */
  failing: string[];
  overdue: string[];
  /** `item@expiresAt` of waivers already announced as expiring, and as expired. */
  expiring: string[];
  expired: string[];
  /** `item@expiresAt` of attestations already announced as expiring (absent in older snapshots). */
  attestationsExpiring?: string[];
  /** ISO week of the last digest (`2026-W03`), and the items failing then. */
  digestWeek: string;
  digestFailing: string[];
}

/** Inputs of deriveEvents. `previous` is undefined the first time a checklist is watched. */
export interface EventInputs {
  checklist: Pick<Checklist, 'id' | 'name'>;
  evaluation: Evaluation;
  previous: WatchSnapshot | undefined;
  /** Changes whenever the snapshot is replaced (the store's version of it): part of event ids. */
  previousVersion: number;
  now: Date;
}

/**
 * ISO-8601 week of a date, in UTC: `2026-W01`. Weeks start on Monday; week 1 holds the first Thursday.
 * @example isoWeek(new Date('2026-01-01T00:00:00Z')) // '2026-W01'
 */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  // The Thursday of this week decides the year the week belongs to.
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The stable id of an event: the same type, checklist, environment, subject and slot give the same id. */
export function eventId(
  type: WatchEventType,
  checklist: string,
  environment: string,
  subject: string,
  slot: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([type, checklist, environment, subject, slot]))
    .digest('hex');
}

const isFailing = (i: EvaluatedItem) => i.status === 'fail' || i.status === 'error';

function eventItem(i: EvaluatedItem): EventItem {
  return { id: i.id, title: i.title, status: i.status, message: i.message, due: i.due, owner: i.owner };
}

/** The snapshot of an evaluation, keeping the digest bookkeeping of `previous`. */
function snapshotOf(evaluation: Evaluation, now: Date, previous: WatchSnapshot | undefined): WatchSnapshot {
  const items = evaluation.items;
  return {
    verdict: evaluation.verdict,
    failing: items.filter(isFailing).map((i) => i.id),
    overdue: items.filter((i) => i.overdue).map((i) => i.id),
    expiring: items.filter((i) => waiverExpiring(i, now)).map(waiverKey),
    expired: items.filter((i) => i.flags.includes('waiver-expired')).map(waiverKey),
    attestationsExpiring: items.filter((i) => attestationExpiring(i, now)).map(attestationKey),
    digestWeek: previous?.digestWeek ?? isoWeek(now),
    digestFailing: previous?.digestFailing ?? items.filter(isFailing).map((i) => i.id),
  };
}

const waiverKey = (i: EvaluatedItem) => `${i.id}@${i.waiver?.expiresAt ?? ''}`;

const attestationKey = (i: EvaluatedItem) => `${i.id}@${i.attestation?.expiresAt ?? ''}`;

/** A passing item whose attestation runs out soon: a recurring review (`--valid-for 7d`) falls due again. */
function attestationExpiring(i: EvaluatedItem, now: Date): boolean {
  if (i.status !== 'pass' || !i.attestation?.expiresAt) return false;
  const left = Date.parse(i.attestation.expiresAt) - now.getTime();
  return left > 0 && left <= WAIVER_EXPIRING_MS;
}

function waiverExpiring(i: EvaluatedItem, now: Date): boolean {
  if (i.status !== 'waived' || !i.waiver) return false;
  const left = Date.parse(i.waiver.expiresAt) - now.getTime();
  return left > 0 && left <= WAIVER_EXPIRING_MS;
}

/**
 * Derive the events between the previous snapshot and the current evaluation, and the next snapshot.
 * The first evaluation of a checklist is a baseline for the verdict and the weekly digest (nothing
 * changed yet), but already-failing and overdue items and expiring waivers are announced once.
 * @example const { events, next } = deriveEvents({ checklist, evaluation, previous, previousVersion: 3, now });
 */
export function deriveEvents(inputs: EventInputs): { events: WatchEvent[]; next: WatchSnapshot } {
  const { checklist, evaluation, previous, now } = inputs;
  const env = evaluation.environment;
  const next = snapshotOf(evaluation, now, previous);
  const slot = String(inputs.previousVersion);
  const byId = new Map(evaluation.items.map((i) => [i.id, i]));
  const events: WatchEvent[] = [];
  const emit = (type: WatchEventType, subject: string, eventSlot: string, extra: Partial<WatchEvent>) => {
    events.push({
      id: eventId(type, checklist.id, env, subject, eventSlot),
      event: type,
      checklist: checklist.id,
      name: checklist.name,
      environment: env,
      verdict: evaluation.verdict,
      previous: previous?.verdict ?? null,
      reasons: evaluation.reasons.map((r) => r.message),
      at: now.toISOString(),
      items: [],
      ...extra,
    });
  };
  const fresh = (current: string[], before: string[] | undefined) =>
    current.filter((x) => !(before ?? []).includes(x));
  const itemsOf = (ids: string[]) => ids.map((id) => eventItem(byId.get(id)!));

  if (previous && previous.verdict !== evaluation.verdict) {
    emit('verdict.changed', `${previous.verdict}->${evaluation.verdict}`, slot, {
      items: evaluation.items.filter((i) => i.blocking && isFailing(i)).map(eventItem),
    });
  }
  const newlyFailing = fresh(next.failing, previous?.failing);
  if (newlyFailing.length > 0)
    emit('item.failing', newlyFailing.join('\n'), slot, { items: itemsOf(newlyFailing) });
  const newlyOverdue = fresh(next.overdue, previous?.overdue);
  if (newlyOverdue.length > 0)
    emit('item.overdue', newlyOverdue.join('\n'), slot, { items: itemsOf(newlyOverdue) });

  for (const [type, keys, before] of [
    ['waiver.expiring', next.expiring, previous?.expiring],
    ['waiver.expired', next.expired, previous?.expired],
  ] as const) {
    for (const key of fresh(keys, before)) {
      const item = byId.get(key.slice(0, key.lastIndexOf('@')))!;
      const w = item.waiver!;
      // Keyed by the waiver itself: a renewed waiver is a new subject, the same one is never re-sent.
      emit(type, key, w.at, {
        items: [eventItem(item)],
        waiver: { item: item.id, owner: w.owner, reason: w.reason, expires_at: w.expiresAt },
      });
    }
  }

  for (const key of fresh(next.attestationsExpiring ?? [], previous?.attestationsExpiring)) {
    const item = byId.get(key.slice(0, key.lastIndexOf('@')))!;
    const a = item.attestation!;
    emit('attestation.expiring', key, a.at, {
      items: [eventItem(item)],
      attestation: { item: item.id, by: a.by, evidence: a.evidence, expires_at: a.expiresAt! },
    });
  }

  const week = isoWeek(now);
  if (previous && previous.digestWeek !== week) {
    emit('digest.weekly', '', week, {
      items: [],
      digest: {
        week,
        summary: evaluation.summary,
        new_failures: itemsOf(fresh(next.failing, previous.digestFailing)),
        waivers: evaluation.items
          .filter((i) => i.status === 'waived' && i.waiver)
          .map((i) => ({ item: i.id, owner: i.waiver!.owner, expires_at: i.waiver!.expiresAt })),
        overdue: evaluation.items.filter((i) => i.overdue).map(eventItem),
      },
    });
    next.digestWeek = week;
    next.digestFailing = next.failing;
  }
  return { events, next };
}

/** Whether a target subscribed to this event type (no `events:` list means every type). */
export function wants(target: { events?: readonly string[] | undefined }, type: WatchEventType): boolean {
  return !target.events || target.events.length === 0 || target.events.includes(type);
}
