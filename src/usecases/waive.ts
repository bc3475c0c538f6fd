import type { Checklist } from '../model/checklist.js';
import { DEFAULT_WAIVER_MAX_DAYS } from '../model/checklist.js';
import type { Waiver } from '../model/state.js';
import { ActionError } from './action-error.js';
import type { Actor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { findItem, required, resolveEnvironment } from './lookup.js';
import { authorize } from './permission.js';
import { recordDigest } from './record-digest.js';

const DAY = 86_400_000;

/** Input of waive(). `expires` is a date (YYYY-MM-DD, valid through that day UTC), an ISO time or `Nd`. */
export interface WaiveInput {
  checklist: Checklist;
  environment?: string | undefined;
  item: string;
  reason: string;
  owner: string;
  expires: string;
}

/** Parse a waiver expiry against the policy limit; returns the ISO expiry instant. */
export function parseExpiry(expires: string, maxDays: number, now: Date): string {
  const text = expires.trim();
  let at: number;
  let limit = now.getTime() + maxDays * DAY;
  const days = /^(\d+)d$/.exec(text);
  if (days) {
    at = now.getTime() + Number(days[1]) * DAY;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    // A bare date means "through that day": the limit counts calendar days, so today + maxDays is allowed.
    at = Date.parse(`${text}T23:59:59.999Z`);
    const today = Date.parse(`${now.toISOString().slice(0, 10)}T23:59:59.999Z`);
    limit = today + maxDays * DAY;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    at = Date.parse(text);
  } else {
    at = Number.NaN;
  }
  if (Number.isNaN(at)) {
    throw new ActionError(
      'bad-expiry',
      `expires: "${expires}" is not a date; write YYYY-MM-DD, an ISO date-time or a number of days like 14d`,
      'expires',
    );
  }
  if (at <= now.getTime()) {
    throw new ActionError('expiry-past', `expires: ${text} is not in the future`, 'expires');
  }
  if (at > limit) {
    throw new ActionError(
      'waiver-too-long',
      `expires: ${text} is more than ${maxDays} days away; policy.waiver_max_days is ${maxDays}: choose an earlier date or fix the item`,
      'expires',
    );
  }
  return new Date(at).toISOString();
}

/**
 * Grant a waiver for one item (approver), no longer than `policy.waiver_max_days`.
 * @example await waive(ctx, personActor('lee'), { checklist, item: 'ops/backups', reason: 'vendor delay', owner: 'sre', expires: '14d' })
 */
export async function waive(ctx: UseCaseContext, actor: Actor, input: WaiveInput): Promise<Waiver> {
  authorize(actor, { action: 'waive' });
  const { checklist } = input;
  const now = ctx.now();
  const environment = resolveEnvironment(checklist, input.environment);
  const item = findItem(checklist, input.item);
  const reason = required(input.reason, 'reason', 'a reason');
  const owner = required(input.owner, 'owner', 'an owner');
  const by = required(actor.name, 'by', 'who grants the waiver');
  const maxDays = checklist.policy.waiver_max_days ?? DEFAULT_WAIVER_MAX_DAYS;
  const expiresAt = parseExpiry(required(input.expires, 'expires', 'an expiry'), maxDays, now);
  const waiver: Waiver = {
    checklist: checklist.id,
    environment,
    item: item.id,
    reason,
    owner,
    by,
    at: now.toISOString(),
    expiresAt,
  };
  await recordDigest(ctx, actor, checklist);
  await ctx.store.addWaiver(waiver);
  ctx.changes?.emit({ type: 'waiver.granted', checklist: checklist.id, environment });
  return waiver;
}
