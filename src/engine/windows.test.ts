import { describe, expect, it } from 'vitest';
import type { Sample } from './store.js';
import { judgeWindow } from './windows.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const now = new Date('2026-12-01T12:00:00.000Z');

/** Samples every `every` from `from` ms ago to `to` ms ago; `fail` lists the minutes-ago that failed. */
function series(opts: {
  from: number;
  to?: number;
  every?: number;
  fail?: number[];
  skip?: [number, number];
}): Sample[] {
  const every = opts.every ?? MIN;
  const out: Sample[] = [];
  for (let ago = opts.from; ago >= (opts.to ?? 0); ago -= every) {
    if (opts.skip && ago <= opts.skip[0] && ago >= opts.skip[1]) continue;
    const ok = !(opts.fail ?? []).includes(ago);
    out.push({
      checklist: 'c',
      environment: 'e',
      item: 'i',
      at: new Date(now.getTime() - ago).toISOString(),
      ok,
      ...(ok ? {} : { message: 'status == 200 — got status=503' }),
    });
  }
  return out;
}

describe('judgeWindow', () => {
  const day = { holdMs: 24 * HOUR, everyMs: MIN, tolerance: 1 };
  it.each([
    {
      name: 'no samples',
      samples: [],
      spec: day,
      status: 'pending',
      message: 'window 0s/1d: no samples yet',
    },
    {
      name: 'covered, all passed',
      samples: series({ from: 24 * HOUR }),
      spec: day,
      status: 'pass',
      message: 'window 1d/1d: 1441 samples, all passed',
    },
    {
      name: 'first sample within one interval of the start',
      samples: series({ from: 24 * HOUR - 30_000 }),
      spec: day,
      status: 'pass',
    },
    {
      name: '3 hours so far',
      samples: series({ from: 3 * HOUR }),
      spec: day,
      status: 'pending',
      message: 'window 3h/1d',
    },
    {
      name: 'the hold as the author wrote it',
      samples: series({ from: 3 * HOUR }),
      spec: { ...day, holdText: '24h' },
      status: 'pending',
      message: 'window 3h/24h',
    },
    {
      name: 'a gap longer than twice every keeps it pending, coverage restarts after the gap',
      samples: series({ from: 24 * HOUR, skip: [10 * HOUR, 7 * HOUR - MIN] }),
      spec: day,
      status: 'pending',
      message: 'window 6h58m/1d: gap in sampling at 01:59',
    },
    {
      name: 'a gap of exactly twice every is not a gap',
      samples: series({ from: 24 * HOUR, skip: [5 * HOUR, 5 * HOUR] }),
      spec: day,
      status: 'pass',
    },
    {
      name: 'sampling stopped',
      samples: series({ from: 24 * HOUR, to: 10 * MIN }),
      spec: day,
      status: 'pending',
      message: 'window 0s/1d: no sample for 10m (more than twice every 1m)',
    },
    {
      name: 'flapping fails at once with the last failure',
      samples: series({ from: 2 * HOUR, fail: [90 * MIN, 79 * MIN] }),
      spec: day,
      status: 'fail',
      message: 'window: 2 of 121 samples failed; last failure 10:41: status == 200 — got status=503',
    },
    {
      name: 'tolerance 99%: one failure in a covered window passes',
      samples: series({ from: 24 * HOUR, fail: [100 * MIN] }),
      spec: { ...day, tolerance: 0.99 },
      status: 'pass',
      message: 'window 1d/1d: 1441 samples, 1 failed (tolerance 99%)',
    },
    {
      name: 'tolerance 99%: one failure while not yet covered stays pending',
      samples: series({ from: 3 * HOUR, fail: [100 * MIN] }),
      spec: { ...day, tolerance: 0.99 },
      status: 'pending',
      message: 'window 3h/1d, 1 failed (tolerance 99%)',
    },
    {
      name: 'tolerance 99%: more failures than 1% of a full window fail',
      samples: series({ from: 24 * HOUR, fail: Array.from({ length: 15 }, (_, i) => (i + 1) * 10 * MIN) }),
      spec: { ...day, tolerance: 0.99 },
      status: 'fail',
      message: 'window: 15 of 1441 samples failed; last failure 11:50: status == 200 — got status=503',
    },
    {
      name: 'failures older than the hold no longer count',
      samples: [
        ...series({ from: 30 * HOUR, to: 25 * HOUR, fail: [26 * HOUR] }),
        ...series({ from: 24 * HOUR }),
      ],
      spec: day,
      status: 'pass',
    },
    {
      name: 'short holds in CI',
      samples: series({ from: 2000, every: 250 }),
      spec: { holdMs: 2000, everyMs: 250, tolerance: 1 },
      status: 'pass',
      message: 'window 2s/2s: 9 samples, all passed',
    },
  ])('$name', ({ samples, spec, status, message }) => {
    const j = judgeWindow(samples, spec, now);
    expect(j.status).toBe(status);
    if (message !== undefined) expect(j.message).toBe(message);
  });
});
