import type { Checklist } from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import { type Actor, serviceActor } from '../usecases/index.js';
import { roleAtLeast } from './auth.js';
import type { Gate, PreflightAnswer } from './gate.js';

/**
 * The preflight answer for `p`. Operators and above get the gate's preflight: stored state when the
 * latest run is within `max_age`, else a run of the checks. A viewer never causes checks to run
 * (a `command` check is code on the server): it always gets the verdict from stored state, whatever
 * `max_age` says, so a viewer with no run at all sees the stored NO-GO with its items pending.
 * A viewer's answer comes at once (no promise) once the gate holds the reads it is made from.
 */
export function preflightFor(
  gate: Gate,
  p: Pick<Actor, 'name' | 'role'>,
  target: { checklist: Checklist; environment: string },
  requested: string | undefined,
  defaultMs: number,
): PreflightAnswer | Promise<PreflightAnswer> {
  // Parsed for everyone, so a bad max_age is a 400 whatever the role.
  const maxAgeMs = requested !== undefined ? parseDuration(requested, 'max_age') : defaultMs;
  if (!roleAtLeast(p.role, 'operator')) return gate.storedAnswer(target.checklist, target.environment);
  // A stale answer is refreshed by the service on the operator's behalf.
  const trigger = `api:${p.name}`;
  return gate.preflight(target.checklist, target.environment, maxAgeMs, trigger, serviceActor(trigger));
}
