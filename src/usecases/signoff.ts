import type { Checklist } from '../model/checklist.js';
import type { Signoff } from '../model/state.js';
import type { Actor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { required, resolveEnvironment } from './lookup.js';
import { authorize } from './permission.js';
import { recordDigest } from './record-digest.js';

/** Input of signoff(). */
export interface SignoffInput {
  checklist: Checklist;
  environment?: string | undefined;
  role: string;
}

/**
 * Sign off the checklist's current digest for one environment, as one of its required roles that the
 * actor holds (see `authorize` for the order of refusals).
 * @example await signoff(ctx, tokenActor(token), { checklist, environment: 'production', role: 'security' })
 */
export async function signoff(ctx: UseCaseContext, actor: Actor, input: SignoffInput): Promise<Signoff> {
  const { checklist } = input;
  authorize(actor, { action: 'signoff', checklist, role: input.role });
  const role = input.role.trim();
  const environment = resolveEnvironment(checklist, input.environment);
  const record: Signoff = {
    checklist: checklist.id,
    environment,
    role,
    digest: checklist.digest,
    by: required(actor.name, 'by', 'who signs off'),
    at: ctx.now().toISOString(),
  };
  await recordDigest(ctx, actor, checklist);
  await ctx.store.addSignoff(record);
  ctx.changes?.emit({ type: 'signoff.given', checklist: checklist.id, environment });
  return record;
}
