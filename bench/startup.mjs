#!/usr/bin/env node
// `node bench/startup.mjs`: what starting the CLI costs over starting Node itself, measured side by side.
// Cases: `gonogo --version`, `gonogo --help`, `gonogo lint` of seed 004 with the parse cache warm (a
// scratch cache directory, filled by one run first) and off (GONOGO_CACHE=off), each with
// OTEL_EXPORTER_OTLP_ENDPOINT unset and set (to a closed loopback port: lint makes no spans, so nothing is
// sent). Every case runs against `node -e 0`, alternating which goes first, N times; the medians of wall
// time (spawn to exit) and CPU time (user + system, from probe.mjs preloaded into both) are compared.
// CPU ratios are the figure to read on a busy machine. With --base BIN, a second build (e.g. an older
// worktree's bin/gonogo) is measured in the same rounds, so before/after ratios come from one sitting.
// Targets (issue 15): --version and --help <= 1.3x, lint with the cache off <= 3x; lint <= 2x (issue 10).
// Options: --runs N (15) --gonogo BIN (./bin/gonogo) --base BIN --only CASE[,CASE] --strict
// Writes its key `cliStartup` into artifacts/bench/results.json (the other keys are kept).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const PROBE = join(BENCH, 'probe.mjs');
const SEED_004 = join(BENCH, 'fixtures', '004-production-checklist.md');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    gonogo: { type: 'string', default: join(ROOT, 'bin', 'gonogo') },
    base: { type: 'string' },
    only: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a whole number, 1 or more');

/** A closed port on the loopback: set as the OTLP endpoint, it is never reached (lint makes no spans). */
const OTEL = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
const CASES = [
  { name: 'version', args: ['--version'], target: 1.3 },
  { name: 'help', args: ['--help'], target: 1.3 },
  { name: 'lint warm', args: ['lint', SEED_004], target: 2, cache: 'warm' },
  { name: 'lint cache off', args: ['lint', SEED_004], target: 3, env: { GONOGO_CACHE: 'off' } },
  { name: 'lint warm, OTEL set', args: ['lint', SEED_004], cache: 'warm', env: OTEL },
  { name: 'lint cache off, OTEL set', args: ['lint', SEED_004], env: { GONOGO_CACHE: 'off', ...OTEL } },
].filter((c) => !values.only || values.only.split(',').includes(c.name));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const scratch = await mkdtemp(join(tmpdir(), 'gonogo-startup-'));
const cacheDir = join(scratch, 'cache');

/** Run one Node process to completion: wall time (spawn to exit), CPU time (probe), exit code. */
async function measure(args, env = {}) {
  const probeFile = join(scratch, `probe-${Math.random().toString(36).slice(2)}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, ...args], {
    cwd: scratch,
    env: { ...process.env, NO_COLOR: '1', ...env, BENCH_PROBE_FILE: probeFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`);
  const { cpuMs } = JSON.parse(await readFile(probeFile, 'utf8'));
  return { wallMs, cpuMs };
}

const builds = [{ label: 'gonogo', bin: resolve(values.gonogo) }];
if (values.base) builds.push({ label: 'base', bin: resolve(values.base) });
for (const b of builds) if (!existsSync(b.bin)) throw new Error(`${b.bin} not found (npm run build first?)`);

function caseEnv(c) {
  // Each build fills its own cache directory (its fingerprint differs), so "warm" is warm for each.
  return (build) => ({
    ...(c.cache === 'warm' ? { GONOGO_CACHE_DIR: join(cacheDir, build.label) } : {}),
    ...c.env,
  });
}

console.log(
  `CLI start-up, ${RUNS} alternating runs per case, medians; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
);
// Warm each build's parse cache (and the file system cache) once before measuring.
for (const b of builds) {
  await measure([b.bin, 'lint', SEED_004], { GONOGO_CACHE_DIR: join(cacheDir, b.label) });
  await measure(['-e', '0']);
}

const results = {};
for (const c of CASES) {
  const envOf = caseEnv(c);
  const samples = { node: [], ...Object.fromEntries(builds.map((b) => [b.label, []])) };
  for (let i = 0; i < RUNS; i++) {
    // Alternate the order: node first on even rounds, last on odd ones.
    const order = [{ label: 'node' }, ...builds];
    if (i % 2) order.reverse();
    for (const b of order) {
      const r = b.label === 'node' ? await measure(['-e', '0']) : await measure([b.bin, ...c.args], envOf(b));
      samples[b.label].push(r);
    }
  }
  const summary = {};
  for (const [label, rs] of Object.entries(samples)) {
    summary[label] = { wallMs: median(rs.map((r) => r.wallMs)), cpuMs: median(rs.map((r) => r.cpuMs)) };
  }
  for (const b of builds) {
    summary[b.label].wallRatio = summary[b.label].wallMs / summary.node.wallMs;
    summary[b.label].cpuRatio = summary[b.label].cpuMs / summary.node.cpuMs;
  }
  results[c.name] = {
    args: c.args.map((a) => (a === SEED_004 ? 'seed 004' : a)),
    target: c.target,
    ...summary,
  };
}

const pad = (s, n) => String(s).padEnd(n);
const num = (x) => x.toFixed(0).padStart(5);
const ratio = (x) => `${x.toFixed(2)}×`.padStart(6);
const header = [
  'case'.padEnd(26),
  'node -e 0 wall/cpu',
  ...builds.map((b) => `${b.label} wall/cpu ms (ratio)`),
];
console.log(`\n${header.join(' | ')}  target`);
let missed = 0;
for (const [name, r] of Object.entries(results)) {
  const cells = builds.map(
    (b) =>
      `${num(r[b.label].wallMs)} ${ratio(r[b.label].wallRatio)} / ${num(r[b.label].cpuMs)} ${ratio(r[b.label].cpuRatio)}`,
  );
  const over = r.target !== undefined && r.gonogo.cpuRatio > r.target;
  if (over) missed++;
  console.log(
    `${pad(name, 26)} | ${num(r.node.wallMs)} / ${num(r.node.cpuMs)}      | ${cells.join(' | ')}  ${r.target ? `≤ ${r.target}× CPU${over ? ' MISSED' : ''}` : ''}`,
  );
}
const loadAtEnd = loadavg()[0];
console.log(
  `\nload average ${loadAtEnd.toFixed(1)} at the end${loadAtEnd > availableParallelism() ? ': the machine was busy, wall-clock ratios are pessimistic; CPU ratios are steadier' : ''}`,
);

const artifacts = join(ROOT, 'artifacts', 'bench');
await mkdir(artifacts, { recursive: true });
const file = join(artifacts, 'results.json');
const previous = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {};
previous.cliStartup = {
  at: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  builds: Object.fromEntries(builds.map((b) => [b.label, b.bin])),
  loadAverageAtEnd: loadAtEnd,
  cases: results,
};
await writeFile(file, `${JSON.stringify(previous, null, 2)}\n`);
console.log(`results: ${join('artifacts', 'bench', 'results.json')} (key cliStartup)`);
await rm(scratch, { recursive: true, force: true });
if (values.strict && missed > 0) process.exit(1);
