import type { CheckDefinition, Observation } from './check.js';
import { type KnownSecrets, redactText, secretFingerprint } from './redact.js';

/** The values a false condition read, as its message shows them (conditions.ts). */

type AnyDefinition = CheckDefinition<unknown, unknown>;
/** What of a condition (conditions.ts) its message shows: the paths it reads. */
type Condition = { paths: readonly { text: string; steps: (string | number)[] }[] };

const ABSENT = Symbol('absent');
const MAX_SHOWN = 160;

function resolve(observation: Observation, steps: (string | number)[]): unknown {
  let cur: unknown = observation;
  for (const step of steps) {
    if (cur instanceof Map) {
      if (!cur.has(step)) return ABSENT;
      cur = cur.get(step);
    } else if (Array.isArray(cur) && typeof step === 'number') {
      if (step < 0 || step >= cur.length) return ABSENT;
      cur = cur[step];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, step)) {
      cur = (cur as Record<string | number, unknown>)[step];
    } else {
      return ABSENT;
    }
  }
  return cur === undefined ? ABSENT : cur;
}

/** `status=503, body.db="down"`, with secret variables as fingerprints and secrets redacted. */
export function showValues(
  def: AnyDefinition,
  condition: Condition,
  observation: Observation,
  known: KnownSecrets = new Map(),
): string {
  return condition.paths
    .map(({ text, steps }) => {
      const root = steps[0] as string;
      if (def.variables[root]?.secret) {
        const v = observation[root];
        if (steps.length > 1 || v === undefined || v === null) return `${text}=[secret]`;
        return `${text}=${secretFingerprint(String(v))}`;
      }
      const value = resolve(observation, steps);
      return `${text}=${value === ABSENT ? '<absent>' : redactText(formatValue(value), known)}`;
    })
    .join(', ');
}

/** A value as a person reads it in a message: strings quoted, numbers plain, objects as short JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value instanceof Date) return value.toISOString();
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v) =>
        typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v,
      ) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
