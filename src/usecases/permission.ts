import type { TokenRole } from '../engine/store.js';
import type { Checklist } from '../model/checklist.js';
import { ActionError } from './action-error.js';
import { type Actor, describeActor, holdsSignoffRole, roleAtLeast } from './actor.js';
import { required } from './lookup.js';

/** What an actor asks to do, with what the permission rules need to know about it. */
export type Permission =
  | { action: 'run' | 'attest' | 'waive' | 'create-token' }
  | { action: 'signoff'; checklist: Checklist; role: string };

const MINIMUM: Record<Permission['action'], { role: TokenRole; doing: string }> = {
  run: { role: 'operator', doing: 'running checks' },
  attest: { role: 'operator', doing: 'attesting' },
  waive: { role: 'approver', doing: 'granting a waiver' },
  signoff: { role: 'approver', doing: 'signing off' },
  'create-token': { role: 'admin', doing: 'creating a token' },
};

/**
 * The one place that decides whether an actor may act, in one order: the token role is high enough
 * (403), then for a sign-off the role is one the checklist requires (400: it names the roles that
 * are), then the actor holds that sign-off role (403). A role nobody can sign is reported as such
 * before asking who holds it, so the answer tells the caller what to fix.
 */
export function authorize(actor: Actor, wanted: Permission): void {
  const min = MINIMUM[wanted.action];
  if (!roleAtLeast(actor.role, min.role)) {
    throw new ActionError(
      'role-too-low',
      `${describeActor(actor)} has role ${actor.role}; ${min.doing} needs ${min.role} or higher`,
    );
  }
  if (wanted.action !== 'signoff') return;
  const { checklist } = wanted;
  const role = required(wanted.role, 'role', 'a sign-off role');
  if (!checklist.signoffs.includes(role)) {
    const known =
      checklist.signoffs.length > 0 ? checklist.signoffs.join(', ') : '(none: policy.signoffs is empty)';
    throw new ActionError(
      'unknown-role',
      `role "${role}" does not sign off checklist ${checklist.id}; its sign-off roles: ${known}`,
      'role',
    );
  }
  if (!holdsSignoffRole(actor, role)) {
    const held =
      actor.signoffRoles !== 'all' && actor.signoffRoles.length > 0 ? actor.signoffRoles.join(', ') : 'none';
    throw new ActionError(
      'signoff-role-not-held',
      `${describeActor(actor)} may not sign off as ${role} (its sign-off roles: ${held})`,
      'role',
    );
  }
}

/** Whether `authorize` would let the actor act (for showing or hiding forms). */
export function permits(actor: Actor, wanted: Permission): boolean {
  try {
    authorize(actor, wanted);
    return true;
  } catch (err) {
    if (err instanceof ActionError) return false;
    throw err;
  }
}
