import type { CheckWindow } from '../model/checklist.js';
import { formatDuration } from '../model/duration.js';
import type { Sample } from './store.js';

/**
 * Windows (`hold: 24h`, `every: 1m`, `tolerance: 99.9%`): an item passes only when stored samples cover
 * the whole hold with no gap longer than twice `every`, and enough of them passed (DESIGN.md "Windows").
 * The window itself is parsed with the check's other common options when the checklist is read.
 */

/** A window, as the model holds it (`holdText` optional for windows built in code). */
export type WindowSpec = Omit<CheckWindow, 'holdText'> & { holdText?: string };

/** What a window's samples say now. */
export interface WindowJudgement {
  status: 'pass' | 'fail' | 'pending';
  message: string;
  samples: number;
  failed: number;
  /** How much of the hold is covered since the last gap. */
  coveredMs: number;
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
