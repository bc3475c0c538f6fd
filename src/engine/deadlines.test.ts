import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { liveGroups, MAX_SLACK_MS, startDeadline } from './deadlines.js';

/** Resolves when `signal` aborts, with the milliseconds it took since `from`. */
const abortedAfter = (signal: AbortSignal, from: number) =>
  new Promise<number>((resolve) =>
    signal.addEventListener('abort', () => resolve(performance.now() - from), { once: true }),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startDeadline', () => {
  it('stops an attempt at its timeout, never before', async () => {
    const from = performance.now();
    const d = startDeadline(200);
    let stopped = false;
    d.onStop = () => {
      stopped = true;
    };
    const took = await abortedAfter(d.signal, from);
    // Never before the timeout; how soon after is the timer's and the machine's business (bench/).
    expect(took).toBeGreaterThanOrEqual(199);
    expect(d.timedOut).toBe(true);
    expect(stopped).toBe(true);
    expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
    d.release();
    expect(liveGroups()).toBe(0);
  });

  it('lets attempts that start together share one signal, each stopped no earlier than its own timeout', async () => {
    // 1 s gives a 50 ms slack: attempts started in one synchronous stretch join even on a loaded machine.
    const first = startDeadline(1_000);
    const firstAt = performance.now();
    const together = startDeadline(1_000);
    expect(together.signal).toBe(first.signal);
    // One started a moment later, joined or not, is never stopped before its own timeout.
    while (performance.now() - firstAt < 2);
    const later = startDeadline(1_000);
    const laterAt = performance.now();
    await abortedAfter(later.signal, laterAt);
    expect(performance.now() - laterAt).toBeGreaterThanOrEqual(999);
    expect(performance.now() - firstAt).toBeGreaterThanOrEqual(999);
    expect(first.timedOut && together.timedOut && later.timedOut).toBe(true);
    for (const d of [first, together, later]) d.release();
  });

  it('never shares a signal between different timeouts, or with attempts that start later', async () => {
    const a = startDeadline(1_000);
    const b = startDeadline(2_000);
    expect(b.signal).not.toBe(a.signal);
    await sleep(MAX_SLACK_MS + 10);
    const c = startDeadline(1_000);
    expect(c.signal).not.toBe(a.signal);
    for (const d of [a, b, c]) d.release();
    expect(liveGroups()).toBe(0);
  });

  it('never keeps the process waiting once no attempt of the group runs', async () => {
    const ds = Array.from({ length: 50 }, () => startDeadline(60_000));
    expect(liveGroups()).toBe(1);
    for (const d of ds) d.release();
    expect(liveGroups()).toBe(0);
    for (const d of ds) expect(d.signal.aborted).toBe(false);
  });

  it('lets attempts that run one after another share a group while it can be joined', async () => {
    const first = startDeadline(60_000);
    first.release();
    const second = startDeadline(60_000);
    expect(second.signal).toBe(first.signal);
    expect(liveGroups()).toBe(1);
    second.release();
    await sleep(MAX_SLACK_MS + 10);
    const third = startDeadline(60_000);
    expect(third.signal).not.toBe(first.signal);
    third.release();
    expect(liveGroups()).toBe(0);
  });

  it('does not stop attempts that finished before the deadline', async () => {
    const done = startDeadline(100);
    let stopped = false;
    done.onStop = () => {
      stopped = true;
    };
    const running = startDeadline(100);
    done.release();
    await abortedAfter(running.signal, performance.now());
    expect(running.timedOut).toBe(true);
    expect(done.timedOut).toBe(false);
    expect(stopped).toBe(false);
    running.release();
  });

  it('stops every running attempt of a run that is cancelled, with the run reason', async () => {
    const run = new AbortController();
    const ds = Array.from({ length: 3 }, () => startDeadline(60_000, run.signal));
    const stops: number[] = [];
    ds.forEach((d, i) => {
      d.onStop = () => stops.push(i);
    });
    run.abort(new Error('cancelled by the user'));
    expect(stops).toEqual([0, 1, 2]);
    for (const d of ds) {
      expect(d.signal.aborted).toBe(true);
      expect(d.timedOut).toBe(false);
      expect((d.signal.reason as Error).message).toBe('cancelled by the user');
      d.release();
    }
    // An attempt of the cancelled run starts with its signal aborted.
    const late = startDeadline(60_000, run.signal);
    expect(late.signal.aborted).toBe(true);
    late.release();
  });

  it('keeps attempts of different runs apart', () => {
    const one = new AbortController();
    const two = new AbortController();
    const a = startDeadline(60_000, one.signal);
    const b = startDeadline(60_000, two.signal);
    const c = startDeadline(60_000);
    expect(new Set([a.signal, b.signal, c.signal]).size).toBe(3);
    one.abort();
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted || c.signal.aborted).toBe(false);
    for (const d of [a, b, c]) d.release();
  });

  it('leaves no listener on a run signal that outlives the attempts (a watch loop, a runner)', () => {
    const run = new AbortController();
    // A group per timeout: each attempt ends while its group could still be joined, as a quick
    // sample's check does; the run goes on.
    for (let i = 1; i <= 15; i++) startDeadline(i * 1_000, run.signal).release();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('listens once on a run signal however many groups are running, and stops them all when it aborts', () => {
    const run = new AbortController();
    const ds = Array.from({ length: 20 }, (_, i) => startDeadline(60_000 + i, run.signal));
    expect(new Set(ds.map((d) => d.signal)).size).toBe(20);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    ds[0]!.release();
    run.abort(new Error('stopping the runner'));
    expect(ds[0]!.signal.aborted).toBe(false);
    for (const d of ds.slice(1)) {
      expect(d.signal.aborted).toBe(true);
      expect((d.signal.reason as Error).message).toBe('stopping the runner');
      d.release();
    }
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('gives an aborted signal to an attempt of a cancelled run, even where an idle group could be joined', () => {
    const run = new AbortController();
    const first = startDeadline(60_000, run.signal);
    first.release();
    run.abort(new Error('cancelled by the user'));
    const next = startDeadline(60_000, run.signal);
    expect(next.signal).not.toBe(first.signal);
    expect(next.signal.aborted).toBe(true);
    expect((next.signal.reason as Error).message).toBe('cancelled by the user');
    next.release();
  });

  it('takes many listeners on a shared signal without a leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const ds = Array.from({ length: 64 }, () => startDeadline(60_000));
    for (const d of ds) d.signal.addEventListener('abort', () => {});
    await sleep(0);
    process.off('warning', onWarning);
    for (const d of ds) d.release();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
