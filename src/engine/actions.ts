import type { Checklist, Item } from '../model/checklist.js';
import { DEFAULT_WAIVER_MAX_DAYS } from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import { ConfigError } from '../model/errors.js';
import type { Attestation, Signoff, Waiver } from '../model/state.js';
import type { Store } from './store.js';

/**
 * The state-changing use cases people perform (attest, waive, sign off), with the rules shared by the
 * CLI and the server: one place validates, so both refuse the same things with the same words.
 */

/** Why an action was refused. `field` names the input at fault (a flag or a JSON body field). */
export type ActionErrorCode =
  | 'unknown-environment'
  | 'unknown-item'
  | 'unknown-role'
  | 'has-check'
  | 'is-signoff'
  | 'needs-value'
  | 'missing'
  | 'bad-duration'
  | 'bad-expiry'
  | 'expiry-past'
  | 'waiver-too-long';

/** A refused action: a ConfigError (so the CLI exits 2) with a machine-readable code. */
export class ActionError extends ConfigError {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    field: string,
  ) {
    super(message, field);
  }

  /** Unknown ids are "not found" (HTTP 404); every other refusal is bad input (HTTP 400). */
  get notFound(): boolean {
    return code404.has(this.code);
  }
}

const code404: ReadonlySet<ActionErrorCode> = new Set(['unknown-environment', 'unknown-item']);

const DAY = 86_400_000;

/** The environment name to use: the one asked for (must exist), else the checklist's first. */
export function resolveEnvironment(checklist: Checklist, requested: string | undefined): string {
  const names = Object.keys(checklist.environments);
  const known = names.length > 0 ? names : ['default'];
  if (requested === undefined || requested === '') return known[0]!;
  if (!known.includes(requested)) {
    throw new ActionError(
      'unknown-environment',
      `unknown environment "${requested}" for checklist ${checklist.id}; known: ${known.join(', ')}`,
      'env',
    );
  }
  return requested;
}

/** Find an item by id or exact title; an unknown reference names the closest ids. */
export function findItem(checklist: Checklist, ref: string, field = 'item'): Item {
  const byId = checklist.items.find((i) => i.id === ref);
  if (byId) return byId;
  const byTitle = checklist.items.filter((i) => i.title === ref);
  if (byTitle.length === 1) return byTitle[0]!;
  const close = closeMatches(
    ref,
    checklist.items.map((i) => i.id),
  );
  const hint =
    close.length > 0 ? `; did you mean ${close.join(', ')}?` : '; list ids with `gonogo lint FILE`';
  throw new ActionError('unknown-item', `no item "${ref}" in checklist ${checklist.id}${hint}`, field);
}

function closeMatches(ref: string, ids: string[]): string[] {
  const needle = ref.toLowerCase();
  const tail = needle.split('/').pop() ?? needle;
  return ids
    .map((id) => ({ id, d: distance(tail, id.split('/').pop() ?? id) }))
    .filter((m) => m.id.includes(tail) || m.d <= Math.max(2, Math.floor(tail.length / 4)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((m) => m.id);
}

/** Levenshtein distance, small inputs only (item slugs). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function required(value: string | undefined, field: string, what: string): string {
  const v = value?.trim() ?? '';
  if (v === '') throw new ActionError('missing', `${field}: ${what} is required`, field);
  return v;
}

/** Input of attest(). `validFor` is a duration like `90d`. */
export interface AttestInput {
  checklist: Checklist;
  environment?: string;
  item: string;
  evidence: string;
  value?: string;
  validFor?: string;
  file?: { name: string; sha256: string };
  by: string;
}

/**
 * Record that a manual item holds. Refuses items with a check (waive those), sign-off slots (sign off
 * instead) and `field` items without a value.
 * @example await attest(store, { checklist, item: 'security/2fa', evidence: 'tested', by: 'ana' }, new Date())
 */
export async function attest(store: Store, input: AttestInput, now: Date): Promise<Attestation> {
  const { checklist } = input;
  const environment = resolveEnvironment(checklist, input.environment);
  const item = findItem(checklist, input.item);
  if (item.check) {
    throw new ActionError(
      'has-check',
      `item ${item.id} is checked by its ${item.check.kind} check, which decides its status; waive it instead`,
      'item',
    );
  }
  if (item.kind === 'signoff') {
    throw new ActionError(
      'is-signoff',
      `item ${item.id} is a sign-off slot; sign off with role ${item.role ?? '(its role)'} instead`,
      'item',
    );
  }
  const evidence = required(input.evidence, 'evidence', 'evidence (what shows the item holds)');
  const value = input.value?.trim() || undefined;
  if (item.kind === 'field' && !value) {
    throw new ActionError(
      'needs-value',
      `item ${item.id} is a field ("${item.title}"); give its value`,
      'value',
    );
  }
  let expiresAt: string | undefined;
  if (input.validFor !== undefined && input.validFor !== '') {
    let ms: number;
    try {
      ms = parseDuration(input.validFor, 'valid_for');
    } catch (err) {
      throw new ActionError('bad-duration', (err as Error).message, 'valid_for');
    }
    if (ms <= 0) throw new ActionError('bad-duration', 'valid_for: must be longer than zero', 'valid_for');
    expiresAt = new Date(now.getTime() + ms).toISOString();
  }
  const attestation: Attestation = {
    checklist: checklist.id,
    environment,
    item: item.id,
    evidence,
    by: required(input.by, 'by', 'who attests'),
    at: now.toISOString(),
    ...(value ? { value } : {}),
    ...(input.file ? { file: input.file } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
  await store.addAttestation(attestation);
  return attestation;
}

/** Input of waive(). `expires` is a date (YYYY-MM-DD, valid through that day UTC), an ISO time or `Nd`. */
export interface WaiveInput {
  checklist: Checklist;
  environment?: string;
  item: string;
  reason: string;
  owner: string;
  expires: string;
  by: string;
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
 * Grant a waiver for one item, no longer than `policy.waiver_max_days`.
 * @example await waive(store, { checklist, item: 'ops/backups', reason: 'vendor delay', owner: 'sre', expires: '14d', by: 'lee' }, new Date())
 */
export async function waive(store: Store, input: WaiveInput, now: Date): Promise<Waiver> {
  const { checklist } = input;
  const environment = resolveEnvironment(checklist, input.environment);
  const item = findItem(checklist, input.item);
  const reason = required(input.reason, 'reason', 'a reason');
  const owner = required(input.owner, 'owner', 'an owner');
  const by = required(input.by, 'by', 'who grants the waiver');
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
  await store.addWaiver(waiver);
  return waiver;
}

/** Input of signoff(). */
export interface SignoffInput {
  checklist: Checklist;
  environment?: string;
  role: string;
  by: string;
}

/**
 * Sign off the checklist's current digest for one environment, as one of its required roles.
 * @example await signoff(store, { checklist, environment: 'production', role: 'security', by: 'kim' }, new Date())
 */
export async function signoff(store: Store, input: SignoffInput, now: Date): Promise<Signoff> {
  const { checklist } = input;
  const environment = resolveEnvironment(checklist, input.environment);
  const role = required(input.role, 'role', 'a sign-off role');
  if (!checklist.signoffs.includes(role)) {
    const known =
      checklist.signoffs.length > 0 ? checklist.signoffs.join(', ') : '(none: policy.signoffs is empty)';
    throw new ActionError(
      'unknown-role',
      `role "${role}" does not sign off checklist ${checklist.id}; its sign-off roles: ${known}`,
      'role',
    );
  }
  const record: Signoff = {
    checklist: checklist.id,
    environment,
    role,
    digest: checklist.digest,
    by: required(input.by, 'by', 'who signs off'),
    at: now.toISOString(),
  };
  await store.addSignoff(record);
  return record;
}
