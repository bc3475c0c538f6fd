#!/usr/bin/env node
// `node bench/run.mjs` (part of `npm run bench`): what a whole `gonogo run` process costs over doing the
// same requests by hand, measured side by side in one run, every ratio taken within a round.
//  - Fixtures: generated checklists of http checks (three conditions each), `flat` (one heading) and
//    `sectioned` (a heading every 50 items), at 500 and 5,000 items (50,000 with --large).
//  - Targets: Debian's nginx (started here on a free port with its own temporary prefix) and the Node
//    server of server.mjs, each in its own process.
//  - Cases: warm (parse cache hit, as CI re-running a gate) and cold (empty parse cache: the Markdown is
//    parsed) gonogo runs, each with a fresh SQLite store, against the raw floor (raw-client.mjs: an undici
//    Pool doing the same requests with the same concurrency, JSON parsed), measured in the same rounds.
//  - Measured per process: wall time (spawn to exit), CPU (user + sys) and peak RSS from probe.mjs.
//    Memory above the floor per item: (gonogo peak RSS - raw peak RSS) / items, and the slope between
//    the two largest sizes (what one more item costs).
//  - The method (bench/rounds.mjs, as the preflight bench's since pf16): a warm-up round (every contestant
//    once, left out), then every contestant in every round, the order rotated; each ratio (gonogo / floor,
//    this build / --compare, wall and CPU) is taken within its round and the figure is the median of the
//    per-round ratios, printed with their range. Each row notes the load average and the share of the
//    machine other processes used over its rounds (not the contestant, the target server or this script);
//    a verdict whose rounds ran beside more than 25% of it says it is not evidence.
//  --compare DIR measures another build of gonogo (a worktree with its own built dist/, e.g. the main
//  branch before a change) in the same rounds, so before/after ratios come from one sitting.
// Options: --sizes 500,5000 --large (adds 50000) --shapes flat,sectioned --targets nginx,node
//  --rounds N (3) --cold-rounds N (rounds; 1 with --large) --no-cold --compare DIR --concurrency N --strict
// Results: artifacts/bench/results.json, key `run` (other scripts' keys are kept).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gonogoRunArgs, measure as measureProcess } from './measure.mjs';
import { startNginx } from './nginx.mjs';
import { machineBusyMs, othersShare, ownCpuMs, processCpuMs } from './rounds.mjs';
import {
  besideText,
  memorySlopes,
  ratioText,
  roundRatios,
  runRounds,
  stats,
  verdictText,
} from './run-rounds.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const SEED_004 = join(BENCH, 'fixtures', '004-production-checklist.md');

/** Issue 15's targets: warm run against the raw floor, memory above the floor per item. */
const TARGETS = { warmRatio: { 500: 1.3, 5000: 1.3, 50000: 1.5 }, bytesPerItem: 1024, startupRatio: 4 };

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '500,5000' },
    large: { type: 'boolean', default: false },
    shapes: { type: 'string', default: 'flat,sectioned' },
    targets: { type: 'string', default: 'nginx,node' },
    rounds: { type: 'string', default: '3' },
    'cold-rounds': { type: 'string' },
    'no-cold': { type: 'boolean', default: false },
    compare: { type: 'string' },
    'startup-runs': { type: 'string', default: '15' },
    concurrency: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});
const SIZES = values.sizes.split(',').map(Number);
if (values.large && !SIZES.includes(50000)) SIZES.push(50000);
const SHAPES = values.shapes.split(',');
const TARGET_NAMES = values.targets.split(',');
const ROUNDS = Number(values.rounds);
const COLD_ROUNDS = values['no-cold'] ? 0 : Number(values['cold-rounds'] ?? (values.large ? 1 : ROUNDS));

const ms = (x) => `${x.toFixed(0)} ms`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** The builds measured: this one, and the one given with --compare. */
const builds = [{ name: 'gonogo', root: ROOT }];
if (values.compare) builds.push({ name: 'compare', root: resolve(values.compare) });
for (const b of builds) {
  if (!existsSync(join(b.root, 'dist', 'app', 'main.js'))) {
    console.error(`${b.root}: the CLI is not built: run \`npm run build\` there first.`);
    process.exit(2);
  }
}

const scratch = await mkdtemp(join(tmpdir(), 'gonogo-bench-'));

/** measure.mjs's measure, its probe files in this run's scratch folder, run from the repository root. */
const measure = (args, { env = {}, cwd = ROOT } = {}) => measureProcess(args, { scratch, env, cwd });

/** Start the Node bench server in its own process and wait for the port it prints. */
function startNodeServer() {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(BENCH, 'server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', rej);
    child.stdout.once('data', (d) =>
      res({
        url: `http://127.0.0.1:${Number(String(d).trim())}`,
        pid: child.pid,
        stop: async () => {
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await gone;
        },
      }),
    );
  });
}

/**
 * A checklist of `n` http items, each bound to its own path on the target, with three conditions.
 * `sectioned`: a heading every 50 items (the old fixture); `flat`: one heading over all of them.
 */
function checklist(n, base, shape) {
  const lines = [
    '---',
    'id: bench-http',
    'name: Bench HTTP checklist',
    'environments:',
    `  bench: { BASE_URL: "${base}" }`,
    '---',
    '# Bench',
  ];
  for (let i = 0; i < n; i++) {
    if (shape === 'sectioned' && i % 50 === 0) lines.push('', `## Section ${i / 50 + 1}`);
    lines.push(
      `- [ ] Endpoint ${i} answers`,
      '  ```check',
      `  http: \${BASE_URL}/item/${i}`,
      '  expect: [status == 200, body.ok == true, \'"x-request-id" in headers\']',
      '  ```',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The concurrency gonogo uses per host, so the floor gets the same (a fair comparison). */
async function gonogoConcurrency() {
  if (values.concurrency) return Number(values.concurrency);
  const limiter = await import(join(ROOT, 'dist', 'engine', 'limiter.js'));
  return Math.min(limiter.DEFAULT_PER_HOST, limiter.DEFAULT_CONCURRENCY);
}

let runCount = 0;
/** One `gonogo run` of `file` with a fresh store; `cacheDir` decides warm (primed) or cold (empty). */
async function runGonogo(build, file, items, cacheDir) {
  const n = ++runCount;
  const db = join(scratch, `run-${n}.db`);
  const out = join(scratch, `run-${n}.json`);
  const r = await measure(gonogoRunArgs(build.root, file, db, out), {
    env: { GONOGO_CACHE_DIR: cacheDir },
    cwd: build.root,
  });
  if (r.code !== 0)
    throw new Error(`${build.name}: gonogo run exited ${r.code} (expected 0, GO):\n${r.stdout}${r.stderr}`);
  const report = JSON.parse(await readFile(out, 'utf8'));
  if (report.summary.pass !== items) {
    throw new Error(
      `${build.name}: passed ${report.summary.pass} of ${items}: ${JSON.stringify(report.summary)}`,
    );
  }
  await Promise.all([db, `${db}-wal`, `${db}-shm`, out].map((f) => rm(f, { force: true })));
  return r;
}

async function runRaw(url, items, concurrency) {
  const r = await measure([join(BENCH, 'raw-client.mjs'), url, String(items), String(concurrency)]);
  if (r.code !== 0) throw new Error(`raw client failed: ${r.stderr}`);
  return r;
}

/**
 * One measured process (`run()`), with what ran beside it: the load average at its start, and the share of
 * the machine busy with neither it, the target server (`target.pid`) nor this script.
 */
async function measured(target, run) {
  const load = loadavg()[0];
  const from = {
    machine: machineBusyMs(),
    target: processCpuMs(target.pid),
    own: ownCpuMs(),
    at: performance.now(),
  };
  const r = await run();
  const elapsedMs = performance.now() - from.at;
  const targetMs = (processCpuMs(target.pid) ?? 0) - (from.target ?? 0);
  const known = r.cpuMs + targetMs + ownCpuMs() - from.own;
  const others = othersShare(from.machine, machineBusyMs(), known, elapsedMs);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakRss: r.peakRss, load, others };
}

/**
 * One size/shape/target: the raw floor and every build's warm (and cold) runs in every round, after a
 * warm-up round left out (run-rounds.mjs's roundPlan); ratios taken within each round.
 */
async function benchCase(target, shape, items, concurrency) {
  const file = join(scratch, `${target.name}-${shape}-${items}.md`);
  await writeFile(file, checklist(items, target.url, shape));
  const warmCache = Object.fromEntries(builds.map((b) => [b.name, join(scratch, `cache-${b.name}`)]));
  // Prime each build's cache (not measured): the warm runs hit it.
  for (const b of builds) await runGonogo(b, file, items, warmCache[b.name]);
  const contestants = [{ key: 'raw', cold: false, run: () => runRaw(target.url, items, concurrency) }];
  for (const b of builds)
    contestants.push({
      key: `${b.name}.warm`,
      cold: false,
      run: () => runGonogo(b, file, items, warmCache[b.name]),
    });
  for (const b of builds) {
    const run = async () => {
      const dir = join(scratch, `cold-${++runCount}`);
      const r = await runGonogo(b, file, items, dir);
      await rm(dir, { recursive: true, force: true });
      return r;
    };
    contestants.push({ key: `${b.name}.cold`, cold: true, run });
  }
  const byKey = Object.fromEntries(contestants.map((c) => [c.key, c]));
  const got = await runRounds(contestants, ROUNDS, COLD_ROUNDS, (key) => measured(target, byKey[key].run));
  await rm(file, { force: true });
  const raw = { ...stats(got.raw.rounds), rounds: got.raw.rounds };
  const result = { target: target.name, shape, items, raw };
  // The floor's rounds a cold contestant ran in (the first COLD_ROUNDS).
  const coldRaw = { rounds: got.raw.rounds.slice(0, COLD_ROUNDS) };
  for (const b of builds) {
    const w = got[`${b.name}.warm`];
    const ws = stats(w.rounds);
    result[b.name] = {
      warm: {
        ...ws,
        ...roundRatios(w, got.raw),
        bytesAboveFloorPerItem: (ws.peakRss - raw.peakRss) / items,
        rounds: w.rounds,
      },
    };
    if (COLD_ROUNDS > 0) {
      const c = got[`${b.name}.cold`];
      result[b.name].cold = {
        ...stats(c.rounds),
        ...roundRatios(c, coldRaw),
        rawCpuMs: stats(coldRaw.rounds).cpuMs,
        rounds: c.rounds,
      };
    }
  }
  if (builds.length > 1) {
    result.gonogoVsCompare = { warm: roundRatios(got['gonogo.warm'], got['compare.warm']) };
    if (COLD_ROUNDS > 0) result.gonogoVsCompare.cold = roundRatios(got['gonogo.cold'], got['compare.cold']);
  }
  return result;
}

const pad = '          ';
function printCase(r) {
  console.log(
    `  ${r.target} ${r.shape} ${r.items}: raw ${ms(r.raw.wallMs)} (cpu ${ms(r.raw.cpuMs)}, ${mb(r.raw.peakRss)})\n${pad}${besideText(r.raw)}`,
  );
  for (const b of builds) {
    for (const kind of ['warm', 'cold']) {
      const w = r[b.name][kind];
      if (!w) continue;
      const memory =
        kind === 'warm' ? `, ${(w.bytesAboveFloorPerItem / 1024).toFixed(1)} KB/item above the floor` : '';
      console.log(
        `    ${b.name.padEnd(8)} ${kind} ${ms(w.wallMs)} ${ratioText(w.ratio, w.ratioRange)}, cpu ${ms(w.cpuMs)} ${ratioText(w.cpuRatio, w.cpuRatioRange)}, ${mb(w.peakRss)}${memory}\n${pad}${besideText(w)}`,
      );
    }
  }
  for (const [kind, v] of Object.entries(r.gonogoVsCompare ?? {})) {
    console.log(
      `    gonogo / compare ${kind}: wall ${ratioText(v.ratio, v.ratioRange)}, cpu ${ratioText(v.cpuRatio, v.cpuRatioRange)} (of the medians ${v.cpuRatioOfMedians.toFixed(2)}x)${v.busy ? ' (on a busy machine)' : ''}`,
    );
  }
}

/** `gonogo lint` of seed 004 against `node -e 0` (when bench/startup.mjs, which measures more, is absent). */
async function startup() {
  const runs = Number(values['startup-runs']);
  const lint = [];
  const bare = [];
  for (let i = 0; i < runs; i++) {
    const l = await measure([join(ROOT, 'bin', 'gonogo'), 'lint', SEED_004], {
      env: { GONOGO_CACHE_DIR: join(scratch, 'lint-cache') },
    });
    if (l.code !== 0) throw new Error(`gonogo lint exited ${l.code}:\n${l.stderr}`);
    lint.push(l);
    bare.push(await measure(['-e', '0']));
  }
  const l = stats(lint);
  const b = stats(bare);
  return {
    lintMs: l.wallMs,
    nodeMs: b.wallMs,
    ratio: l.wallMs / b.wallMs,
    lintCpuMs: l.cpuMs,
    nodeCpuMs: b.cpuMs,
    cpuRatio: l.cpuMs / b.cpuMs,
  };
}

console.log(`machine: ${availableParallelism()} cores, load average ${load()} at start`);
const concurrency = await gonogoConcurrency();
const cases = [];
const verdicts = [];
const startedLoad = loadavg();
try {
  for (const name of TARGET_NAMES) {
    const target = name === 'nginx' ? await startNginx() : await startNodeServer();
    target.name = name;
    try {
      console.log(
        `\n${name} (${target.url}), concurrency ${concurrency}, a warm-up round (left out), then ${ROUNDS} warm rounds, ${COLD_ROUNDS} cold; ratios within each round: median (range)`,
      );
      for (const shape of SHAPES) {
        for (const items of SIZES) {
          const r = await benchCase(target, shape, items, concurrency);
          printCase(r);
          cases.push(r);
        }
      }
    } finally {
      await target.stop();
    }
  }
  // Memory one more item costs, above what one more request costs the floor: the slope between sizes.
  const sizes = [...SIZES].sort((a, b) => a - b);
  const slopes = memorySlopes(cases, sizes, builds);
  if (sizes.length >= 2) {
    console.log(`\nmemory per extra item above the floor (warm, ${sizes.at(-2)} -> ${sizes.at(-1)} items):`);
    for (const s of slopes)
      console.log(`  ${s.target} ${s.shape} ${s.build}: ${(s.bytesPerItem / 1024).toFixed(2)} KB`);
  }
  for (const c of cases) {
    const limit = TARGETS.warmRatio[c.items];
    if (limit)
      verdicts.push([
        `warm ${c.items} ${c.shape} ${c.target} <= ${limit}x`,
        c.gonogo.warm.ratio <= limit,
        c.gonogo.warm.busy,
      ]);
  }
  for (const s of slopes.filter((x) => x.build === 'gonogo')) {
    verdicts.push([
      `memory per item ${s.shape} ${s.target} <= 1 KB`,
      s.bytesPerItem <= TARGETS.bytesPerItem,
      s.busy,
    ]);
  }
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    loadAverage: { start: startedLoad, end: loadavg() },
    concurrency,
    method: 'warm-up round left out; every contestant every round, rotated; ratios within a round, median',
    builds: Object.fromEntries(builds.map((b) => [b.name, b.root])),
    cases,
    memorySlopes: slopes,
    targets: TARGETS,
  };
  if (!existsSync(join(BENCH, 'startup.mjs'))) {
    results.startup = await startup();
    const s = results.startup;
    console.log(
      `\nstart-up: gonogo lint seed 004 ${ms(s.lintMs)} vs node -e 0 ${ms(s.nodeMs)}: ${s.ratio.toFixed(2)}x (cpu ${s.cpuRatio.toFixed(2)}x)`,
    );
    verdicts.push([`start-up <= ${TARGETS.startupRatio}x`, s.ratio <= TARGETS.startupRatio]);
  }
  results.loadAverage.end = loadavg();
  // Read-modify-write: the other bench scripts keep their own keys in the same file.
  const artifacts = join(ROOT, 'artifacts', 'bench');
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, 'results.json');
  const all = existsSync(path) ? JSON.parse(await readFile(path, 'utf8')) : {};
  all.run = results;
  await writeFile(path, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`\nload average ${load()} at the end; results: artifacts/bench/results.json (key "run")`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
console.log(verdicts.map(verdictText).join('\n'));
if (values.strict && verdicts.some(([, ok]) => !ok)) process.exit(1);
