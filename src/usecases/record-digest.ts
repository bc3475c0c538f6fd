import type { Checklist } from '../model/checklist.js';
import type { Actor } from './actor.js';
import type { UseCaseContext } from './context.js';

/**
 * Record the checklist's current version (`checklist.imported`, appended only when the digest is new)
 * so the log names the version that a following attestation, waiver, sign-off or run refers to.
 * Stamped with the context's clock, like the events that follow it.
 * @example await recordDigest(ctx, personActor('ana'), checklist)
 */
export async function recordDigest(ctx: UseCaseContext, actor: Actor, checklist: Checklist): Promise<void> {
  await ctx.store.recordChecklist(
    {
      id: checklist.id,
      name: checklist.name,
      digest: checklist.digest,
      ...(checklist.file ? { file: checklist.file } : {}),
      at: ctx.now().toISOString(),
    },
    actor.name,
  );
}
