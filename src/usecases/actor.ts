import type { TokenRecord, TokenRole } from '../engine/store.js';

/** Roles in increasing power: each role may do everything the ones before it may. */
export const ROLES: readonly TokenRole[] = ['viewer', 'operator', 'approver', 'admin'];
/** Every token role: the ladder, and `runner` beside it (claims runner jobs, below viewer for all else). */
export const TOKEN_ROLES: readonly TokenRole[] = [...ROLES, 'runner'];

/**
 * Who performs a use case. A token carries its role and the sign-off roles it holds; a person at the
 * CLI (who has the database in hand anyway) holds every role.
 */
export interface Actor {
  /** Recorded as `by` and as the audit event's actor. */
  name: string;
  /** The person behind the actor: the token's `person` when set, else the name. Sign-offs name them. */
  person: string;
  role: TokenRole;
  /** The sign-off roles held; `all` for the CLI's person. */
  signoffRoles: readonly string[] | 'all';
  /** `token` when acting through an API token: refusals then name the token. */
  via: 'person' | 'token' | 'service';
}

/** The person at the CLI: every role, every sign-off role. */
export function personActor(name: string): Actor {
  return { name, person: name, role: 'admin', signoffRoles: 'all', via: 'person' };
}

/** An actor acting through an API token (a request with a bearer token, a dashboard session, `--token`). */
export function tokenActor(token: Pick<TokenRecord, 'name' | 'role' | 'signoffRoles' | 'person'>): Actor {
  return {
    name: token.name,
    person: token.person ?? token.name,
    role: token.role,
    signoffRoles: token.signoffRoles,
    via: 'token',
  };
}

/**
 * The service itself (scheduler, preflight, catalog loading): it may run checks and record digests,
 * but holds no sign-off role, so it can never approve anything.
 */
export function serviceActor(name: string): Actor {
  return { name, person: name, role: 'operator', signoffRoles: [], via: 'service' };
}

/** Whether `role` is at least `min` (viewer < operator < approver < admin). */
export function roleAtLeast(role: TokenRole, min: TokenRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** Whether the actor holds the sign-off role (regardless of its token role). */
export function holdsSignoffRole(actor: Actor, signoffRole: string): boolean {
  return actor.signoffRoles === 'all' || actor.signoffRoles.includes(signoffRole);
}

/** How refusals name the actor: `token "ci"` for tokens, the name otherwise. */
export function describeActor(actor: Actor): string {
  return actor.via === 'token' ? `token "${actor.name}"` : actor.name;
}
