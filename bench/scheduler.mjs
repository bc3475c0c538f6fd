#!/usr/bin/env node
// `node bench/scheduler.mjs` (part of `npm run bench`): the CPU the service's watch scheduler spends per
// check at 10,000 checks a minute, against a raw floor doing the same requests on the same cadence.
//  - gonogo: `gonogo serve` in-process (startServer from dist/, SQLite store, the real watch loop) with one
//    checklist of N windowed http checks (`hold: 1h`, `every: E`, three conditions each) against nginx:
//    every E the leader claims each item's slot, runs the checks and stores the samples.
//  - raw: an undici Pool doing the same N requests (JSON parsed, the same three tests) at the same
//    slots (multiples of E since the epoch), with gonogo's per-host concurrency.
//  Each runs in its own process; after a warm-up, CPU (user + sys) over a fixed window is divided by the
//  checks completed in it. Rounds alternate; medians. Default 500 items every 3s = 10,000 checks/min.
// The measured processes are bench/watch.mjs's (shared with kuma.mjs).
// Options: --items N (500) --every S (3) --warmup S (8) --seconds S (30; rounded to whole slots, the window
//   opening half a slot after a boundary) --rounds N (3) --compare DIR --strict
//   --history M (0): gonogo's store starts with M minutes of claims and samples, as after M minutes of
//   watching (a window of `hold: 1h` keeps an hour of samples, its slot claims twice that).
//   --flags both|none|this (both): the measured processes' node flags (bench/server-flags.mjs): both, every
//   process (this build's, --compare's, the floor) under this build's SERVER_NODE_FLAGS, which `gonogo serve`
//   starts node with; none: all under V8's defaults; this: --compare's without them (as its serve started).
//   --gonogo-flags="F ...": more node options for this build's gonogo processes only (a flag's A/B).
// Results: artifacts/bench/results.json, key `scheduler` (other scripts' keys are kept).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { alternatingRounds } from './measure.mjs';
import { flagsByMode, shownFlags } from './server-flags.mjs';
import { measureWatch } from './watch.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TARGET_RATIO = 1.5;

await main();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '500' },
      every: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '30' },
      rounds: { type: 'string', default: '3' },
      history: { type: 'string', default: '0' },
      'gonogo-flags': { type: 'string', default: '' },
      flags: { type: 'string', default: 'both' },
      compare: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const builds = [{ name: 'gonogo', root: ROOT }];
  if (values.compare) builds.push({ name: 'compare', root: resolve(values.compare) });
  for (const b of builds) {
    if (!existsSync(join(b.root, 'dist', 'app', 'serve.js'))) {
      console.error(`${b.root}: not built: run \`npm run build\` there first.`);
      process.exit(2);
    }
  }
  const items = Number(values.items);
  const everyS = Number(values.every);
  const perMinute = (items * 60) / everyS;
  // Whole slots: the aligned window (below) then ends half a slot after a boundary too, and holds
  // every check of its slots (a slot's checks have half a slot to finish before the window closes).
  const windowS = Math.max(1, Math.round(Number(values.seconds) / everyS)) * everyS;
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`machine: ${availableParallelism()} cores, load average ${load()} at start`);
  console.log(
    `scheduler: ${items} windowed http checks every ${everyS}s (${perMinute.toLocaleString('en')} checks/min) against nginx, ${windowS}s windows after ${values.warmup}s warm-up, ${values.rounds} rounds${values['gonogo-flags'] ? `, this build's service with node ${values['gonogo-flags']}` : ''}${Number(values.history) > 0 ? `, ${values.history} min of history in the store` : ''}`,
  );
  const modeFlags = await flagsByMode(ROOT, values.flags);
  const flagsOf = {
    raw: modeFlags.floor,
    gonogo: [...modeFlags.gonogo, ...values['gonogo-flags'].split(' ').filter(Boolean)],
    compare: modeFlags.compare,
  };
  for (const name of ['raw', ...builds.map((b) => b.name)])
    console.log(`node flags of ${name.padEnd(7)} ${shownFlags(flagsOf[name])}`);
  const { startNginx } = await import('./nginx.mjs');
  const nginx = await startNginx();
  const startedLoad = loadavg();
  let got;
  try {
    const contestants = ['raw', ...builds.map((b) => b.name)];
    got = await alternatingRounds(contestants, Number(values.rounds), async (name, round) => {
      const dir = await mkdtemp(join(tmpdir(), 'gonogo-bench-watch-'));
      try {
        const spec = {
          mode: name === 'raw' ? 'raw' : 'gonogo',
          root: builds.find((b) => b.name === name)?.root ?? ROOT,
          url: nginx.url,
          items,
          everyS,
          warmupS: Number(values.warmup),
          seconds: windowS,
          historyS: Number(values.history) * 60,
          dir,
          // The window opens half a slot after a boundary, as kuma.mjs's does, and holds whole slots:
          // CPU and checks then cover the same slots (unaligned, a 20 s window of 3 s slots counted 6
          // or 7 slots' checks against 6.7 slots' CPU: up to ±8% per round, for either contestant).
          align: true,
          nodeFlags: flagsOf[name],
        };
        const r = await measureWatch(spec, name);
        const perCheck = r.perCheckMs;
        console.log(
          `  round ${round + 1} ${name.padEnd(8)} ${r.checks} checks, cpu ${r.cpuMs.toFixed(0)} ms: ${perCheck.toFixed(4)} ms/check, rss ${(r.rssEnd / 1048576).toFixed(0)} MB`,
        );
        return r;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  } finally {
    await nginx.stop();
  }
  const raw = median(got.raw.map((r) => r.perCheckMs));
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    loadAverage: { start: startedLoad, end: loadavg() },
    items,
    everyS,
    windowSeconds: windowS,
    historyMinutes: Number(values.history),
    checksPerMinute: perMinute,
    raw: { cpuMsPerCheck: raw, runs: got.raw },
    builds: Object.fromEntries(builds.map((b) => [b.name, b.root])),
    nodeFlags: flagsOf,
    target: TARGET_RATIO,
  };
  let over = false;
  for (const b of builds) {
    const g = median(got[b.name].map((r) => r.perCheckMs));
    results[b.name] = { cpuMsPerCheck: g, ratio: g / raw, runs: got[b.name] };
    console.log(
      `  ${b.name}: ${g.toFixed(4)} ms CPU per check vs raw ${raw.toFixed(4)} ms: ${(g / raw).toFixed(2)}x (target <= ${TARGET_RATIO}x)`,
    );
    if (b.name === 'gonogo' && g / raw > TARGET_RATIO) over = true;
  }
  console.log(`load average ${load()} at the end`);
  const artifacts = join(ROOT, 'artifacts', 'bench');
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, 'results.json');
  const all = existsSync(path) ? JSON.parse(await readFile(path, 'utf8')) : {};
  all.scheduler = results;
  await writeFile(path, `${JSON.stringify(all, null, 2)}\n`);
  if (values.strict && over) process.exit(1);
}
