import { ConfigError } from './errors.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** 100 years: longer than any launch gate needs, and far inside what a date can hold. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** A parsed duration beyond the maximum would overflow dates downstream: refuse it, naming the field. */
function bounded(ms: number, input: string | number, field: string): number {
  if (!Number.isSafeInteger(Math.round(ms)) || ms > MAX_DURATION_MS) {
    throw new ConfigError(`${field}: "${input}" is longer than 100 years; give a shorter duration`, field);
  }
  return ms;
}

/**
 * Parse a duration such as `10s`, `1m`, `24h`, `90d`, `1h30m` or a bare number of milliseconds,
 * at most {@link MAX_DURATION_MS}.
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(input: string | number, field = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw new ConfigError(`${field}: ${input} is not a duration`, field);
    return bounded(input, input, field);
  }
  const text = input.trim();
  if (/^\d+$/.test(text)) return bounded(Number(text), input, field);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    total += Number(match[1]) * (UNITS[match[2]!] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new ConfigError(
      `${field}: "${input}" is not a duration; write it like 500ms, 10s, 5m, 24h or 90d`,
      field,
    );
  }
  return bounded(total, input, field);
}

/** Format milliseconds compactly: 90_000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
