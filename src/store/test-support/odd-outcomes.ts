import type { CheckOutcome } from '../../model/state.js';

/** The forms each field of an outcome takes in oddOutcomes. */
export interface OddForms {
  messages: readonly unknown[];
  observeds: readonly unknown[];
  durations: readonly unknown[];
  times: readonly unknown[];
}

const STATUSES = ['pass', 'fail', 'error', 'pending'] as const;

/**
 * `count` outcomes that combine the forms of every field (items named by `item`); a field whose form is
 * undefined is as good as missing, and half the outcomes have it missing.
 */
export function oddOutcomes(
  count: number,
  forms: OddForms,
  item: (i: number) => string = (i) => `ops/odd-${(i * 37) % count}`,
): CheckOutcome[] {
  return Array.from({ length: count }, (_, i) => {
    const o: Record<string, unknown> = { item: item(i), status: STATUSES[i % 4] };
    const parts: [string, unknown][] = [
      ['message', forms.messages[i % forms.messages.length]],
      ['observed', forms.observeds[i % forms.observeds.length]],
      ['durationMs', forms.durations[(i >> 1) % forms.durations.length]],
      ['at', forms.times[i % forms.times.length]],
    ];
    for (const [k, v] of parts) if (v !== undefined || i % 2) o[k] = v;
    return o as unknown as CheckOutcome;
  });
}
