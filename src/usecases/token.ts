import { hash, randomBytes } from 'node:crypto';
import type { Store, TokenRecord, TokenRole } from '../engine/store.js';
import { runnerLabelProblem } from '../model/check-options.js';
import { ActionError } from './action-error.js';
import { type Actor, TOKEN_ROLES, tokenActor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { required } from './lookup.js';
import { authorize } from './permission.js';

/**
 * The store key of a token: hex SHA-256 of the token text (UTF-8). Tokens themselves are never stored.
 * One-shot `hash` (every API request hashes its token): a quarter of createHash's cost, same digest.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** `gng_` + 32 random bytes, base64url: recognisable in secret scanners, 256 bits of entropy. */
function newToken(): string {
  return `gng_${randomBytes(32).toString('base64url')}`;
}

const DAY = 86_400_000;

/** Input of createToken(). */
export interface CreateTokenInput {
  name: string;
  role: string;
  signoffRoles: readonly string[];
  /** Who holds the token: sign-offs made with it name this person. */
  person?: string | undefined;
  /** `90d`, a date (through that day) or an ISO date-time; absent: never expires. */
  expires?: string | undefined;
  /** A runner token's labels (required for role runner, refused for the others). */
  labels?: readonly string[] | undefined;
}

/** The labels of a new token: one or more valid labels for a runner token, none for any other. */
function runnerLabels(role: TokenRole, given: readonly string[] | undefined): string[] | undefined {
  const labels = [...new Set((given ?? []).map((l) => l.trim()).filter(Boolean))];
  if (role !== 'runner') {
    if (labels.length === 0) return undefined;
    throw new ActionError(
      'bad-token-role',
      `--labels is for runner tokens (--role runner); a ${role} token claims no jobs`,
      'labels',
    );
  }
  if (labels.length === 0) {
    throw new ActionError(
      'missing',
      '--role runner needs --labels: the labels whose checks this runner may run, e.g. --labels prod-vpc,eu',
      'labels',
    );
  }
  for (const label of labels) {
    const problem = runnerLabelProblem(label);
    if (problem) throw new ActionError('bad-token-role', `--labels: ${problem}`, 'labels');
  }
  return labels;
}

/** When a token given `--expires` stops working: `90d` from now, a date (end of day) or a date-time. */
function tokenExpiry(expires: string, now: Date): string {
  const text = expires.trim();
  const days = /^(\d+)d$/.exec(text);
  let at = Number.NaN;
  if (days) at = now.getTime() + Number(days[1]) * DAY;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) at = Date.parse(`${text}T23:59:59.999Z`);
  else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new ActionError(
      'bad-expiry',
      `--expires ${expires}: write a number of days like 90d, a date YYYY-MM-DD or an ISO date-time`,
      'expires',
    );
  }
  if (at <= now.getTime())
    throw new ActionError('expiry-past', `--expires ${text} is not in the future`, 'expires');
  return new Date(at).toISOString();
}

/**
 * Create an API token (admin): returns the token text (shown once, never stored) and its record.
 * @example const { token } = await createToken(ctx, personActor('ana'), { name: 'ci', role: 'operator', signoffRoles: [] })
 */
export async function createToken(
  ctx: UseCaseContext,
  actor: Actor,
  input: CreateTokenInput,
): Promise<{ token: string; record: TokenRecord }> {
  authorize(actor, { action: 'create-token' });
  const name = required(input.name, 'name', 'a token name');
  const role = input.role as TokenRole;
  if (!TOKEN_ROLES.includes(role)) {
    throw new ActionError(
      'bad-token-role',
      `--role ${input.role}: use one of ${TOKEN_ROLES.join(', ')}`,
      'role',
    );
  }
  const labels = runnerLabels(role, input.labels);
  const signoffRoles = input.signoffRoles.map((r) => r.trim()).filter(Boolean);
  if (signoffRoles.length > 0 && role !== 'approver' && role !== 'admin') {
    throw new ActionError(
      'bad-token-role',
      `--signoff-roles needs --role approver (or admin): a ${role} token cannot sign off`,
      'signoff-roles',
    );
  }
  const person = input.person === undefined ? undefined : required(input.person, 'person', 'who holds it');
  const now = ctx.now();
  const expiresAt = input.expires === undefined ? undefined : tokenExpiry(input.expires, now);
  const token = newToken();
  const record = await ctx.store.createToken(
    {
      name,
      role,
      signoffRoles,
      hash: hashToken(token),
      at: now.toISOString(),
      ...(person !== undefined ? { person } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(labels !== undefined ? { labels } : {}),
    },
    actor.name,
  );
  ctx.changes?.emit({ type: 'token.created' });
  return { token, record };
}

/** Every token, oldest first (admin): records only, never a secret. */
export async function listTokens(ctx: UseCaseContext, actor: Actor): Promise<TokenRecord[]> {
  authorize(actor, { action: 'create-token' });
  return ctx.store.listTokens();
}

/**
 * Revoke a token by name or id (admin); appends `token.revoked` and announces it, so the server drops
 * the token from its caches and ends its dashboard sessions. A name that several tokens share is refused:
 * give the id.
 * @example await revokeToken(ctx, personActor('ana'), 'ci')
 */
export async function revokeToken(ctx: UseCaseContext, actor: Actor, ref: string): Promise<TokenRecord> {
  authorize(actor, { action: 'create-token' });
  const wanted = required(ref, 'token', 'the name or id of the token to revoke');
  const tokens = await ctx.store.listTokens();
  const byId = /^\d+$/.test(wanted) ? tokens.filter((t) => t.id === Number(wanted)) : [];
  const matches = byId.length > 0 ? byId : tokens.filter((t) => t.name === wanted);
  if (matches.length === 0) {
    throw new ActionError(
      'unknown-token',
      `no token named "${wanted}"; list them with \`gonogo token list\``,
      'token',
    );
  }
  if (matches.length > 1) {
    const ids = matches.map((t) => t.id).join(', ');
    throw new ActionError(
      'missing',
      `${matches.length} tokens are named "${wanted}" (ids ${ids}); revoke one by id`,
      'token',
    );
  }
  const target = matches[0]!;
  const revoked = await ctx.store.revokeToken(target.id, ctx.now().toISOString(), actor.name);
  if (!revoked) throw new ActionError('unknown-token', `token ${target.id} no longer exists`, 'token');
  ctx.changes?.emit({ type: 'token.revoked' });
  return revoked;
}

/**
 * Why a stored token no longer works at `now` (revoked or expired), or undefined when it does. The
 * words name the token and the time, so whoever holds it knows what happened.
 */
export function tokenRefusal(token: TokenRecord, now: Date): ActionError | undefined {
  if (token.revokedAt !== undefined) {
    return new ActionError(
      'token-revoked',
      `token "${token.name}" was revoked at ${token.revokedAt}; ask an admin for a new one`,
      'token',
    );
  }
  if (token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now.getTime()) {
    return new ActionError(
      'token-expired',
      `token "${token.name}" expired at ${token.expiresAt}; ask an admin for a new one`,
      'token',
    );
  }
  return undefined;
}

/** The actor a token acts as; refuses a token the store does not know, or one revoked or expired. */
export async function actorFromToken(
  ctx: Pick<UseCaseContext, 'now'> & { store: Pick<Store, 'findToken'> },
  token: string,
): Promise<Actor> {
  const record = await ctx.store.findToken(hashToken(token.trim()));
  if (!record) {
    throw new ActionError(
      'unknown-token',
      'the token given with --token is unknown; create one with `gonogo token create`',
      'token',
    );
  }
  const refused = tokenRefusal(record, ctx.now());
  if (refused) throw refused;
  return tokenActor(record);
}
