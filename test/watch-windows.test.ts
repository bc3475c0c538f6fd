import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord, Store } from '../src/engine/store.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';
import { type ServeProcess, startServe, startTarget, waitFor } from './watch-support.js';

/**
 * Windows judged through the service's scheduler (`gonogo serve`): a checklist scheduled every 2s with
 * one windowed check (hold 3s, every 1s), so runs and between-run samples alternate. Real time, short.
 */

const ITEM = 'health/api-stays-healthy';
const WATCH_ENV = { GONOGO_WATCH_TICK: '100ms', GONOGO_LEASE_TTL: '2s' };

function writeChecklist(dir: string, target: string) {
  writeFileSync(
    join(dir, 'watch.md'),
    `---
id: watch
schedule: 2s
---
# Watch
## Health
- [ ] API stays healthy
  \`\`\`check
  http: ${target}/health
  hold: 3s
  every: 1s
  timeout: 2s
  \`\`\`
`,
  );
}

describe('windows through the scheduler', () => {
  const dir = blockTempDir('gonogo-watch-windows-');
  let db: string;
  let store: Store | undefined;
  let serve: ServeProcess | undefined;
  let closeTarget: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await serve?.stop();
    await store?.close();
    await closeTarget?.();
    serve = undefined;
    store = undefined;
  });

  async function setUp(status: () => number, name: string) {
    const target = await startTarget(status);
    closeTarget = target.close;
    const sub = join(dir, name);
    const checklists = join(sub, 'checklists');
    mkdirSync(checklists, { recursive: true });
    writeChecklist(checklists, target.url);
    db = join(sub, 'gonogo.db');
    serve = await startServe({ dir: checklists, db, env: WATCH_ENV });
    store = await openStore(db);
    return { checklists };
  }

  const scheduledRuns = async () =>
    (await store!.listRuns('watch', 'default', { limit: 200 }))
      .filter((r) => r.trigger === 'scheduler')
      .reverse();
  const statusOf = (run: RunRecord) => run.outcomes.find((o) => o.item === ITEM);

  it('stays pending until samples cover the hold, then passes; samples are taken between runs', async () => {
    await setUp(() => 200, 'steady');
    const passed = await waitFor(async () => {
      const runs = await scheduledRuns();
      return runs.find((r) => statusOf(r)?.status === 'pass') ? runs : undefined;
    }, 'a scheduled run whose window passed');
    expect(statusOf(passed[0]!)).toMatchObject({
      status: 'pending',
      message: expect.stringMatching(/^window .*\/3s/),
    });
    expect(statusOf(passed.find((r) => statusOf(r)?.status === 'pass')!)?.message).toMatch(
      /^window 3s\/3s: \d+ samples, all passed/,
    );
    const samples = await store!.listSamples('watch', 'default', ITEM, '1970-01-01T00:00:00Z');
    // Each run adds one sample; the scheduler samples every second in between.
    expect(samples.length).toBeGreaterThan(passed.length);
    expect(samples.every((s) => s.ok)).toBe(true);
  });

  it('fails the window when the target flaps', async () => {
    let n = 0;
    await setUp(() => (n++ % 2 === 0 ? 200 : 503), 'flapping');
    const failed = await waitFor(
      async () => (await scheduledRuns()).find((r) => statusOf(r)?.status === 'fail'),
      'a failed window',
    );
    expect(statusOf(failed)?.message).toMatch(/^window: \d+ of \d+ samples failed; last failure .*503/);
    expect(failed.verdict).toBe('NO-GO');
  });

  it('keeps the window pending after a gap in sampling, until the hold is covered again', async () => {
    const { checklists } = await setUp(() => 200, 'gap');
    await waitFor(async () => ((await scheduledRuns()).length > 0 ? true : undefined), 'a first run');
    const first = (await store!.listSamples('watch', 'default', ITEM, '1970-01-01T00:00:00Z'))[0]!;
    await serve!.stop();
    serve = undefined;
    // A gap longer than twice `every` (2s) since the last sample.
    const last = async () =>
      (await store!.listSamples('watch', 'default', ITEM, '1970-01-01T00:00:00Z')).at(-1)!;
    const lastAt = Date.parse((await last()).at);
    // And samples spanning more than the hold (3s) since the first one, however fast the service restarts.
    const firstAt = Date.parse(first.at);
    await waitFor(
      () => (Date.now() - lastAt > 2500 && Date.now() - firstAt > 3000 ? true : undefined),
      'a gap in sampling',
      5000,
    );
    const before = (await scheduledRuns()).length;

    serve = await startServe({ dir: checklists, db, env: WATCH_ENV });
    const after = await waitFor(async () => (await scheduledRuns()).slice(before)[0], 'a run after the gap');
    // Samples span more than the hold since the first one, but the gap breaks the coverage.
    expect(Date.parse(after.startedAt) - Date.parse(first.at)).toBeGreaterThan(3000);
    expect(statusOf(after)).toMatchObject({ status: 'pending', message: expect.stringMatching(/^window/) });
    const passed = await waitFor(
      async () => (await scheduledRuns()).slice(before).find((r) => statusOf(r)?.status === 'pass'),
      'the window to pass again',
    );
    // Covered again only once the samples since the gap reach back to the window's start (within `every`):
    // at least hold - every (2s) after the first of them, whenever the restart happened.
    const resumed = (
      await store!.listSamples('watch', 'default', ITEM, new Date(lastAt + 1).toISOString())
    )[0]!;
    expect(Date.parse(passed.startedAt) - Date.parse(resumed.at)).toBeGreaterThan(1500);
    expect(Date.parse(passed.startedAt) - lastAt).toBeGreaterThan(2500 + 1500);
  });
});
