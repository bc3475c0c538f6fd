import type { CheckSpec } from '../model/checklist.js';
import { formatDuration, parseDuration } from '../model/duration.js';
import { ConfigError } from '../model/errors.js';
import type { Sample } from './store.js';

/**
 * Windows (`hold: 24h`, `every: 1m`, `tolerance: 99.9%`): an item passes only when stored samples cover
 * the whole hold with no gap longer than twice `every`, and enough of them passed (DESIGN.md "Windows").
 */

/** A window, in milliseconds; `tolerance` is the share of samples that must pass (1 = all). */
export interface WindowSpec {
  holdMs: number;
  everyMs: number;
  tolerance: number;
  /** The hold as the author wrote it (`24h`), for messages like "window 3h/24h". */
  holdText?: string;
}

/** What a window's samples say now. */
export interface WindowJudgement {
  status: 'pass' | 'fail' | 'pending';
  message: string;
  samples: number;
  failed: number;
  /** How much of the hold is covered since the last gap. */
  coveredMs: number;
}

export const DEFAULT_EVERY_MS = 60_000;

/**
 * `99.9%` -> 0.999; a bare number is a fraction when at most 1, else a percentage. Default 1 (all pass).
 * @example parseTolerance('99.9%') // 0.999
 */
export function parseTolerance(input: string | number | undefined): number {
  if (input === undefined) return 1;
  const text = String(input).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(text);
  const n = match ? Number(match[1]) : Number.NaN;
  const fraction = match?.[2] === '%' || n > 1 ? n / 100 : n;
  if (!match || !(fraction > 0 && fraction <= 1)) {
    throw new ConfigError(
      `tolerance: "${text}" is not a share of samples; write it like 99.9% (more than 0%, at most 100%)`,
      'tolerance',
    );
  }
  return fraction;
}

/** The window of a check, or undefined when it has no `hold`. Throws ConfigError on bad durations. */
export function windowSpecOf(check: Pick<CheckSpec, 'hold' | 'every' | 'tolerance'>): WindowSpec | undefined {
  if (check.hold === undefined) return undefined;
  const holdMs = parseDuration(check.hold, 'hold');
  const everyMs = check.every === undefined ? DEFAULT_EVERY_MS : parseDuration(check.every, 'every');
  if (everyMs <= 0) throw new ConfigError('every: must be longer than 0', 'every');
  if (holdMs < everyMs) {
    throw new ConfigError(
      `hold: ${check.hold} is shorter than every: ${check.every ?? '1m'}; a window needs at least one interval`,
      'hold',
    );
  }
  return { holdMs, everyMs, tolerance: parseTolerance(check.tolerance), holdText: check.hold.trim() };
}

function clock(at: string, holdMs: number): string {
  // Within a day the time says enough; longer windows need the date too.
  return holdMs <= 86_400_000 ? at.slice(11, 16) : at.slice(0, 16).replace('T', ' ');
}

/**
 * Judge a window from its samples at `now`. Pure: the samples and the clock are passed in.
 * @example judgeWindow(samples, { holdMs: 86_400_000, everyMs: 60_000, tolerance: 1 }, new Date())
 */
export function judgeWindow(samples: readonly Sample[], spec: WindowSpec, now: Date): WindowJudgement {
  const end = now.getTime();
  const start = end - spec.holdMs;
  const maxGap = 2 * spec.everyMs;
  const inWindow = samples
    .map((s) => ({ s, t: Date.parse(s.at) }))
    .filter(({ t }) => t >= start && t <= end)
    .sort((a, b) => a.t - b.t);
  const failures = inWindow.filter(({ s }) => !s.ok);
  const failed = failures.length;
  const n = inWindow.length;
  const hold = spec.holdText ?? formatDuration(spec.holdMs);

  // Failures may use only the share the tolerance leaves of the samples a full window holds.
  const expected = Math.max(Math.floor(spec.holdMs / spec.everyMs), n);
  const allowed = Math.floor((1 - spec.tolerance) * expected + 1e-9);
  if (failed > allowed) {
    const last = failures[failures.length - 1]!.s;
    return {
      status: 'fail',
      message: `window: ${failed} of ${n} samples failed; last failure ${clock(last.at, spec.holdMs)}${last.message ? `: ${last.message}` : ''}`,
      samples: n,
      failed,
      coveredMs: 0,
    };
  }
  if (n === 0) {
    return {
      status: 'pending',
      message: `window 0s/${hold}: no samples yet`,
      samples: 0,
      failed,
      coveredMs: 0,
    };
  }

  let segmentStart = 0;
  for (let i = 1; i < n; i++) {
    if (inWindow[i]!.t - inWindow[i - 1]!.t > maxGap) segmentStart = i;
  }
  const last = inWindow[n - 1]!.t;
  const stale = end - last > maxGap;
  const first = inWindow[segmentStart]!.t;
  const coveredMs = stale ? 0 : Math.min(spec.holdMs, end - first);
  const covered = !stale && segmentStart === 0 && first <= start + spec.everyMs;
  const failedText =
    failed > 0 ? `, ${failed} failed (tolerance ${+(spec.tolerance * 100).toFixed(3)}%)` : '';

  if (covered) {
    return {
      status: 'pass',
      message: `window ${hold}/${hold}: ${n} samples${failed > 0 ? failedText : ', all passed'}`,
      samples: n,
      failed,
      coveredMs: spec.holdMs,
    };
  }
  const why = stale
    ? `: no sample for ${formatDuration(end - last)} (more than twice every ${formatDuration(spec.everyMs)})`
    : segmentStart > 0
      ? `: gap in sampling at ${clock(inWindow[segmentStart - 1]!.s.at, spec.holdMs)}`
      : '';
  return {
    status: 'pending',
    message: `window ${coveredMs === 0 ? '0s' : formatDuration(coveredMs)}/${hold}${why}${failedText}`,
    samples: n,
    failed,
    coveredMs,
  };
}
