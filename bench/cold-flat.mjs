#!/usr/bin/env node
// Cold runs of a FLAT checklist (one heading, N HTTP items): `gonogo run` with the parse cache off, against
// the raw undici client doing the same requests (bench/raw-client.mjs), alternating, medians of CPU time
// (user + sys) and peak RSS of each process (bench/probe.mjs). Several builds can be compared A/B in one
// process tree: --roots /work/base,. (each a checkout with a built dist/).
//   node bench/cold-flat.mjs --items 5000 --rounds 3 --roots /work/base,.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gonogoRunArgs, measure as measureProcess } from './measure.mjs';

const BENCH = fileURLToPath(new URL('./', import.meta.url));
const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    roots: { type: 'string', default: '.' },
    concurrency: { type: 'string', default: '' },
  },
});
const ITEMS = Number(values.items);
const ROUNDS = Number(values.rounds);
const ROOTS = values.roots.split(',').map((r) => resolve(r));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A checklist of `n` HTTP items under one heading: one flat list. */
export function flatChecklist(n, port) {
  const lines = [
    '---',
    'id: bench-flat',
    'name: Bench flat checklist',
    'environments:',
    `  bench: { BASE_URL: "http://127.0.0.1:${port}" }`,
    '---',
    '# Bench',
    '',
  ];
  for (let i = 0; i < n; i++) {
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

/** measure.mjs's measure, its probe files in the scratch folder; `out` is what the process printed. */
const measure = async (args, env = {}) => {
  const r = await measureProcess(args, { scratch, env });
  return { ...r, out: r.stdout + r.stderr };
};

function startServer() {
  return new Promise((ok, ko) => {
    const child = spawn(process.execPath, [join(BENCH, 'server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', ko);
    child.stdout.once('data', (d) => ok({ child, port: Number(String(d).trim()) }));
  });
}

const scratch = await mkdtemp(join(tmpdir(), 'gonogo-cold-flat-'));
console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const server = await startServer();
try {
  const concurrency = values.concurrency
    ? Number(values.concurrency)
    : await import(join(ROOTS[0], 'dist', 'engine', 'limiter.js')).then((l) =>
        Math.min(l.DEFAULT_PER_HOST, l.DEFAULT_CONCURRENCY),
      );
  const file = join(scratch, 'flat.md');
  await writeFile(file, flatChecklist(ITEMS, server.port));
  const results = { raw: [] };
  for (const root of ROOTS) results[root] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = ['raw', ...ROOTS];
    if (round % 2) order.reverse();
    for (const which of order) {
      let r;
      if (which === 'raw') {
        r = await measure([
          join(BENCH, 'raw-client.mjs'),
          `http://127.0.0.1:${server.port}`,
          String(ITEMS),
          String(concurrency),
        ]);
      } else {
        const db = join(scratch, `r${round}-${Math.random().toString(36).slice(2)}.db`);
        r = await measure(gonogoRunArgs(which, file, db, `${db}.json`), {
          GONOGO_CACHE: 'off',
        });
        const report = existsSync(`${db}.json`)
          ? JSON.parse(await readFile(`${db}.json`, 'utf8'))
          : undefined;
        if (report?.summary.pass !== ITEMS)
          throw new Error(
            `${which}: exit ${r.code}, ${JSON.stringify(report?.summary)}\n${r.out.slice(0, 2000)}`,
          );
      }
      if (r.code !== 0) throw new Error(`${which}: exit ${r.code}\n${r.out.slice(0, 2000)}`);
      results[which].push(r);
      console.log(
        `  round ${round + 1} ${which === 'raw' ? 'raw' : which}: cpu ${r.cpuMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms, peak ${(r.peakRss / 2 ** 20).toFixed(0)} MB`,
      );
    }
  }
  const rawCpu = median(results.raw.map((r) => r.cpuMs));
  const rawWall = median(results.raw.map((r) => r.wallMs));
  console.log(
    `${ITEMS} flat items, cold, ${ROUNDS} rounds; raw: cpu ${rawCpu.toFixed(0)} ms, wall ${rawWall.toFixed(0)} ms, peak ${(Math.max(...results.raw.map((r) => r.peakRss)) / 2 ** 20).toFixed(0)} MB`,
  );
  for (const root of ROOTS) {
    const cpu = median(results[root].map((r) => r.cpuMs));
    const wall = median(results[root].map((r) => r.wallMs));
    const peak = median(results[root].map((r) => r.peakRss)) / 2 ** 20;
    console.log(
      `  ${root}: cpu ${cpu.toFixed(0)} ms = ${(cpu / rawCpu).toFixed(2)}x raw, wall ${wall.toFixed(0)} ms = ${(wall / rawWall).toFixed(2)}x raw, median peak ${peak.toFixed(0)} MB`,
    );
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at end`,
  );
} finally {
  server.child.kill();
  await rm(scratch, { recursive: true, force: true });
}
