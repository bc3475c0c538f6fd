import type { KindRegistry } from '../../engine/check.js';
import { executeChecks } from '../../engine/execute.js';
import { type PreparedCheck, prepareCheck } from '../../engine/prepare.js';
import type { RunnerDispatch } from '../../engine/runners.js';
import type { Sample, Store } from '../../engine/store.js';
import { ATTR, inSpan } from '../../engine/tracing.js';
import type { Checklist, CheckSpec, Item } from '../../model/checklist.js';

/** What sampling needs: the kinds, the store, the clock and the process environment. */
export interface SamplerDeps {
  registry: KindRegistry;
  store: Pick<Store, 'addSamples'>;
  now(): Date;
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve from (the checklist's directory). */
  baseDir(checklist: Checklist): string;
  /** Where `runner:` checks go, as in runs. */
  runners?: RunnerDispatch;
}

/**
 * Take one sample of each given windowed item between scheduled runs: run its check exactly as a run
 * would (engine's prepare + execute: expansion, timeouts, retries, redaction) and store only the sample.
 * No run is recorded: a run is one evaluation of the whole checklist. Returns the stored samples.
 */
export function sampleItems(
  deps: SamplerDeps,
  checklist: Checklist,
  environment: string,
  items: readonly Item[],
  signal?: AbortSignal,
): Promise<Sample[]> {
  const common = { [ATTR.checklist]: checklist.id, [ATTR.environment]: environment };
  return inSpan('gonogo.sample', { ...common, 'gonogo.sample.items': items.length }, async (span) => {
    const samples = await takeSamples(deps, checklist, environment, items, common, signal);
    span.setAttribute('gonogo.sample.failed', samples.filter((s) => !s.ok).length);
    return samples;
  });
}

async function takeSamples(
  deps: SamplerDeps,
  checklist: Checklist,
  environment: string,
  items: readonly Item[],
  spanAttributes: Record<string, string>,
  signal?: AbortSignal,
): Promise<Sample[]> {
  const block = checklist.environments[environment] ?? {};
  // The front matter's `secrets:` are redacted in samples exactly as in runs.
  const source = { environment, block, env: deps.env, secretNames: checklist.secrets ?? [] };
  const prepared: PreparedCheck[] = [];
  const samples: Sample[] = [];
  const at = deps.now().toISOString();
  for (const item of items) {
    if (!item.check || item.skip !== undefined) continue;
    const p = prepareCheck(item as Item & { check: CheckSpec }, deps.registry, source);
    if ('outcome' in p) {
      // A check that cannot run is a failed sample, as in a run.
      samples.push(sampleOf(checklist, environment, item.id, at, false, p.outcome.message));
    } else {
      prepared.push(p.check);
    }
  }
  const outcomes = await executeChecks(prepared, {
    baseDir: deps.baseDir(checklist),
    env: deps.env,
    now: deps.now,
    spanAttributes,
    // A sample stores pass/fail and the (redacted) message only: the observed values are not kept.
    keepObserved: false,
    ...(signal ? { signal } : {}),
    ...(deps.runners ? { runners: deps.runners } : {}),
  });
  for (const o of outcomes.values()) {
    samples.push(sampleOf(checklist, environment, o.item, o.at ?? at, o.status === 'pass', o.message));
  }
  await deps.store.addSamples(samples);
  return samples;
}

function sampleOf(
  checklist: Checklist,
  environment: string,
  item: string,
  at: string,
  ok: boolean,
  message: string | undefined,
): Sample {
  return {
    checklist: checklist.id,
    environment,
    item,
    at,
    ok,
    ...(message !== undefined ? { message } : {}),
  };
}
