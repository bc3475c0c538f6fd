import { createHash } from 'node:crypto';
import type { TokenRecord, TokenRole } from '../engine/store.js';

/** Roles in increasing power: each role may do everything the ones before it may. */
export const ROLES: readonly TokenRole[] = ['viewer', 'operator', 'approver', 'admin'];

/** Who is calling: the token's record (never the token itself). */
export type Principal = TokenRecord;

/** The store key of a token: hex SHA-256 of the token text. Tokens themselves are never stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `role` is at least `min` (viewer < operator < approver < admin). */
export function roleAtLeast(role: TokenRole, min: TokenRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** Whether the principal may sign off for `signoffRole`: an approver (or admin) that holds that role. */
export function maySignFor(p: Principal, signoffRole: string): boolean {
  return roleAtLeast(p.role, 'approver') && p.signoffRoles.includes(signoffRole);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m?.[1];
}
