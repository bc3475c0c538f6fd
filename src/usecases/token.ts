import { createHash, randomBytes } from 'node:crypto';
import type { Store, TokenRecord, TokenRole } from '../engine/store.js';
import { ActionError } from './action-error.js';
import { type Actor, ROLES, tokenActor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { required } from './lookup.js';
import { authorize } from './permission.js';

/** The store key of a token: hex SHA-256 of the token text. Tokens themselves are never stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `gng_` + 32 random bytes, base64url: recognisable in secret scanners, 256 bits of entropy. */
function newToken(): string {
  return `gng_${randomBytes(32).toString('base64url')}`;
}

/** Input of createToken(). */
export interface CreateTokenInput {
  name: string;
  role: string;
  signoffRoles: readonly string[];
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
  if (!ROLES.includes(role)) {
    throw new ActionError('bad-token-role', `--role ${input.role}: use one of ${ROLES.join(', ')}`, 'role');
  }
  const signoffRoles = input.signoffRoles.map((r) => r.trim()).filter(Boolean);
  if (signoffRoles.length > 0 && role !== 'approver' && role !== 'admin') {
    throw new ActionError(
      'bad-token-role',
      `--signoff-roles needs --role approver (or admin): a ${role} token cannot sign off`,
      'signoff-roles',
    );
  }
  const token = newToken();
  const record = await ctx.store.createToken(
    { name, role, signoffRoles, hash: hashToken(token), at: ctx.now().toISOString() },
    actor.name,
  );
  ctx.changes?.emit({ type: 'token.created' });
  return { token, record };
}

/** The actor a token acts as; refuses a token the store does not know (never echoing it). */
export async function actorFromToken(store: Pick<Store, 'findToken'>, token: string): Promise<Actor> {
  const record = await store.findToken(hashToken(token.trim()));
  if (!record) {
    throw new ActionError(
      'unknown-token',
      'the token given with --token is unknown or revoked; create one with `gonogo token create`',
      'token',
    );
  }
  return tokenActor(record);
}
