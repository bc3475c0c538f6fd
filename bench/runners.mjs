#!/usr/bin/env node
// `node bench/runners.mjs` (after `npm run build`; needs PostgreSQL at 127.0.0.1:5432, user postgres):
// what the runner queue costs. The same N http checks against a local target (its own process), run by
// `gonogo run --db postgres://…` two ways, alternating, in a fresh database:
//   in-process: the checks run in the `gonogo run` process (per-host limit 8);
//   runners:    every check has `runner: bench`; `gonogo serve` hands the jobs to 2 `gonogo runner`s
//               (--concurrency 8 each) through pg-boss, and `gonogo run` judges their answers.
// Reports, as ratios runners / in-process (medians over rounds): wall time (1 / throughput), the
// `gonogo run` process's CPU time, and the median per-check duration (queue wait + claim + answer), plus
// the added latency per check in ms. Timing is never asserted anywhere; this is a report.
// Options: --items N (5000) --rounds N (2) --concurrency N (8, per runner)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const BIN = join(ROOT, 'bin', 'gonogo');
const PROBE = join(BENCH, 'probe.mjs');
const ADMIN = 'postgres://postgres@127.0.0.1:5432/test';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '8' },
  },
});
const ITEMS = Number(values.items);
const ROUNDS = Number(values.rounds);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function spawnNode(args, env, cwd) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise((r) => child.once('exit', r));
  return { child, output: () => out, exited };
}

async function until(ok, what, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function checklist(port, runner) {
  const lines = ['# Bench', ''];
  for (let i = 0; i < ITEMS; i++) {
    if (i % 50 === 0) lines.push(`## Part ${i / 50}`);
    lines.push(
      `- [ ] Endpoint ${i}`,
      '  ```check',
      `  http: http://127.0.0.1:${port}/item/${i}`,
      '  timeout: 300s',
    );
    if (runner) lines.push('  runner: bench');
    lines.push('  ```');
  }
  return `${lines.join('\n')}\n`;
}

async function runOnce(dir, file, db) {
  const probeFile = join(dir, `probe-${randomBytes(4).toString('hex')}.json`);
  const started = performance.now();
  const p = spawnNode(
    ['--import', PROBE, BIN, 'run', file, '--format', 'json'],
    { GONOGO_DB: db, BENCH_PROBE_FILE: probeFile },
    dir,
  );
  const code = await p.exited;
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`gonogo run ${file} exited ${code}: ${p.output().slice(-2000)}`);
  const report = JSON.parse(p.output().slice(p.output().indexOf('{')));
  const passed = report.items.filter((i) => i.status === 'pass').length;
  if (passed !== ITEMS) throw new Error(`${file}: ${passed}/${ITEMS} passed`);
  const probe = existsSync(probeFile) ? JSON.parse(await readFile(probeFile, 'utf8')) : { cpuMs: Number.NaN };
  return { wallMs, cpuMs: probe.cpuMs, itemMs: median(report.items.map((i) => i.durationMs)) };
}

async function main() {
  if (!existsSync(join(ROOT, 'dist'))) throw new Error('run `npm run build` first');
  const name = `gonogo_bench_runners_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const db = `postgres://postgres@127.0.0.1:5432/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-bench-runners-'));
  const procs = [];
  try {
    const target = spawnNode([join(BENCH, 'server.mjs')], {}, dir);
    procs.push(target);
    await until(() => /^\d+/.test(target.output()), 'target');
    const port = Number(target.output().trim().split('\n')[0]);
    await writeFile(join(dir, 'inproc.md'), checklist(port, false));
    await writeFile(join(dir, 'queued.md'), checklist(port, true));
    const serve = spawnNode([BIN, 'serve', '--checklists', '.', '--port', '0'], { GONOGO_DB: db }, dir);
    procs.push(serve);
    await until(() => /on (http:\/\/\S+) /.test(serve.output()), 'gonogo serve');
    const url = /on (http:\/\/\S+) /.exec(serve.output())[1];
    const token = await new Promise((resolve, reject) => {
      const t = spawnNode(
        [BIN, 'token', 'create', '--name', 'bench', '--role', 'runner', '--labels', 'bench'],
        { GONOGO_DB: db },
        dir,
      );
      t.exited.then((code) =>
        code === 0 ? resolve(t.output().split('\n')[0].trim()) : reject(new Error(t.output())),
      );
    });
    for (const n of [1, 2]) {
      const r = spawnNode(
        [
          BIN,
          'runner',
          '--token',
          token,
          '--server',
          url,
          '--labels',
          'bench',
          '--concurrency',
          values.concurrency,
          '--name',
          `bench-${n}`,
        ],
        {},
        dir,
      );
      procs.push(r);
      await until(() => r.output().includes('taking jobs'), `runner ${n}`);
    }
    const a = [];
    const b = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so a drift in load hits both alike.
      const order = round % 2 === 0 ? ['in', 'q'] : ['q', 'in'];
      for (const which of order) {
        const r = await runOnce(dir, which === 'in' ? 'inproc.md' : 'queued.md', db);
        (which === 'in' ? a : b).push(r);
        console.log(
          `round ${round + 1} ${which === 'in' ? 'in-process' : 'runners   '}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (gonogo run), median check ${r.itemMs} ms`,
        );
      }
    }
    const m = (xs, k) => median(xs.map((x) => x[k]));
    const wallIn = m(a, 'wallMs');
    const wallQ = m(b, 'wallMs');
    console.log(
      `\n${ITEMS} http checks, ${ROUNDS} rounds, 2 runners × concurrency ${values.concurrency}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `throughput: in-process ${((ITEMS / wallIn) * 1000).toFixed(0)}/s, runners ${((ITEMS / wallQ) * 1000).toFixed(0)}/s; wall ratio runners/in-process ${(wallQ / wallIn).toFixed(2)}x`,
    );
    console.log(`gonogo run CPU ratio runners/in-process: ${(m(b, 'cpuMs') / m(a, 'cpuMs')).toFixed(2)}x`);
    console.log(
      `median per-check duration: in-process ${m(a, 'itemMs')} ms, runners ${m(b, 'itemMs')} ms (ratio ${(m(b, 'itemMs') / Math.max(m(a, 'itemMs'), 1)).toFixed(1)}x, added ${(m(b, 'itemMs') - m(a, 'itemMs')).toFixed(0)} ms per check, queue wait included)`,
    );
  } finally {
    for (const p of procs.reverse()) {
      p.child.kill('SIGTERM');
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
