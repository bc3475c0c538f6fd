import type { Sample } from '../../engine/store.js';

/** "3 h", "40 min", "2 d 4 h": a duration as a person says it. */
export function spokenDuration(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'less than a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 >= 30 && h < 10 ? `${h}.5 h` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/**
 * A window's state in words from its samples (oldest first): "green for 3 h of 24 h" counts back from
 * now over passing samples, stopping at a failure or at a gap longer than twice `every` (the rule the
 * verdict applies), so the number is how long the window has actually held.
 * @example windowWords(samples, { holdMs: 86_400_000, everyMs: 60_000, now }) // 'green for 3 h of 24 h'
 */
export function windowWords(
  samples: readonly Sample[],
  w: { holdMs: number; everyMs: number; now: number },
): string {
  const of = spokenDuration(w.holdMs);
  const last = samples[samples.length - 1];
  if (!last) return `no samples yet (needs ${of} green)`;
  if (!last.ok) return `red: the latest sample failed (needs ${of} green)`;
  if (w.now - Date.parse(last.at) > 2 * w.everyMs) {
    return `no sample for ${spokenDuration(w.now - Date.parse(last.at))} (needs ${of} green)`;
  }
  let start = Date.parse(last.at);
  for (let i = samples.length - 2; i >= 0; i--) {
    const s = samples[i]!;
    const at = Date.parse(s.at);
    if (!s.ok || start - at > 2 * w.everyMs) break;
    start = at;
  }
  const green = Math.min(w.holdMs, w.now - start);
  return green >= w.holdMs ? `green for the whole ${of}` : `green for ${spokenDuration(green)} of ${of}`;
}
