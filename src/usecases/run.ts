import type { KindRegistry } from '../engine/check.js';
import { type RunProgress, type RunResult, runChecklist } from '../engine/run-checklist.js';
import type { Checklist } from '../model/checklist.js';
import type { Actor } from './actor.js';
import type { UseCaseContext } from './context.js';
import { resolveEnvironment } from './lookup.js';
import { authorize } from './permission.js';
import { recordDigest } from './record-digest.js';

/** Input of runChecks(). */
export interface RunInput {
  checklist: Checklist;
  environment?: string | undefined;
  registry: KindRegistry;
  /** Process environment: `${NAME}` expansion and the `env` kind. */
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in checks resolve from here (the checklist's directory). */
  baseDir: string;
  /** Stored with the run: `cli`, `api:<token>`, `scheduler`. Defaults to the actor's name. */
  trigger?: string;
  wait?: boolean;
  onProgress?(p: RunProgress): void;
  /** Called once every check is prepared, before the first starts, with how many will run (RunOptions). */
  onChecksStart?(checks: number): void;
  signal?: AbortSignal;
  /** The checklist was loaded for this run alone: its check specs may go once prepared (RunOptions). */
  dropSpecs?: boolean;
}

/**
 * Run a checklist's checks now (operator): record its digest, run, decide, store the run with its
 * `run.completed` event, announce the change.
 * @example const { report } = await runChecks(ctx, personActor('ana'), { checklist, registry, env: process.env, baseDir: '.' })
 */
export async function runChecks(ctx: UseCaseContext, actor: Actor, input: RunInput): Promise<RunResult> {
  authorize(actor, { action: 'run' });
  const { checklist } = input;
  const environment = resolveEnvironment(checklist, input.environment);
  const trigger = input.trigger ?? actor.name;
  // Runs are logged under their trigger (`cli`, `api:<token>`, `scheduler`), the digest event too.
  await recordDigest(ctx, { ...actor, name: trigger }, checklist);
  const result = await runChecklist({
    checklist,
    environment,
    registry: input.registry,
    store: ctx.store,
    now: () => ctx.now(),
    env: input.env,
    baseDir: input.baseDir,
    trigger,
    ...(input.wait !== undefined ? { wait: input.wait } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.onChecksStart ? { onChecksStart: input.onChecksStart } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.dropSpecs ? { dropSpecs: true } : {}),
    ...(ctx.runners ? { runners: ctx.runners } : {}),
  });
  ctx.changes?.emit({ type: 'run.completed', checklist: checklist.id, environment });
  // The head after the run's own event (or later): every report witnesses the chain.
  const head = await ctx.store.auditHead();
  return head ? { ...result, report: { ...result.report, audit: head } } : result;
}
