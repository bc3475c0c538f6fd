// Shared by the benches: one timed Node process (run.mjs, audit.mjs, cold-flat.mjs) and rounds that
// alternate the order of the contestants (scheduler.mjs, kuma.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

/**
 * The arguments of `node` for one `gonogo run` of a bench checklist by the build in `root`: environment
 * `bench`, the store `db`, the JSON report written to `out`.
 */
export const gonogoRunArgs = (root, file, db, out) => [
  join(root, 'bin', 'gonogo'),
  'run',
  file,
  '--env',
  'bench',
  '--db',
  db,
  '--format',
  'json',
  '--out',
  out,
];

/**
 * Run a Node process (`node ...args`) to completion; returns wall time (spawn to exit), its CPU time and
 * peak RSS (from probe.mjs, preloaded into it; its file goes in `scratch`), exit code and output.
 * @example const m = await measure([join(root, 'bin', 'gonogo'), 'lint', file], { scratch });
 */
export async function measure(args, { scratch, env = {}, cwd } = {}) {
  const probeFile = join(scratch, `probe-${Math.random().toString(36).slice(2)}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, ...args], {
    ...(cwd ? { cwd } : {}),
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
  const code = await new Promise((res, rej) => {
    child.once('error', rej);
    child.once('close', (c) => res(c));
  });
  const wallMs = performance.now() - started;
  const probe = existsSync(probeFile)
    ? JSON.parse(await readFile(probeFile, 'utf8'))
    : { peakRss: Number.NaN, cpuMs: Number.NaN };
  await rm(probeFile, { force: true });
  return { wallMs, ...probe, code, stdout, stderr };
}

/**
 * `rounds` rounds over `contestants`, the order rotated by one each round; `measureOne(name, round)`
 * measures one. Returns each contestant's results, in round order.
 * @example const got = await alternatingRounds(['raw', 'gonogo'], 3, (name) => measureWatch(spec(name)));
 */
export async function alternatingRounds(contestants, rounds, measureOne) {
  const got = Object.fromEntries(contestants.map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    const order = contestants.map((_, i) => contestants[(i + round) % contestants.length]);
    for (const name of order) got[name].push(await measureOne(name, round));
  }
  return got;
}
