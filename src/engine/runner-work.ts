import { formatDuration } from '../model/duration.js';
import { type KindRegistry, parseTarget } from './check.js';
import { AttemptLimit, errorMessage, isCheckFailure, shapeObserved } from './execute.js';
import { expand } from './expand.js';
import { describeSchemaError, type PreparedCheck } from './prepare.js';
import { environmentSecrets, redactText } from './redact.js';
import type { RunnerAnswer, RunnerJob } from './runners.js';

/**
 * The runner's half of a `runner:` check (`gonogo runner`): expand the `${NAME}` references the server
 * left from this process's environment, parse target and options with the kind's schemas, observe once
 * under the check's timeout, and shape the observation with the engine's redaction rules. Conditions
 * are not evaluated here: the server judges. Never throws: whatever goes wrong is the answer's `error`.
 */

/** What observing needs from the runner's process. */
export interface RunnerWorkContext {
  registry: KindRegistry;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (file, junit, command) resolve from here: the runner's working directory. */
  baseDir: string;
  now: () => Date;
  /** Aborted when the runner stops hard. */
  signal?: AbortSignal;
}

/**
 * Observe one job.
 * @example const answer = await observeJob(job, { registry, env: process.env, baseDir: process.cwd(), now: () => new Date() });
 */
export async function observeJob(job: RunnerJob, ctx: RunnerWorkContext): Promise<RunnerAnswer> {
  let known = environmentSecrets(ctx.env, job.secretNames);
  const error = (message: string): RunnerAnswer => ({ error: redactText(message, known) });
  await ctx.registry.load?.([job.kind]);
  const def = ctx.registry.get(job.kind);
  if (!def)
    return error(`this runner does not know the check kind "${job.kind}"; upgrade gonogo on the runner`);
  let target: unknown;
  let options: unknown;
  try {
    const expanded = expand(
      { target: job.target, options: job.options },
      { environment: 'runner', block: {}, env: ctx.env, secretNames: job.secretNames },
    );
    if (expanded.secrets.size > 0) known = new Map([...known, ...expanded.secrets]);
    ({ target, options } = expanded.value);
  } catch (err) {
    return error(`on the runner: ${(err as Error).message}`);
  }
  const t = parseTarget(def.target, target);
  if (!t.success) return error(describeSchemaError(def.kind, 'target', t.error, def.target).join('; '));
  const o = def.options.safeParse(options ?? {});
  if (!o.success) return error(describeSchemaError(def.kind, 'options', o.error, def.options).join('; '));
  // Only what shapeObserved reads: the kind, the options (`secret: false`) and the known secrets.
  const shaping = { def, options: o.data, known } as unknown as PreparedCheck;
  const limit = new AttemptLimit(job.timeoutMs, ctx.signal);
  try {
    const observation = await limit.settle(() =>
      def.run(t.data, o.data, {
        signal: limit.signal,
        timeoutMs: job.timeoutMs,
        baseDir: ctx.baseDir,
        env: ctx.env,
        now: ctx.now,
      }),
    );
    if (observation === null || typeof observation !== 'object') {
      return error(`the ${def.kind} check returned no observation`);
    }
    return { observed: shapeObserved(shaping, observation) };
  } catch (err) {
    if (limit.timedOut) return error(`timed out after ${formatDuration(job.timeoutMs)} on the runner`);
    if (ctx.signal?.aborted) return error('the runner stopped before this check finished');
    if (isCheckFailure(err)) {
      return {
        observed: shapeObserved(shaping, err.partial),
        failure: redactText(errorMessage(err), known),
      };
    }
    return error(`${def.kind} check crashed on the runner: ${errorMessage(err)}`);
  } finally {
    limit.dispose();
  }
}
