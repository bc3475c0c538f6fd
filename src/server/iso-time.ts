/**
 * `date.toISOString()`, remembered for the last millisecond asked: the request log line and the
 * preflight's `at` each format the current time per request (about a microsecond each on Node 20), and
 * under load many requests share a millisecond. The string is a function of `getTime()` alone, so the
 * one kept is given only for that same instant.
 */
let lastMs = Number.NaN;
let lastIso = '';

export function isoTime(date: Date): string {
  const ms = date.getTime();
  if (ms !== lastMs) {
    // An invalid date throws here, as toISOString does, and is never kept.
    lastIso = date.toISOString();
    lastMs = ms;
  }
  return lastIso;
}
