import { describe, expect, it } from 'vitest';
import { runChecklist } from './run-checklist.js';
import { itemWith } from './test-support/kinds.js';
import { fixedNow, webTarget } from './test-support/web-target.js';

/** runChecklist's windows (`hold`, `every`, `--wait`) against a real local HTTP server. */
const target = webTarget();
const options = target.options;

describe('windows', () => {
  const hour = 3_600_000;
  const at = (msAgo: number) => new Date(fixedNow.getTime() - msAgo).toISOString();
  /** `n` passing samples of w/ready, a minute apart, the last a minute before now. */
  const minuteSamples = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      checklist: 'launch',
      environment: 'production',
      item: 'w/ready',
      at: at((n - i) * 60_000),
      ok: true,
    }));

  it('adds one sample per run and stays pending until the hold is covered', async () => {
    const opts = options([
      itemWith('w/ready', { kind: 'web', target: `${target.base}/ready`, hold: '24h', every: '1m' }),
    ]);
    await opts.store.addSamples(minuteSamples(180));
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({ status: 'pending', message: 'window 3h/24h' });
    expect(opts.store.samples).toHaveLength(181);
    expect(report.verdict).toBe('NO-GO');
  });

  it('passes when stored samples cover the hold', async () => {
    const opts = options([
      itemWith('w/ready', { kind: 'web', target: `${target.base}/ready`, hold: '2h', every: '1m' }),
    ]);
    await opts.store.addSamples(minuteSamples(120));
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({
      status: 'pass',
      message: 'window 2h/2h: 121 samples, all passed',
    });
    expect(report.verdict).toBe('GO');
  });

  it('fails at once on a failed sample', async () => {
    const opts = options([
      itemWith('w/down', {
        kind: 'web',
        target: `${target.base}/down`,
        expect: ['status == 200'],
        hold: '1h',
      }),
    ]);
    const { report } = await runChecklist(opts);
    expect(report.items[0]).toMatchObject({
      status: 'fail',
      message: 'window: 1 of 1 samples failed; last failure 10:00: status == 200 — got status=503',
    });
    expect(opts.store.samples[0]).toMatchObject({ ok: false, item: 'w/down' });
    void hour;
  });

  it('--wait keeps sampling until the window is decided', async () => {
    // `every` leaves a busy machine 500 ms between samples before a gap restarts the window, and a
    // restarted window gets more holds under --wait: the run ends decided, not pending.
    // The latest time the run's clock gave: the window was judged at or before it.
    let lastNow = 0;
    const opts = options(
      [itemWith('w/ready', { kind: 'web', target: `${target.base}/ready`, hold: '1s', every: '250ms' })],
      {
        now: () => {
          const d = new Date();
          lastNow = d.getTime();
          return d;
        },
        wait: true,
      },
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]!.message).toMatch(/^window 1s\/1s: \d+ samples, all passed$/);
    expect(report.items[0]!.status).toBe('pass');
    // The samples behind the verdict: all passed, and the first of them is at least the hold less one
    // `every` before the moment the window was judged (the window's rule), however many it took. (Not the
    // span between the first and the last sample: on a busy machine the judging comes a while after the
    // last sample, which the rule allows up to twice `every`.)
    const times = opts.store.samples.map((s) => Date.parse(s.at));
    expect(opts.store.samples.every((s) => s.ok)).toBe(true);
    expect(lastNow - Math.min(...times)).toBeGreaterThanOrEqual(1000 - 250);
  });

  it('--wait stops on a flapping target as soon as the window fails', async () => {
    target.flapCount = 0;
    const opts = options(
      [itemWith('w/flap', { kind: 'web', target: `${target.base}/flap`, hold: '10s', every: '20ms' })],
      { now: () => new Date(), wait: true },
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]!.status).toBe('fail');
    expect(report.items[0]!.message).toMatch(
      /^window: 1 of 2 samples failed; last failure \d\d:\d\d: status >= 200 && status < 300 — got status=500$/,
    );
  });

  it('--wait ends when the run is cancelled, leaving the window pending', async () => {
    const controller = new AbortController();
    const opts = options(
      [itemWith('w/ready', { kind: 'web', target: `${target.base}/ready`, hold: '1h', every: '10ms' })],
      {
        now: () => new Date(),
        wait: true,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
    );
    const { report } = await runChecklist(opts);
    expect(report.items[0]!.status).toBe('pending');
  });
});
