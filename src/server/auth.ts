import type { TokenRecord } from '../engine/store.js';
import { holdsSignoffRole, ROLES, roleAtLeast, tokenActor } from '../usecases/index.js';

// The role rules live with the use cases (usecases/permission.ts); these names stay for server code.
export { hashToken } from '../usecases/index.js';
export { ROLES, roleAtLeast };

/** Who is calling: the token's record (never the token itself). */
export type Principal = TokenRecord;

/** Whether the principal may sign off for `signoffRole`: an approver (or admin) that holds that role. */
export function maySignFor(p: Principal, signoffRole: string): boolean {
  return roleAtLeast(p.role, 'approver') && holdsSignoffRole(tokenActor(p), signoffRole);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m?.[1];
}
