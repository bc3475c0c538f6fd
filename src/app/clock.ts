import { ConfigError } from '../model/errors.js';

/** The clock: `GONOGO_NOW` (an ISO date-time) when set, to rehearse a launch day; else real time. */
export function clockFrom(env: Readonly<Record<string, string | undefined>>): () => Date {
  const fixed = env.GONOGO_NOW;
  if (!fixed) return () => new Date();
  const t = Date.parse(fixed);
  if (Number.isNaN(t)) {
    throw new ConfigError(
      `GONOGO_NOW="${fixed}" is not an ISO date-time; use e.g. 2026-12-01T09:00:00Z`,
      'GONOGO_NOW',
    );
  }
  return () => new Date(t);
}

/**
 * The clock of one process: `GONOGO_NOW` is read (and checked) on the first call, then kept. The engine
 * asks the time once per check, and reading the environment is a call into the OS each time.
 */
export function processClock(env: Readonly<Record<string, string | undefined>>): () => Date {
  let clock: (() => Date) | undefined;
  return () => {
    clock ??= clockFrom(env);
    return clock();
  };
}
