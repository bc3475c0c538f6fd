import type { Checklist } from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import type { Attestation } from '../model/state.js';
import { ActionError } from './action-error.js';
import type { Actor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { findItem, required, resolveEnvironment } from './lookup.js';
import { authorize } from './permission.js';
import { recordDigest } from './record-digest.js';

/** Input of attest(). `validFor` is a duration like `90d`. */
export interface AttestInput {
  checklist: Checklist;
  environment?: string | undefined;
  item: string;
  evidence: string;
  value?: string | undefined;
  validFor?: string | undefined;
  file?: { name: string; sha256: string } | undefined;
}

/**
 * Record that a manual item holds (operator). Refuses items with a check (waive those), sign-off slots
 * (sign off instead) and `field` items without a value.
 * @example await attest(ctx, personActor('ana'), { checklist, item: 'security/2fa', evidence: 'tested' })
 */
export async function attest(ctx: UseCaseContext, actor: Actor, input: AttestInput): Promise<Attestation> {
  authorize(actor, { action: 'attest' });
  const { checklist } = input;
  const now = ctx.now();
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
  const expiresAt = validUntil(input.validFor, now);
  const attestation: Attestation = {
    checklist: checklist.id,
    environment,
    item: item.id,
    evidence,
    by: required(actor.name, 'by', 'who attests'),
    at: now.toISOString(),
    ...(value ? { value } : {}),
    ...(input.file ? { file: input.file } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
  await recordDigest(ctx, actor, checklist);
  await ctx.store.addAttestation(attestation);
  ctx.changes?.emit({ type: 'item.attested', checklist: checklist.id, environment });
  return attestation;
}

function validUntil(validFor: string | undefined, now: Date): string | undefined {
  if (validFor === undefined || validFor === '') return undefined;
  let ms: number;
  try {
    ms = parseDuration(validFor, 'valid_for');
  } catch (err) {
    throw new ActionError('bad-duration', (err as Error).message, 'valid_for');
  }
  if (ms <= 0) throw new ActionError('bad-duration', 'valid_for: must be longer than zero', 'valid_for');
  return new Date(now.getTime() + ms).toISOString();
}
