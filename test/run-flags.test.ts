import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runFlagTexts, YOUNG_FLAGS } from '../src/cli/run-flags.js';

/**
 * `gonogo run`'s V8 flags (cli/run-flags.ts) are put back after the run, and the build writes the run
 * bundle's code cache in a process that ran with them: what it writes must be a cache a process under
 * V8's defaults accepts. Checked across processes, as the build and a later run are.
 */
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'gonogo-run-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = '(function (a, b) { return a * b + 1; })';

/** In a fresh node: optionally set and put back the run flags (as setRunFlags does), then write a cache of SOURCE to `file`. */
async function makeCache(file: string, withRunFlags: boolean): Promise<void> {
  const { set, restore } = runFlagTexts({});
  const texts = withRunFlags ? [...set, ...restore] : [];
  const script = `import { writeFileSync } from 'node:fs'; import { Script } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
for (const text of ${JSON.stringify(texts)}) setFlagsFromString(text);
writeFileSync(${JSON.stringify(file)}, new Script(${JSON.stringify(SOURCE)}).createCachedData());`;
  await exec(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH } });
}

/** In a fresh node under V8's defaults: whether the cache in `file` is rejected. */
async function rejected(file: string): Promise<boolean> {
  const script = `const { readFileSync } = require('node:fs'); const { Script } = require('node:vm');
console.log(new Script(${JSON.stringify(SOURCE)}, { cachedData: readFileSync(${JSON.stringify(file)}) }).cachedDataRejected);`;
  const r = await exec(process.execPath, ['-e', script], { env: { PATH: process.env.PATH } });
  return r.stdout.trim() === 'true';
}

describe('the run flags', () => {
  it('leave V8 at its defaults once put back: a cache made afterwards is accepted (none left set or implied)', async () => {
    await makeCache(join(dir, 'plain'), false);
    expect(await rejected(join(dir, 'plain'))).toBe(false);
    // `liftoff-only` turns the wasm tiering flags off as it is set; they are put back with it.
    await makeCache(join(dir, 'after'), true);
    expect(await rejected(join(dir, 'after'))).toBe(false);
  });
});

describe('the young generation held (holdYoungGeneration)', () => {
  /** In a fresh node: the young generation's size (MB) at start and after keeping 300,000 new objects. */
  async function youngSizes(held: boolean): Promise<{ start: number; after: number }> {
    const texts = held ? runFlagTexts({}, [], YOUNG_FLAGS).set : [];
    const script = `const v8 = require('node:v8');
const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
const start = young();
for (const text of ${JSON.stringify(texts)}) v8.setFlagsFromString(text);
const kept = [];
for (let i = 0; i < 300000; i++) kept.push({ i, text: 'item ' + i });
console.log(JSON.stringify({ start, after: young(), kept: kept.length }));`;
    const r = await exec(process.execPath, ['-e', script], { env: { PATH: process.env.PATH } });
    return JSON.parse(r.stdout) as { start: number; after: number };
  }

  it('stays near the size it starts at once held at run time (it grows to its maximum otherwise)', async () => {
    const grown = await youngSizes(false);
    const held = await youngSizes(true);
    // Node starts with 1 MB semi-spaces (V8 reports 1 MB committed, then both: 2); V8's maximum is 16 each.
    expect(held.after).toBeLessThanOrEqual(2 * held.start);
    expect(grown.after).toBeGreaterThanOrEqual(4 * held.after);
  });
});

describe('the young generation grown once as a long run starts its checks (growYoungGeneration)', () => {
  /**
   * In a fresh node held as `gonogo run` holds it: the young generation's size (MB) once the process has
   * worked a while (`start`), after `checks` start and run a while (`after`), and after as long again (`end`).
   */
  async function sizes(checks: number): Promise<{ start: number; after: number; end: number }> {
    const script = `import { getHeapSpaceStatistics } from 'node:v8';
import { setImmediate as turn } from 'node:timers/promises';
import { growYoungGeneration, holdYoungGeneration } from ${JSON.stringify(join(process.cwd(), 'src/cli/run-flags.ts'))};
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
const kept = [];
// Checks in flight: objects that live a few turns, one in two thousand kept.
async function work() {
  for (let t = 0; t < 300; t++) {
    const flight = Array.from({ length: 2000 }, (_, i) => ({ t, i, text: 'check ' + i }));
    kept.push(flight[t % 2000]);
    await turn();
  }
}
holdYoungGeneration({}, []);
await work();
const start = young();
growYoungGeneration(${checks});
await work();
const after = young();
await work();
console.log(JSON.stringify({ start, after, end: young(), kept: kept.length }));`;
    const r = await exec(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH },
    });
    return JSON.parse(r.stdout) as { start: number; after: number; end: number };
  }

  it('doubles it once for 50,000 checks and holds it there; 5,000 keep the size they start with', async () => {
    const long = await sizes(50_000);
    expect(long.after).toBe(2 * long.start);
    expect(long.end).toBe(long.after);
    const short = await sizes(5_000);
    expect(short).toEqual({ ...short, after: short.start, end: short.start });
  });
});

describe("a long run's old generation (growOldGeneration)", () => {
  /**
   * In a fresh node set as `gonogo run` sets it (the young generation held, RUN_FLAGS, then
   * growOldGeneration for `checks`): ~60 MB kept (the items and outcomes), a mark-compact (the checks'),
   * then ~22 MB more kept, a little at a time, as the closing stretch's rows and report promote theirs:
   * how many mark-compacts that takes.
   */
  async function closingMarkCompacts(checks: number): Promise<number> {
    const script = `import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import { growOldGeneration, holdYoungGeneration, setRunFlags } from ${JSON.stringify(join(process.cwd(), 'src/cli/run-flags.ts'))};
holdYoungGeneration({}, []);
const kept = [];
const keep = (chunks) => {
  for (let c = 0; c < chunks; c++) kept.push(Array.from({ length: 1000 }, (_, i) => ({ i, a: i + 1 })));
};
keep(1300);
setRunFlags({}, []);
growOldGeneration(${checks}, {}, []);
globalThis.gc();
let majors = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
});
observer.observe({ entryTypes: ['gc'] });
for (let t = 0; t < 60; t++) {
  keep(8);
  await turn();
}
// A mark-compact under way (incremental marking ends in a task) is counted once it ends.
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();
console.log(JSON.stringify({ majors, kept: kept.length }));`;
    const r = await exec(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { env: { PATH: process.env.PATH } },
    );
    return (JSON.parse(r.stdout) as { majors: number }).majors;
  }

  it('leaves room after the last mark-compact for the closing stretch of a 50,000-check run, not of 5,000', async () => {
    expect(await closingMarkCompacts(50_000)).toBe(0);
    expect(await closingMarkCompacts(5_000)).toBeGreaterThanOrEqual(1);
  });
});
