import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  GROW_YOUNG_AT,
  growOldGeneration,
  holdYoungGeneration,
  LONG_RUN_FLAGS,
  runFlagTexts,
  setRunFlags,
  underV8Defaults,
  VERIFY_FLAGS,
  YOUNG_FLAGS,
} from './run-flags.js';

const exec = promisify(execFile);

/** setRunFlags with V8's setter replaced by a record of what it was given: set, then restored. */
function recorded(env: Record<string, string | undefined>, execArgv: string[] = []) {
  const calls: string[] = [];
  const restore = setRunFlags(env, execArgv, (flags) => calls.push(flags));
  const set = [...calls];
  restore();
  return { set, restored: calls.slice(set.length) };
}

const { set: on, restore: off } = runFlagTexts({}, []);
const heapFlags = ['--heap-growing-percent=25', '--heap-growing-percent=0'];
const withoutHeap = (flags: string[]) => flags.filter((f) => !heapFlags.includes(f));

describe('setRunFlags', () => {
  it("sets every run flag, then puts each back to V8's default", () => {
    expect(recorded({})).toEqual({ set: on, restored: off });
    expect(on).toEqual([
      '--heap-growing-percent=25',
      '--liftoff-only',
      '--no-wasm-tier-up',
      '--no-wasm-dynamic-tiering',
    ]);
    // Booleans as V8 takes them (it refuses `--x=false`), put back in the order they were set.
    expect(off).toEqual([
      '--heap-growing-percent=0',
      '--no-liftoff-only',
      '--wasm-tier-up',
      '--wasm-dynamic-tiering',
    ]);
  });

  it("leaves a flag the user gave node alone, in NODE_OPTIONS or node's own arguments", () => {
    for (const given of [
      { env: { NODE_OPTIONS: '--heap-growing-percent=50' } },
      { env: { NODE_OPTIONS: '--max-old-space-size=900 --heap_growing_percent=10' } },
      { env: {}, execArgv: ['--heap-growing-percent=0'] },
    ]) {
      expect(recorded(given.env, given.execArgv)).toEqual({
        set: withoutHeap(on),
        restored: withoutHeap(off),
      });
    }
    // Another flag of theirs changes nothing of the run's.
    expect(recorded({ NODE_OPTIONS: '--max-old-space-size=900' })).toEqual({ set: on, restored: off });
  });

  it('gives V8 only flags it takes (V8 reports a bad one on stderr, it does not throw)', async () => {
    const young = runFlagTexts({}, [], YOUNG_FLAGS);
    const verify = runFlagTexts({}, [], VERIFY_FLAGS);
    const texts = [...on, ...off, ...young.set, ...young.restore, ...verify.set, ...verify.restore];
    const script = `const v8 = require('node:v8'); for (const f of ${JSON.stringify(texts)}) v8.setFlagsFromString(f);`;
    expect((await exec(process.execPath, ['-e', script])).stderr).toBe('');
    const bad = await exec(process.execPath, [
      '-e',
      "require('node:v8').setFlagsFromString('--heap-growing-percent=x')",
    ]);
    expect(bad.stderr).toMatch(/illegal value/);
  });
});

describe('setRunFlags for audit verify (VERIFY_FLAGS)', () => {
  it('grows the young generation at once while verify runs, then puts it back, unless the user sized it', () => {
    const calls: string[] = [];
    const restore = setRunFlags({}, [], (flags) => calls.push(flags), VERIFY_FLAGS);
    expect(calls).toEqual(['--semi-space-growth-factor=16']);
    restore();
    expect(calls).toEqual(['--semi-space-growth-factor=16', '--semi-space-growth-factor=2']);
    for (const given of [
      { env: { NODE_OPTIONS: '--max-semi-space-size=64' }, execArgv: [] },
      { env: {}, execArgv: ['--semi_space_growth_factor=4'] },
    ]) {
      const none: string[] = [];
      setRunFlags(given.env, given.execArgv, (flags) => none.push(flags), VERIFY_FLAGS)();
      expect(none).toEqual([]);
    }
  });
});

describe('holdYoungGeneration', () => {
  it('keeps the young generation from growing, unless the user sized it; put back around a code cache load', async () => {
    expect(runFlagTexts({}, [], YOUNG_FLAGS)).toEqual({
      set: ['--semi-space-growth-factor=1'],
      restore: ['--semi-space-growth-factor=2'],
    });
    // Any semi-space flag of the user's: V8 sizes the young generation as they said.
    for (const given of [
      { env: { NODE_OPTIONS: '--max-semi-space-size=64' }, execArgv: [] },
      { env: {}, execArgv: ['--min_semi_space_size=8'] },
      { env: { NODE_OPTIONS: '--semi-space-growth-factor=4' }, execArgv: [] },
    ]) {
      expect(runFlagTexts(given.env, given.execArgv, YOUNG_FLAGS)).toEqual({ set: [], restore: [] });
    }

    const calls: string[] = [];
    const record = (flags: string) => calls.push(flags);
    // Not held yet: the work runs as it is.
    expect(await underV8Defaults(async () => 'parsed', record)).toBe('parsed');
    expect(calls).toEqual([]);

    holdYoungGeneration({}, [], record);
    holdYoungGeneration({}, [], record);
    expect(calls).toEqual(['--semi-space-growth-factor=1']);

    calls.length = 0;
    const seen: string[] = [];
    expect(
      await underV8Defaults(async () => {
        seen.push(...calls);
        return 'parsed';
      }, record),
    ).toBe('parsed');
    // V8's default while the work runs, the run's again after it.
    expect(seen).toEqual(['--semi-space-growth-factor=2']);
    expect(calls).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);

    calls.length = 0;
    await expect(
      underV8Defaults(async () => {
        throw new Error('bad checklist');
      }, record),
    ).rejects.toThrow('bad checklist');
    expect(calls).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
  });
});

describe('growYoungGeneration', () => {
  /** A fresh run-flags module, held as `gonogo run` holds it (or not), and a young generation that grows on demand. */
  async function harness(hold: Record<string, string> | undefined) {
    vi.resetModules();
    const fresh = await import('./run-flags.js');
    const calls: string[] = [];
    const record = (flags: string) => calls.push(flags);
    if (hold) fresh.holdYoungGeneration(hold, [], record);
    calls.length = 0;
    let size = 4;
    const gcs: Array<() => void> = [];
    let stopped = 0;
    const watch = (gcEnded: () => void) => {
      gcs.push(gcEnded);
      return () => {
        stopped++;
      };
    };
    const grow = (checks: number) => fresh.growYoungGeneration(checks, record, () => size, watch);
    const gc = (after: number) => {
      size = after;
      for (const ended of gcs) ended();
    };
    return { calls, grow, gc, watched: () => gcs.length, stopped: () => stopped };
  }

  it('lets a run of 20,000 checks or more grow its young generation once, then holds it again', async () => {
    const run = await harness({});
    run.grow(GROW_YOUNG_AT);
    expect(run.calls).toEqual(['--semi-space-growth-factor=2']);
    run.gc(4); // a scavenge that did not grow it: still growing
    expect(run.calls).toEqual(['--semi-space-growth-factor=2']);
    run.gc(8);
    expect(run.calls).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
    expect(run.stopped()).toBe(1);
  });

  it('leaves a smaller run, an unheld process and a user-sized young generation as they are', async () => {
    const small = await harness({});
    small.grow(GROW_YOUNG_AT - 1);
    small.grow(5_000);
    expect(small.calls).toEqual([]);
    expect(small.watched()).toBe(0);
    for (const hold of [undefined, { NODE_OPTIONS: '--max-semi-space-size=64' }]) {
      const run = await harness(hold);
      run.grow(50_000);
      expect(run.calls).toEqual([]);
      expect(run.watched()).toBe(0);
    }
  });
});

describe('growOldGeneration', () => {
  /** What growOldGeneration tells V8 for `checks`, with the user's NODE_OPTIONS and node arguments. */
  function told(checks: number, env: Record<string, string | undefined> = {}, execArgv: string[] = []) {
    const calls: string[] = [];
    growOldGeneration(checks, env, execArgv, (flags) => calls.push(flags));
    return calls;
  }

  it('lets the old generation of a run of 20,000 checks or more grow by half after a mark-compact', () => {
    expect(told(GROW_YOUNG_AT)).toEqual(['--heap-growing-percent=50']);
    expect(told(50_000)).toEqual(['--heap-growing-percent=50']);
    // The run's own flags put it back: the same flag, to the same default.
    expect(runFlagTexts({}, [], LONG_RUN_FLAGS).restore).toEqual(['--heap-growing-percent=0']);
    expect(off).toContain('--heap-growing-percent=0');
  });

  it("leaves a smaller run, and a user's own heap-growing-percent, as they are", () => {
    expect(told(GROW_YOUNG_AT - 1)).toEqual([]);
    expect(told(5_000)).toEqual([]);
    expect(told(50_000, { NODE_OPTIONS: '--heap-growing-percent=10' })).toEqual([]);
    expect(told(50_000, {}, ['--heap_growing_percent=80'])).toEqual([]);
    expect(told(50_000, { NODE_OPTIONS: '--max-old-space-size=900' })).toEqual(['--heap-growing-percent=50']);
  });
});

describe('underV8Defaults and the young generation floor node was started with', () => {
  it("puts it back to V8's default around the work (a code cache then fits), once for overlapping works", async () => {
    // (The run's young generation flags are held too by now, in this process: see the test above.)
    const calls: string[] = [];
    const record = (flags: string) => {
      if (flags.startsWith('--min-semi')) calls.push(flags);
    };
    const started = ['--import', 'tsx', '--min-semi-space-size=16'];
    let release!: () => void;
    const first = underV8Defaults(() => new Promise<void>((r) => (release = r)), record, started);
    const second = underV8Defaults(async () => 'parsed', record, started);
    expect(await second).toBe('parsed');
    // The first is still under way: the floor stays at V8's default until it ends.
    expect(calls).toEqual(['--min-semi-space-size=0']);
    release();
    await first;
    expect(calls).toEqual(['--min-semi-space-size=0', '--min-semi-space-size=16']);
    calls.length = 0;
    expect(await underV8Defaults(async () => 'parsed', record, ['--max-old-space-size=900'])).toBe('parsed');
    expect(calls).toEqual([]);
  });
});
