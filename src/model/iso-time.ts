/**
 * `date.toISOString()`, made from the last second formatted: the request log line and the preflight's
 * `at` format the current time per request, and every check of a run or of the watch loop its start
 * (`toISOString` costs ~0.4 µs on Node 20, a few times the `Date`; 500 checks a slot start within a few
 * seconds). The string is a function of `getTime()` alone: within a second seen last, it is that
 * second's text (the date, the time to the second and the dot, for any year `toISOString` writes)
 * followed by the three digits of the millisecond and `Z`, exactly what `toISOString` gives.
 */
let lastMs = Number.NaN;
let lastIso = '';
/** The last second formatted (seconds since the epoch, floored) and its text up to the dot. */
let lastSecond = Number.NaN;
let secondText = '';

export function isoTime(date: Date): string {
  const ms = date.getTime();
  if (ms === lastMs) return lastIso;
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) {
    const milli = ms - second * 1000;
    lastIso = `${secondText}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  } else {
    // An invalid date throws here, as toISOString does, and is never kept (NaN equals nothing).
    lastIso = date.toISOString();
    lastSecond = second;
    secondText = lastIso.slice(0, -4);
  }
  lastMs = ms;
  return lastIso;
}
