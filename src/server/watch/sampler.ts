import type { KindRegistry } from '../../engine/check.js';
import { executeChecks } from '../../engine/execute.js';
import type { ExpansionSource } from '../../engine/expand.js';
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

/** One item's preparation: the check ready to run, or the message of why it cannot run. */
type Preparation = { check: PreparedCheck } | { message: string | undefined };

/** The preparations of one checklist version for one environment, and what they were prepared with. */
interface Prepared {
  registry: KindRegistry;
  env: Readonly<Record<string, string | undefined>>;
  byItem: WeakMap<Item, Preparation>;
}

/**
 * Preparations kept per checklist version (the catalog's Checklist object: a changed file is read into a
 * new one, so a new version is prepared afresh), environment and item (object). Preparing (expansion, the kind's
 * schemas, conditions) depends on nothing else but the registry and the process environment object,
 * which the keys also hold: the same inputs give the same prepared check, and a prepared check is
 * never changed by running it (a run hands one to every retry). The process environment is keyed by
 * identity, as the redaction's secret map is (engine/redact.ts `environmentSecrets`).
 */
const preparations = new WeakMap<Checklist, Map<string, Prepared>>();

/** The preparations of `checklist` in `environment`, kept while the checklist, registry and env stay. */
function preparedFor(deps: SamplerDeps, checklist: Checklist, environment: string): Prepared {
  let byEnv = preparations.get(checklist);
  if (!byEnv) {
    byEnv = new Map();
    preparations.set(checklist, byEnv);
  }
  let prepared = byEnv.get(environment);
  if (!prepared || prepared.registry !== deps.registry || prepared.env !== deps.env) {
    prepared = { registry: deps.registry, env: deps.env, byItem: new WeakMap() };
    byEnv.set(environment, prepared);
  }
  return prepared;
}

async function takeSamples(
  deps: SamplerDeps,
  checklist: Checklist,
  environment: string,
  items: readonly Item[],
  spanAttributes: Record<string, string>,
  signal?: AbortSignal,
): Promise<Sample[]> {
  const kept = preparedFor(deps, checklist, environment);
  let source: ExpansionSource | undefined;
  const prepared: PreparedCheck[] = [];
  const samples: Sample[] = [];
  const at = deps.now().toISOString();
  for (const item of items) {
    if (!item.check || item.skip !== undefined) continue;
    let p = kept.byItem.get(item);
    if (p === undefined) {
      // The front matter's `secrets:` are redacted in samples exactly as in runs.
      source ??= {
        environment,
        block: checklist.environments[environment] ?? {},
        env: deps.env,
        secretNames: checklist.secrets ?? [],
      };
      const made = prepareCheck(item as Item & { check: CheckSpec }, deps.registry, source);
      p = 'outcome' in made ? { message: made.outcome.message } : made;
      kept.byItem.set(item, p);
    }
    if ('check' in p) prepared.push(p.check);
    // A check that cannot run is a failed sample, as in a run.
    else samples.push(sampleOf(checklist, environment, item.id, at, false, p.message));
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
  const sample: Sample = { checklist: checklist.id, environment, item, at, ok };
  if (message !== undefined) sample.message = message;
  return sample;
}
