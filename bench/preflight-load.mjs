/**
 * One case of bench/preflight.mjs: CLIENTS concurrent clients (an undici Pool, one request at a time per
 * connection) against one server for a while, and the figures of it (`load`), and how a case reads in a
 * row (`row`). BENCH_CLIENTS, BENCH_WARMUP_MS, BENCH_LOOP and BENCH_PROF_DIR as in preflight.mjs.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { beside } from './preflight-rounds.mjs';
import { machineBusyMs, ownCpuMs } from './rounds.mjs';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const TIMEOUT_MS = 10_000;
const LOOP = Boolean(process.env.BENCH_LOOP);
// The first moments of a case (200 connections opening at once) are left out of every case's figures.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);

export const cpuOf = (s) => ask(s, 'cpu').then((m) => m.cpuMs);

export const ask = (s, message) =>
  new Promise((resolve) => {
    s.proc.once('message', resolve);
    s.proc.send(message);
  });

/**
 * CLIENTS loops, each sending one request at a time for WARMUP_MS + `seconds`; latencies in ms, rates and
 * CPU over the `seconds` after the warm-up; what ran beside (preflight-rounds.mjs `beside`).
 */
export async function load(server, path, headers, name, seconds) {
  const profile = process.env.BENCH_PROF_DIR && (server.kind === 'gonogo' || server.kind === 'base');
  if (profile) await ask(server, { profile: 'start' });
  const pool = new Pool(server.url, {
    connections: CLIENTS,
    pipelining: 1,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  const latencies = [];
  let errors = 0;
  let timeouts = 0;
  let warmupLeft = 0;
  const errorCodes = new Set();
  // Figures count from the end of the warm-up (requests started in it are left out, their errors are
  // not): the same for every case. CPU is read at the end of the warm-up.
  const measuredFrom = performance.now() + WARMUP_MS;
  const end = measuredFrom + seconds * 1000;
  const load1 = loadavg()[0];
  let cpu0;
  let from;
  const warmup = new Promise((r) => setTimeout(r, WARMUP_MS)).then(async () => {
    cpu0 = await cpuOf(server);
    from = { client: ownCpuMs(), machine: machineBusyMs() };
    if (LOOP) await ask(server, 'loop start');
  });
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const res = await pool.request({ path, method: 'GET', headers });
          await res.body.arrayBuffer();
          if (res.statusCode !== 200) {
            errors += 1;
            errorCodes.add(`HTTP ${res.statusCode}`);
          } else if (t < measuredFrom) warmupLeft += 1;
          else latencies.push(performance.now() - t);
        } catch (err) {
          // undici: UND_ERR_HEADERS_TIMEOUT / UND_ERR_BODY_TIMEOUT; anything else is an error.
          if (/timeout/i.test(`${err?.code} ${err?.name}`)) timeouts += 1;
          else {
            errors += 1;
            errorCodes.add(err?.code ?? err?.name ?? String(err));
          }
        }
      }
    }),
  );
  await warmup;
  const elapsed = (performance.now() - measuredFrom) / 1000;
  const cpu1 = await cpuOf(server);
  const to = { client: ownCpuMs(), machine: machineBusyMs() };
  const loop = LOOP ? (await ask(server, 'loop stop')).loop : undefined;
  await pool.close();
  if (profile) {
    const file = join(process.env.BENCH_PROF_DIR, `${name.replace(/ /g, '-')}.cpuprofile`);
    await ask(server, { profile: 'stop', file });
  }
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    n: latencies.length,
    warmup: warmupLeft,
    errors,
    timeouts,
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    cpuMsPerReq: (cpu1 - cpu0) / Math.max(1, latencies.length + errors),
    load: load1,
    ...beside(from, to, cpu1 - cpu0, latencies.length + errors, elapsed * 1000),
    ...(errorCodes.size ? { errorCodes: [...errorCodes] } : {}),
    ...(loop ? { loop } : {}),
  };
}

export function row(r) {
  return `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  CPU ${(r.cpuMsPerReq ?? Number.NaN).toFixed(3)} ms/req  ${r.errors ? `${r.errors} errors ` : ''}${r.timeouts ? `${r.timeouts} timeouts ` : ''}${r.errorCodes ? r.errorCodes.join(',') : ''}`;
}
