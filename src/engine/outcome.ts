import { hasOwnKeys } from '../model/own-keys.js';
import type { CheckOutcome } from '../model/state.js';
import type { Observation } from './check.js';
import type { PreparedCheck } from './prepare.js';
import {
  type KnownSecrets,
  plainCopy,
  redactCopy,
  redactField,
  redactText,
  secretFingerprint,
} from './redact.js';
import { shapeRepeated, sharedShape, sharedShapeOf } from './shape-share.js';

/**
 * A check's outcome from its last attempt (execute.ts): its message redacted, its observed values shaped
 * for output (secrets fingerprinted or redacted, long text cut).
 */

/** Observed strings longer than this are cut: 5,000 HTML bodies must not fill memory or the store. */
export const MAX_OBSERVED_STRING = 4096;

const NONE: readonly string[] = [];

/** Names of the variables a kind declares secret (most kinds: none), computed once per kind. */
const secretNames = new WeakMap<object, string[]>();
function secretsOf(def: PreparedCheck['def']): string[] {
  let names = secretNames.get(def);
  if (!names) {
    names = Object.keys(def.variables).filter((name) => def.variables[name]!.secret);
    secretNames.set(def, names);
  }
  return names;
}

/** Observed values as they may leave the engine: secrets fingerprinted or redacted, long text cut. */
export function shapeObserved(check: PreparedCheck, observation: Observation): Record<string, unknown> {
  // Secret variables are shown as fingerprints, and their values are redacted wherever else they appear
  // (the known secrets are copied only when a secret variable adds to them; most checks have none).
  let known: KnownSecrets = check.known;
  let fingerprints: Map<string, string> | undefined;
  // `secret: false` in the check: the author says the value is a setting, not a secret (NODE_ENV).
  const declaredPublic = (check.options as { secret?: unknown } | undefined)?.secret === false;
  const secret = declaredPublic ? NONE : secretsOf(check.def);
  // Indexed: for…of makes an iterator per outcome until V8 optimizes this (a run's first thousands).
  for (let i = 0; i < secret.length; i++) {
    const name = secret[i]!;
    const value = observation[name];
    if (value === undefined || value === null || !Object.hasOwn(observation, name)) continue;
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    const shown = secretFingerprint(text);
    fingerprints ??= new Map();
    fingerprints.set(name, shown);
    const extended = new Map(known);
    extended.set(text, shown);
    known = extended;
  }
  if (everyValueSet(observation)) {
    // Copied whole, then each value replaced in place: the copy keeps the layout of the kind's literal,
    // every field in the object itself, where keys added one by one to `{}` past four went to a property
    // array of their own (a run keeps every outcome to the end: bench/README "branch mem11").
    const shaped: Record<string, unknown> = { ...observation };
    for (const name in shaped) {
      if (Object.hasOwn(shaped, name)) shaped[name] = shapeField(name, shaped[name], known, fingerprints);
    }
    return shaped;
  }
  const shaped: Record<string, unknown> = {};
  for (const name in observation) {
    const value = observation[name];
    if (value === undefined || !Object.hasOwn(observation, name)) continue;
    shaped[name] = shapeField(name, value, known, fingerprints);
  }
  return shaped;
}

/**
 * One observed field as it may leave the engine (no closure per outcome): a secret variable's fingerprint,
 * else redacted and cut, an object equal to one an earlier outcome keeps shared with it (headers and
 * bodies repeat).
 */
function shapeField(
  name: string,
  value: unknown,
  known: KnownSecrets,
  fingerprints: Map<string, string> | undefined,
): unknown {
  const shown = fingerprints?.get(name);
  if (shown !== undefined) return shown;
  const copy = plainCopy(name, value);
  if (copy === undefined) return sharedShape(name, redactField(name, value, known, MAX_OBSERVED_STRING));
  // A plain object (headers, a JSON body): what an equal one shaped to last time, when nothing in it was
  // redacted or cut; else the walk's shaping of the copy (bench/README "branch check19").
  const again = shapeRepeated(name, copy, known);
  if (again !== undefined) return again;
  const unchanged = redactCopy(copy, known, MAX_OBSERVED_STRING);
  return sharedShapeOf(name, copy, unchanged ? known : undefined);
}

/**
 * Whether every own enumerable key of an observation has a value (nearly always), none is a symbol and
 * none is `__proto__` (a copy keeps that as its own key, where the loop's assignment drops it): then a
 * copy of it has exactly the keys shapeObserved keeps, in the same order.
 */
function everyValueSet(observation: Observation): boolean {
  for (const name in observation) {
    if (observation[name] === undefined && Object.hasOwn(observation, name)) return false;
  }
  return Object.getOwnPropertySymbols(observation).length === 0 && !Object.hasOwn(observation, '__proto__');
}

/** A runner's observation, shaped on the runner: cut and redacted again with what this side knows. */
function shapeRemote(check: PreparedCheck, observation: Observation): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const name of Object.keys(observation)) {
    shaped[name] = redactField(name, observation[name], check.known, MAX_OBSERVED_STRING);
  }
  return shaped;
}

export interface Attempt {
  status: CheckOutcome['status'];
  message?: string;
  observation?: Observation;
  /** The observation came from a runner, already shaped there (fingerprints, redaction). */
  remote?: boolean;
}

/** A check's outcome from its last attempt: the message redacted, the observed values shaped. */
export function outcomeOf(
  check: PreparedCheck,
  ctx: { keepObserved?: boolean },
  result: Attempt,
  attempts: number,
  started: number,
  at: string,
): CheckOutcome {
  const item = check.item.id;
  const status = result.status;
  let message: string | undefined;
  if (result.message !== undefined) {
    // Condition messages carry their values already redacted; failure messages get the known secrets too.
    message = redactText(result.message, check.known);
    if (attempts > 1 && status !== 'pass') message += ` (after ${attempts} attempts)`;
  }
  let observed: Record<string, unknown> | undefined;
  if (ctx.keepObserved !== false && result.observation && hasOwnKeys(result.observation)) {
    observed = result.remote
      ? shapeRemote(check, result.observation)
      : shapeObserved(check, result.observation);
  }
  const durationMs = Math.round(performance.now() - started);
  // Built whole, one literal for each set of keys (always in this order): V8 then keeps every field in
  // the object itself; added key by key, the last ones went to a property array of their own (a run
  // keeps all its outcomes to the end: bench/README "branch mem50k").
  if (message === undefined) {
    return observed === undefined
      ? { item, status, durationMs, at }
      : { item, status, observed, durationMs, at };
  }
  return observed === undefined
    ? { item, status, message, durationMs, at }
    : { item, status, message, observed, durationMs, at };
}
