import type { Checklist } from '../model/checklist.js';
import type { Signoff } from '../model/state.js';
import { type Evaluation, type Reason, signerOf } from '../model/verdict.js';
import { ActionError } from './action-error.js';
import type { Actor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { evaluateStored } from './evaluate.js';
import { required, resolveEnvironment } from './lookup.js';
import { authorize } from './permission.js';
import { recordDigest } from './record-digest.js';

/** Input of signoff(). */
export interface SignoffInput {
  checklist: Checklist;
  environment?: string | undefined;
  role: string;
}

/** Reasons that are about sign-offs themselves (or only inform): they never hold a sign-off back. */
const SIGNOFF_REASONS: ReadonlySet<Reason['code']> = new Set([
  'signoff-missing',
  'signoff-stale',
  'signoff-evidence-changed',
  'waiver-expired',
  'attestation-expired',
]);

/** `policy.signoff_when: ready`: refuse while anything but sign-offs blocks GO, naming what does. */
function refuseUnlessReady(checklist: Checklist, environment: string, evaluation: Evaluation): void {
  const blocking = evaluation.reasons.filter((r) => !SIGNOFF_REASONS.has(r.code));
  if (blocking.length === 0) return;
  const named = blocking
    .slice(0, 5)
    .map((r) => r.item ?? r.code)
    .join(', ');
  const more = blocking.length > 5 ? ` and ${blocking.length - 5} more` : '';
  throw new ActionError(
    'signoff-not-ready',
    `${checklist.id} (${environment}) is not ready for sign-off: ${blocking.length} ` +
      `${blocking.length === 1 ? 'item blocks' : 'items block'} GO besides sign-offs (${named}${more}); ` +
      'policy.signoff_when: ready takes sign-offs once only sign-offs remain',
    'role',
  );
}

/**
 * `policy.distinct_signers`: one person signs one role, and not where they granted a waiver in force.
 * Waivers granted through a token name the token; `holders` maps token names to their persons.
 */
function refuseSameSigner(
  person: string,
  role: string,
  evaluation: Evaluation,
  holders: ReadonlyMap<string, string>,
): void {
  const other = evaluation.signoffs.find((s) => s.role !== role && s.signed && signerOf(s.signed) === person);
  if (other) {
    throw new ActionError(
      'same-signer',
      `${person} already signed off as ${other.role}; policy.distinct_signers needs another person for ${role}`,
      'role',
    );
  }
  const waived = evaluation.items.find(
    (i) => i.status === 'waived' && i.waiver && (holders.get(i.waiver.by) ?? i.waiver.by) === person,
  );
  if (waived) {
    throw new ActionError(
      'same-signer',
      `${person} granted the waiver of ${waived.id}; policy.distinct_signers needs another person to sign off as ${role}`,
      'role',
    );
  }
}

/**
 * Sign off the checklist's current digest for one environment, as one of its required roles that the
 * actor holds (see `authorize` for the order of refusals), then the checklist's sign-off policy. The
 * sign-off records the person and the evidence digest of the stored evaluation at this moment.
 * @example await signoff(ctx, tokenActor(token), { checklist, environment: 'production', role: 'security' })
 */
export async function signoff(ctx: UseCaseContext, actor: Actor, input: SignoffInput): Promise<Signoff> {
  const { checklist } = input;
  authorize(actor, { action: 'signoff', checklist, role: input.role });
  const role = input.role.trim();
  const environment = resolveEnvironment(checklist, input.environment);
  const by = required(actor.name, 'by', 'who signs off');
  const person = actor.person.trim() || by;
  const { evaluation } = await evaluateStored(ctx, { checklist, environment });
  const { policy } = checklist;
  if (policy.signoff_when === 'ready') refuseUnlessReady(checklist, environment, evaluation);
  if (policy.distinct_signers) {
    const holders = new Map(
      (await ctx.store.listTokens()).filter((t) => t.person).map((t) => [t.name, t.person!] as const),
    );
    refuseSameSigner(person, role, evaluation, holders);
  }
  const record: Signoff = {
    checklist: checklist.id,
    environment,
    role,
    digest: checklist.digest,
    by,
    at: ctx.now().toISOString(),
    person,
    evidence: evaluation.evidence,
  };
  await recordDigest(ctx, actor, checklist);
  await ctx.store.addSignoff(record);
  ctx.changes?.emit({ type: 'signoff.given', checklist: checklist.id, environment });
  return record;
}
