import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../engine/store.js';
import type { Checklist, Item } from '../../model/checklist.js';
import { checkSpec } from '../../model/test-support/check-spec.js';
import { decide } from '../../model/verdict.js';
import { perBlock, sqliteBackend } from '../../store/test-support/backends.js';
import type { Logger } from '../logger.js';
import { startWatch } from './scheduler.js';

/** The loop in one process on SQLite: the lone replica leads, runs each slot, notices changes, stops cleanly. */

const checklist = (id: string, extra: Partial<Checklist> = {}): Checklist => ({
  id,
  name: id,
  digest: `sha256:${id}`,
  environments: { staging: {}, production: {} },
  policy: { waiver_max_days: 30, signoffs: [] },
  notify: [],
  sections: [],
  items: [
    {
      id: 'ops/runbook',
      title: 'Runbook',
      kind: 'task',
      section: ['Ops'],
      checked: false,
      blocking: true,
      check: null,
      line: 1,
      column: 1,
      description: '',
    },
  ],
  signoffs: [],
  warnings: [],
  ...extra,
});

function capture(): Logger & { lines: { level: string; msg: string; [k: string]: unknown }[] } {
  const lines: { level: string; msg: string }[] = [];
  const log = (level: string) => (msg: string, f?: Record<string, unknown>) =>
    void lines.push({ level, msg, ...f });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startWatch', () => {
  const shared = perBlock(sqliteBackend.make);
  let store: Store;
  beforeAll(async () => {
    ({ store } = await shared.store('scheduler'));
  });

  const noEvaluation = async (): Promise<never> => {
    throw new Error('not asked: no notify targets');
  };

  it('runs scheduled checklists once per slot and environment, never unscheduled or invalid ones', async () => {
    // Each run is tied to the slot its claim took (a run is started right after its claim): once per slot
    // is read from the claims, not from when runs started, which a loaded machine may delay into the next
    // slot's second.
    const runs: { id: string; env: string; slot: string }[] = [];
    const claimed = new Map<string, string>();
    const claiming: Store = Object.create(store);
    claiming.claimSlot = async (claim) => {
      const ok = await store.claimSlot(claim);
      if (ok && claim.what === 'run') claimed.set(`${claim.checklist}/${claim.environment}`, claim.slot);
      return ok;
    };
    const logger = capture();
    const list = [
      checklist('every-second', { schedule: '1s' }),
      checklist('manual'),
      checklist('broken', { schedule: 'every now and then' }),
    ];
    const watch = startWatch(
      {
        store: claiming,
        checklists: () => list,
        run: async (c, env) => void runs.push({ id: c.id, env, slot: claimed.get(`${c.id}/${env}`)! }),
        sample: async () => {},
        evaluate: noEvaluation,
        now: () => new Date(),
        env: {},
        logger,
      },
      { tickMs: 50, leaseTtlMs: 1500, holder: 'solo' },
    );
    await until(() => runs.filter((r) => r.env === 'production').length >= 3, 'three production runs');
    expect(watch.isLeader()).toBe(true);
    expect(watch.alive()).toBe(true);
    await watch.stop();
    expect(watch.alive()).toBe(false);

    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(['every-second']));
    for (const env of ['staging', 'production']) {
      const slots = runs.filter((r) => r.env === env).map((r) => r.slot);
      expect(slots.every((slot) => slot !== undefined)).toBe(true);
      expect(new Set(slots).size).toBe(slots.length);
    }
    const problems = logger.lines.filter((l) => l.msg === 'checklist not scheduled');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      checklist: 'broken',
      error: expect.stringMatching(/^schedule: "every now and then"/),
    });
    // The lease was given up on stop, so another replica can lead at once.
    expect((await store.acquireLease('scheduler', 'next', 1000, new Date())).holder).toBe('next');
    await store.releaseLease('scheduler', 'next');
  });

  it('queues a notification when the verdict changes, once', async () => {
    const c = checklist('notified', {
      environments: {},
      notify: [{ webhook: 'http://127.0.0.1:9/hook', secret: 's3cret' }],
    });
    let attested = false;
    const evaluate = async () =>
      decide({
        checklist: c,
        environment: 'default',
        outcomes: new Map(),
        attestations: attested
          ? [
              {
                checklist: c.id,
                environment: 'default',
                item: 'ops/runbook',
                evidence: 'ok',
                by: 'ana',
                at: new Date().toISOString(),
              },
            ]
          : [],
        waivers: [],
        signoffs: [],
        now: new Date(),
      });
    const watch = startWatch(
      {
        store,
        checklists: () => [c],
        run: async () => {},
        sample: async () => {},
        evaluate,
        now: () => new Date(),
        env: {},
        logger: capture(),
      },
      // The target refuses connections (port 9, discard): one local attempt, logged as failed.
      { tickMs: 50, evaluateEveryMs: 50, holder: 'solo-2', delivery: { timeoutMs: 200, maxAttempts: 1 } },
    );
    try {
      await until(
        async () => (await store.loadWatchState('notify/notified/default')) !== undefined,
        'a baseline',
      );
      expect(await store.listDeliveries({ checklist: 'notified' })).toEqual([]);
      attested = true;
      await until(
        async () => (await store.listDeliveries({ checklist: 'notified' })).length > 0,
        'a queued event',
      );
    } finally {
      await watch.stop();
    }
    const log = await store.listDeliveries({ checklist: 'notified' });
    expect(log.map((d) => d.event)).toEqual(['verdict.changed']);
    expect(log[0]).toMatchObject({ targetLabel: 'webhook 127.0.0.1:9' });
    expect(JSON.parse(log[0]!.payload)).toMatchObject({ verdict: 'GO', previous: 'NO-GO' });
  });

  it('samples each item at its own every, once per slot, across a new version of the checklist', async () => {
    // The loop works out slots per group of items sharing an interval; a new checklist version mid-slot
    // samples only what the slot has not seen (its new item), never an item twice in one slot.
    const windowed = (id: string, every: string): Item => ({
      ...checklist('x').items[0]!,
      id,
      check: checkSpec({ kind: 'http', target: 'x', hold: '1h', every, line: 1, column: 1 }),
    });
    const a = windowed('ops/a', '10s');
    const b = windowed('ops/b', '10s');
    const c = windowed('ops/c', '15s');
    const v1 = checklist('grouped', { schedule: '24h', environments: {}, items: [a, b, c] });
    const v2 = { ...v1, digest: 'sha256:grouped-2', items: [a, b, c, windowed('ops/d', '10s')] };
    let current = v1;
    let at = Date.parse('2026-03-01T10:00:01.000Z');
    const sampled: { at: string; items: string[] }[] = [];
    const runs: number[] = [];
    const watch = startWatch(
      {
        store,
        checklists: () => [current],
        run: async () => void runs.push(at),
        sample: async (_c, _env, items) =>
          void sampled.push({ at: new Date(at).toISOString(), items: items.map((i) => i.id).sort() }),
        evaluate: noEvaluation,
        now: () => new Date(at),
        env: {},
        logger: capture(),
      },
      { tickMs: 20, holder: 'grouped', clock: () => new Date(at) },
    );
    const step = async (iso: string, count: number) => {
      at = Date.parse(iso);
      await until(() => sampled.length >= count, `${count} sample batches at ${iso}`);
      // More ticks in the same slot add nothing (the fake clock stands still: each tick's Date is new).
      for (let i = 0; i < 2; i++) {
        const ticked = watch.lastTick();
        await until(() => watch.lastTick() !== ticked, 'another tick');
      }
    };
    try {
      // The run at the first tick is every item's sample for the current slots.
      await until(() => runs.length === 1, 'the scheduled run');
      await step('2026-03-01T10:00:10.000Z', 1);
      await step('2026-03-01T10:00:12.000Z', 1);
      await step('2026-03-01T10:00:15.000Z', 2);
      current = v2;
      await step('2026-03-01T10:00:16.000Z', 3);
      await step('2026-03-01T10:00:20.000Z', 4);
      await step('2026-03-01T10:00:30.000Z', 5);
    } finally {
      await watch.stop();
    }
    expect(sampled.map((s) => [s.at.slice(17, 19), s.items])).toEqual([
      ['10', ['ops/a', 'ops/b']],
      ['15', ['ops/c']],
      ['16', ['ops/d']],
      ['20', ['ops/a', 'ops/b', 'ops/d']],
      ['30', ['ops/a', 'ops/b', 'ops/c', 'ops/d']],
    ]);
    expect(runs).toHaveLength(1);
  });

  it.each([
    ['7 days by default', undefined, [false, false, true]],
    ['twice the longest hold when that is longer (hold 5d)', '5d', [false, true, true]],
  ])('keeps samples %s', async (_what, hold, kept) => {
    const day = 86_400_000;
    const now = Date.now();
    const item = `ops/window-${hold ?? 'none'}`;
    // The 30-day-old sample is always pruned: its removal shows that a prune pass ran.
    await store.addSamples(
      [30, 9, 1].map((daysAgo) => ({
        checklist: 'retention',
        environment: 'default',
        item,
        at: new Date(now - daysAgo * day).toISOString(),
        ok: true,
      })),
    );
    const c = checklist('retention', { environments: {} });
    if (hold) {
      c.items = [
        {
          ...c.items[0]!,
          check: checkSpec({ kind: 'http', target: 'x', hold, line: 1, column: 1 }),
        },
      ];
    }
    const logger = capture();
    const watch = startWatch(
      {
        store,
        checklists: () => [c],
        run: async () => {},
        sample: async () => {},
        evaluate: noEvaluation,
        now: () => new Date(now),
        env: {},
        logger,
      },
      { tickMs: 50, holder: `prune-${hold}` },
    );
    try {
      await until(() => logger.lines.some((l) => l.msg === 'pruned'), 'a prune pass');
    } finally {
      await watch.stop();
    }
    const left = await store.listSamples(
      'retention',
      'default',
      item,
      new Date(now - 60 * day).toISOString(),
    );
    const ages = left.map((s) => Math.round((now - Date.parse(s.at)) / day));
    expect([30, 9, 1].map((d) => ages.includes(d))).toEqual(kept);
  });
});
