#!/usr/bin/env node
// `npm run bench`: how much gonogo costs over doing the work by hand, measured in the same run.
//  (a) a generated 5,000-item HTTP checklist against a local server (in its own process): the whole
//      `gonogo run` process (start-up, parse, checks, store in a fresh SQLite file, report) against a raw
//      undici client doing the same requests with the same concurrency. Target: <= 1.5x, peak RSS < 200 MB.
//      Reported apart: the first, cold run (Markdown parsed) and warm runs (parse cache hit).
//  (b) start-up: `gonogo lint` on seed 004 against `node -e 0`, median of N runs. Target: <= 4x.
// Options: --items N (5000) --rounds N (3) --startup-runs N (15) --concurrency N --strict (exit 1 over target)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const BIN = join(ROOT, 'bin', 'gonogo');
const PROBE = join(BENCH, 'probe.mjs');
const SEED_004 = join(BENCH, 'fixtures', '004-production-checklist.md');

const TARGETS = { runRatio: 1.5, peakRssMb: 200, startupRatio: 4 };

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    'startup-runs': { type: 'string', default: '15' },
    concurrency: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});
const ITEMS = Number(values.items);
const ROUNDS = Number(values.rounds);
const STARTUP_RUNS = Number(values['startup-runs']);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * Run a Node process to completion; returns wall time (spawn to exit), its CPU time and peak RSS (from
 * the probe preloaded into it), exit code and output.
 */
async function measure(args, { env = {} } = {}) {
  const probeFile = join(scratch, `probe-${Math.random().toString(36).slice(2)}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env, BENCH_PROBE_FILE: probeFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  const wallMs = performance.now() - started;
  const probe = existsSync(probeFile)
    ? JSON.parse(await readFile(probeFile, 'utf8'))
    : { peakRss: Number.NaN, cpuMs: Number.NaN };
  return { wallMs, ...probe, code, stdout, stderr };
}

/** Start the bench server in its own process and wait for the port it prints. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(BENCH, 'server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', reject);
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
  });
}

/** A checklist of `n` HTTP items in sections of 50, every one bound to its own URL on the server. */
function checklist(n, port) {
  const lines = [
    '---',
    'id: bench-http',
    'name: Bench HTTP checklist',
    'environments:',
    `  bench: { BASE_URL: "http://127.0.0.1:${port}" }`,
    '---',
    '# Bench',
  ];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) lines.push('', `## Section ${i / 50 + 1}`);
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

/** The concurrency gonogo uses per host, so the baseline gets the same (a fair comparison). */
async function gonogoConcurrency() {
  if (values.concurrency) return Number(values.concurrency);
  // All 5,000 items hit one host, so the per-host bound is the one in force.
  const limiter = await import(join(ROOT, 'dist', 'engine', 'limiter.js'));
  return Math.min(limiter.DEFAULT_PER_HOST, limiter.DEFAULT_CONCURRENCY);
}

if (!existsSync(join(ROOT, 'dist', 'app', 'main.js'))) {
  console.error('The CLI is not built: run `npm run build` first.');
  process.exit(2);
}

const scratch = await mkdtemp(join(tmpdir(), 'gonogo-bench-'));
// Wall-clock ratios mean little on a machine busy with other work: say how busy it was.
const load = () => loadavg()[0].toFixed(1);
console.log(`machine: ${availableParallelism()} cores, load average ${load()} at start`);
const results = { at: new Date().toISOString(), node: process.version, items: ITEMS };
const verdicts = [];
try {
  // (a) 5,000 HTTP checks
  const server = await startServer();
  try {
    const concurrency = await gonogoConcurrency();
    const file = join(scratch, 'bench-http.md');
    await writeFile(file, checklist(ITEMS, server.port));
    console.log(
      `(a) ${ITEMS} HTTP checks against a local server, concurrency ${concurrency}, ${ROUNDS} rounds`,
    );
    // gonogo caches parsed checklists by content (src/app/load-checklist.ts). The first run of a file is
    // "cold" (Markdown parsed), later runs are "warm" (parse cache hit), as in CI re-running a gate. Both
    // are measured, each against a raw run of its own, and reported apart; the cache lives in the scratch
    // directory so the user's cache is neither used nor touched.
    const cacheDir = join(scratch, 'parse-cache');
    const runGonogo = async (name) => {
      const db = join(scratch, `${name}.db`);
      const out = join(scratch, `${name}.json`);
      const r = await measure(
        [BIN, 'run', file, '--env', 'bench', '--db', db, '--format', 'json', '--out', out],
        { env: { GONOGO_CACHE_DIR: cacheDir } },
      );
      if (r.code !== 0)
        throw new Error(`gonogo run exited ${r.code} (expected 0, GO):\n${r.stdout}${r.stderr}`);
      const report = JSON.parse(await readFile(out, 'utf8'));
      if (report.summary.pass !== ITEMS) {
        throw new Error(
          `gonogo passed ${report.summary.pass} of ${ITEMS} items: ${JSON.stringify(report.summary)}`,
        );
      }
      return r;
    };
    const runRaw = async () => {
      const r = await measure([
        join(BENCH, 'raw-client.mjs'),
        `http://127.0.0.1:${server.port}`,
        String(ITEMS),
        String(concurrency),
      ]);
      if (r.code !== 0) throw new Error(`raw client failed: ${r.stderr}`);
      return r;
    };

    const coldRaw = await runRaw();
    const cold = await runGonogo('cold');
    console.log(
      `    cold (Markdown parsed): gonogo ${ms(cold.wallMs)} (cpu ${ms(cold.cpuMs)}, ${mb(cold.peakRss)}), raw undici ${ms(coldRaw.wallMs)} (cpu ${ms(coldRaw.cpuMs)})`,
    );
    const gonogo = [];
    const raw = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first so a warm-up effect (caches, CPU clock) favours neither.
      const order = round % 2 ? ['gonogo', 'raw'] : ['raw', 'gonogo'];
      for (const which of order) {
        if (which === 'raw') raw.push(await runRaw());
        else gonogo.push(await runGonogo(`round-${round}`));
      }
      const [gl, rl] = [gonogo.at(-1), raw.at(-1)];
      console.log(
        `    warm round ${round}: gonogo ${ms(gl.wallMs)} (cpu ${ms(gl.cpuMs)}), raw undici ${ms(rl.wallMs)} (cpu ${ms(rl.cpuMs)})`,
      );
    }
    const g = median(gonogo.map((r) => r.wallMs));
    const r = median(raw.map((x) => x.wallMs));
    const rss = Math.max(...gonogo.map((x) => x.peakRss));
    const ratio = g / r;
    const cpuRatio = median(gonogo.map((x) => x.cpuMs)) / median(raw.map((x) => x.cpuMs));
    const coldRatio = cold.wallMs / coldRaw.wallMs;
    results.http = {
      concurrency,
      gonogoMs: g,
      rawMs: r,
      ratio,
      gonogoCpuMs: median(gonogo.map((x) => x.cpuMs)),
      rawCpuMs: median(raw.map((x) => x.cpuMs)),
      cpuRatio,
      gonogoPeakRss: rss,
      rawPeakRss: Math.max(...raw.map((x) => x.peakRss)),
      cold: {
        gonogoMs: cold.wallMs,
        rawMs: coldRaw.wallMs,
        ratio: coldRatio,
        gonogoCpuMs: cold.cpuMs,
        rawCpuMs: coldRaw.cpuMs,
        cpuRatio: cold.cpuMs / coldRaw.cpuMs,
        gonogoPeakRss: cold.peakRss,
      },
    };
    console.log(`    warm, median whole-process time: gonogo ${ms(g)} vs raw undici ${ms(r)}`);
    console.log(
      `    warm ratio ${ratio.toFixed(2)}x (target <= ${TARGETS.runRatio}x); CPU time ratio ${cpuRatio.toFixed(2)}x`,
    );
    console.log(
      `    warm peak RSS: gonogo ${mb(rss)} (target < ${TARGETS.peakRssMb} MB), raw undici ${mb(results.http.rawPeakRss)}`,
    );
    console.log(
      `    cold ratio ${coldRatio.toFixed(2)}x (CPU ${(cold.cpuMs / coldRaw.cpuMs).toFixed(2)}x), peak RSS ${mb(cold.peakRss)}: the first run of a file also parses its Markdown`,
    );
    verdicts.push(
      ['run ratio (warm)', ratio <= TARGETS.runRatio],
      ['peak RSS (warm)', rss < TARGETS.peakRssMb * 1024 * 1024],
      ['run ratio (cold)', coldRatio <= TARGETS.runRatio],
      ['peak RSS (cold)', cold.peakRss < TARGETS.peakRssMb * 1024 * 1024],
    );
  } finally {
    server.child.kill('SIGTERM');
  }

  // (b) start-up
  console.log(`\n(b) start-up: gonogo lint on seed 004 vs node -e 0, median of ${STARTUP_RUNS} runs each`);
  const lint = [];
  const bare = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    // The first run parses seed 004 and fills the parse cache; the median is of warm runs.
    const l = await measure([BIN, 'lint', SEED_004], {
      env: { GONOGO_CACHE_DIR: join(scratch, 'parse-cache') },
    });
    if (l.code !== 0) throw new Error(`gonogo lint exited ${l.code}:\n${l.stderr}`);
    lint.push(l);
    bare.push(await measure(['-e', '0']));
  }
  const lm = median(lint.map((x) => x.wallMs));
  const bm = median(bare.map((x) => x.wallMs));
  const lintCpu = median(lint.map((x) => x.cpuMs));
  const bareCpu = median(bare.map((x) => x.cpuMs));
  results.startup = {
    lintMs: lm,
    nodeMs: bm,
    ratio: lm / bm,
    lintCpuMs: lintCpu,
    nodeCpuMs: bareCpu,
    cpuRatio: lintCpu / bareCpu,
  };
  console.log(
    `    median: gonogo lint ${ms(lm)} (cpu ${ms(lintCpu)}) vs node -e 0 ${ms(bm)} (cpu ${ms(bareCpu)})`,
  );
  console.log(
    `    ratio ${(lm / bm).toFixed(2)}x (target <= ${TARGETS.startupRatio}x); CPU time ratio ${(lintCpu / bareCpu).toFixed(2)}x`,
  );
  verdicts.push(['start-up ratio', lm / bm <= TARGETS.startupRatio]);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

results.loadAverageAtEnd = loadavg()[0];
console.log(
  `\nload average ${load()} at the end${loadavg()[0] > availableParallelism() ? ': the machine was busy, wall-clock ratios are pessimistic; CPU ratios are steadier' : ''}`,
);
const artifacts = join(ROOT, 'artifacts', 'bench');
await mkdir(artifacts, { recursive: true });
await writeFile(
  join(artifacts, 'results.json'),
  `${JSON.stringify({ ...results, targets: TARGETS }, null, 2)}\n`,
);
console.log(
  `\n${verdicts.map(([name, ok]) => `${name}: ${ok ? 'within target' : 'OVER TARGET'}`).join(' · ')}`,
);
console.log(`results: ${join('artifacts', 'bench', 'results.json')}`);
if (values.strict && verdicts.some(([, ok]) => !ok)) process.exit(1);
