#!/usr/bin/env node
/**
 * Load test of the server, 200 concurrent clients (undici Pool, one request at a time per client):
 *  - preflight (`GET /api/v1/checklists/launch/preflight`, answered from a fresh stored run) against
 *    `gonogo serve` as in production: the real JSON logger writing to a file (the child's stderr), rate
 *    limiting on (a limit too high to refuse, so the limiter's cost is in and no request is refused),
 *    the whole middleware stack; against, in the same run, a bare Hono app on @hono/node-server and a
 *    bare node:http server answering the same JSON;
 *  - the dashboard overview (`GET /`) and the checklist page of seed 004 (140 items), logged in with a
 *    session cookie; their p99 is compared with the preflight's.
 * With BENCH_BASE=/path/to/other/worktree (its dist/ built), the same cases run against that build too
 * (before/after). Each server runs in its own child process; the client runs here. Rounds alternate
 * the order of the servers; figures are medians over rounds. CPU time per request is the server
 * process's own user+system time over the requests it answered (steadier than req/s on a busy machine).
 *
 * The first BENCH_WARMUP_MS (1000) of every case are a warm-up left out of its figures (200 connections
 * opening at once on a shared CPU): requests started in it count in no latency, rate or CPU figure;
 * their errors and timeouts do count.
 *
 * Usage: npm run build && node bench/preflight.mjs
 *   BENCH_CLIENTS (200), BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_WARMUP_MS (1000), BENCH_BASE,
 *   BENCH_ONLY=preflight|dashboard, BENCH_PAGE_ENCODING (the pages' Accept-Encoding, a browser's by default; identity: none),
 *   BENCH_FLAGS=both|none|this (bench/server-flags.mjs: both, the default: every server, gonogo's, base's, bare
 *   Hono and node:http, under this build's SERVER_NODE_FLAGS, the flags `gonogo serve` starts node with;
 *   none: all under V8's defaults; this: base's gonogo without them, as base's `gonogo serve` ran),
 *   BENCH_IDLE_S (0; 10 is a real server's case: every server idles that long after its set-up requests,
 *   before the rounds, as a server that is started, answers a few requests, then waits; V8's memory
 *   reducer acts after ~8 s idle),
 *   BENCH_NODE_FLAGS (more node flags for this build's server process only: a flag's A/B against BENCH_BASE),
 *   BENCH_LOOP=1 (each server's event-loop blocks, GC pauses and log writes per case: bench/loop-watch.mjs)
 * Results are merged into artifacts/bench/results.json under "server" (other keys are kept).
 */
import { fork } from 'node:child_process';
import { openSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Pool, request } from 'undici';
import { flagsByMode, shownFlags } from './server-flags.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASE = process.env.BENCH_BASE;
const ONLY = process.env.BENCH_ONLY;
const TIMEOUT_MS = 10_000;
// BENCH_LOOP=1: each server's event-loop blocks, GC pauses and log writes per case (bench/loop-watch.mjs).
const LOOP = Boolean(process.env.BENCH_LOOP);
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const FLAGS_MODE = process.env.BENCH_FLAGS ?? 'both';
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 0);
// The first moments of a case (200 connections opening at once) are left out of every case's figures.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const TARGETS = { preflightRps: 0.6, preflightP99: 2, dashboardP99: 5 };
const PREFLIGHT = '/api/v1/checklists/launch/preflight?env=production';
// What a browser sends with a page request (Chromium's value); BENCH_PAGE_ENCODING=identity for none.
const PAGE_ENCODING = process.env.BENCH_PAGE_ENCODING ?? 'gzip, deflate, br, zstd';

/** Child process: start one server, report its URL, and answer CPU-time questions. */
async function child(kind) {
  const msg = await new Promise((r) => process.once('message', r));
  // A child never outlives the bench.
  process.on('disconnect', () => process.exit(0));
  let profiler;
  const loop = process.env.BENCH_LOOP ? (await import('./loop-watch.mjs')).watchLoop() : undefined;
  process.on('message', async (m) => {
    if (m === 'loop start') {
      loop?.start();
      process.send({ loop: true });
    } else if (m === 'loop stop') {
      process.send({ loop: loop?.stop() });
    } else if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send({ cpuMs: (u.user + u.system) / 1000 });
    } else if (m?.profile === 'start') {
      // BENCH_PROF_DIR: a CPU profile of each measured case, taken inside the server process.
      const { Session } = await import('node:inspector/promises');
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      process.send({ profiling: true });
    } else if (m?.profile === 'stop') {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(m.file, JSON.stringify(profile));
      profiler.disconnect();
      process.send({ profiled: m.file });
    }
  });
  if (kind === 'node') {
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(msg.body),
      });
      res.end(msg.body);
    });
    server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
    return;
  }
  if (kind === 'hono') {
    const { Hono } = await import('hono');
    const { serve } = await import('@hono/node-server');
    const json = JSON.parse(msg.body);
    const app = new Hono();
    app.get('/api/v1/checklists/:id/preflight', (c) => c.json(json));
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      process.send({ url: `http://127.0.0.1:${info.port}` }),
    );
    void s;
    return;
  }
  // gonogo, from this checkout or from BENCH_BASE: as `gonogo serve` runs it, logging to stderr.
  const root = kind === 'base' ? BASE : ROOT;
  const { startServer } = await import(join(root, 'dist/app/serve.js'));
  const { loadRegistry } = await import(join(root, 'dist/checks/registry.js'));
  const { openStore } = await import(join(root, 'dist/store/index.js'));
  const store = await openStore(join(msg.dir, 'gonogo.db'));
  const running = await startServer(
    {
      checklists: msg.dir,
      host: '127.0.0.1',
      port: 0,
      // Limits on, high enough never to refuse: the cost of counting is measured, not of refusing.
      config: { requestsPerMinute: 1_000_000_000 },
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: process.env, cwd: msg.dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  process.on('SIGTERM', async () => {
    await running.close();
    process.exit(0);
  });
  process.send({ url: running.url });
}

/** Each server's node flags (BENCH_FLAGS; BENCH_NODE_FLAGS added to this build's). */
let slotFlags = { gonogo: [], compare: [], floor: [] };
const flagsOf = (kind) =>
  kind === 'gonogo'
    ? [...slotFlags.gonogo, ...NODE_FLAGS]
    : kind === 'base'
      ? slotFlags.compare
      : slotFlags.floor;

function startChild(kind, message, logFile) {
  const err = logFile ? openSync(logFile, 'a') : 'inherit';
  const flags = flagsOf(kind);
  const proc = fork(fileURLToPath(import.meta.url), ['--child', kind], {
    stdio: ['ignore', 'inherit', err, 'ipc'],
    ...(flags.length ? { execArgv: flags } : {}),
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ kind, proc, url: m.url, flags }));
    proc.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    proc.send(message);
  });
}

const cpuOf = (s) => ask(s, 'cpu').then((m) => m.cpuMs);

const ask = (s, message) =>
  new Promise((resolve) => {
    s.proc.once('message', resolve);
    s.proc.send(message);
  });

/** CLIENTS loops, each sending one request at a time for SECONDS; latencies in ms. */
async function load(server, path, headers, name) {
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
  const end = measuredFrom + SECONDS * 1000;
  let cpu0;
  const warmup = new Promise((r) => setTimeout(r, WARMUP_MS)).then(async () => {
    cpu0 = await cpuOf(server);
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
    ...(errorCodes.size ? { errorCodes: [...errorCodes] } : {}),
    ...(loop ? { loop } : {}),
  };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function login(server, token) {
  const res = await request(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ token }).toString(),
  });
  await res.body.text();
  if (res.statusCode !== 303) throw new Error(`login answered ${res.statusCode}`);
  const cookie = [res.headers['set-cookie']].flat()[0];
  return { cookie: cookie.split(';')[0], 'accept-encoding': PAGE_ENCODING };
}

async function main() {
  slotFlags = await flagsByMode(ROOT, FLAGS_MODE);
  const { formatLoop } = LOOP ? await import('./loop-watch.mjs') : {};
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-bench-'));
  const target = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"db":"ok"}');
  });
  await new Promise((r) => target.listen(0, '127.0.0.1', r));
  const targetUrl = `http://127.0.0.1:${target.address().port}`;
  const checklists = join(dir, 'checklists');
  await mkdir(checklists);
  await writeFile(
    join(checklists, 'launch.md'),
    `---
id: launch
environments:
  production: { BASE_URL: "${targetUrl}" }
policy:
  signoffs: [engineering, security]
---
# Launch
## Operations
- [ ] Health endpoint answers
  \`\`\`check
  http: \${BASE_URL}/health
  expect: ['status == 200', 'body.db == "ok"']
  \`\`\`
- [ ] Backups restored in a drill
- [ ] RTO: ______
- [ ] On-call rota published
## Sign-Off
- [ ] Engineering Lead: ____ Date: ____
- [ ] Security Lead: ____ Date: ____
`,
  );
  await copyFile(join(ROOT, 'bench/fixtures/004-production-checklist.md'), join(checklists, 'production.md'));
  const token = 'gng_bench_token_not_secret';
  const stores = {};
  for (const [kind, root] of [['gonogo', ROOT], ...(BASE ? [['base', BASE]] : [])]) {
    // Each build gets its own store (a build's migrations may differ), with the same token.
    const d = join(dir, kind);
    await mkdir(d);
    for (const f of ['launch.md', 'production.md']) await copyFile(join(checklists, f), join(d, f));
    const { openStore } = await import(join(root, 'dist/store/index.js'));
    const { hashToken } = await import(join(root, 'dist/server/index.js'));
    const setup = await openStore(join(d, 'gonogo.db'));
    await setup.createToken(
      { name: 'bench', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
      'bench',
    );
    await setup.close();
    stores[kind] = d;
  }

  const logs = join(dir, 'logs');
  await mkdir(logs);
  const servers = [];
  const gonogos = [];
  for (const kind of Object.keys(stores)) {
    const s = await startChild(kind, { dir: stores[kind] }, join(logs, `${kind}.log`));
    // The first preflight runs the checks; the rest answer from the stored run (max_age 5m).
    const first = await request(`${s.url}${PREFLIGHT}`, { headers: { authorization: `Bearer ${token}` } });
    s.body = await first.body.text();
    if (first.statusCode !== 200)
      throw new Error(`${kind} preflight answered ${first.statusCode}: ${s.body}`);
    const list = await request(`${s.url}/api/v1/checklists`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const ids = JSON.parse(await list.body.text());
    s.page = `/checklists/${(ids.checklists ?? ids).map((c) => c.id).find((id) => id !== 'launch')}?env=default`;
    s.session = await login(s, token);
    gonogos.push(s);
    servers.push(s);
  }
  const body = gonogos[0].body;
  if (ONLY !== 'dashboard') {
    servers.push(await startChild('hono', { body }));
    servers.push(await startChild('node', { body }));
  }
  // The checklist page answers 200 with its default environment; find its name once.
  for (const s of gonogos) {
    const probe = await request(`${s.url}${s.page}`, { headers: s.session });
    await probe.body.text();
    if (probe.statusCode !== 200) s.page = s.page.replace('?env=default', '');
    const again = await request(`${s.url}${s.page}`, { headers: s.session });
    const body = Buffer.from(await again.body.arrayBuffer());
    if (again.statusCode !== 200) throw new Error(`${s.kind} checklist page answered ${again.statusCode}`);
    // A compressed page must be the same page: inflated, as long as the uncompressed one.
    const gzip = again.headers['content-encoding'] === 'gzip';
    const plain = await request(`${s.url}${s.page}`, { headers: { cookie: s.session.cookie } });
    const plainBytes = (await plain.body.arrayBuffer()).byteLength;
    const html = gzip ? gunzipSync(body) : body;
    if (html.length !== plainBytes)
      throw new Error(`${s.kind} checklist page: ${html.length} bytes, not ${plainBytes}`);
    s.pageBytes = `${html.length}${gzip ? ` (${body.length} gzip)` : ''}`;
  }

  const cases = [];
  for (const s of servers) {
    if (ONLY !== 'dashboard') {
      const path = s.kind === 'node' || s.kind === 'hono' ? PREFLIGHT : PREFLIGHT;
      const headers = gonogos.includes(s) ? { authorization: `Bearer ${token}` } : {};
      cases.push({ name: `preflight ${s.kind}`, server: s, path, headers, rounds: [] });
    }
    if (ONLY !== 'preflight' && gonogos.includes(s)) {
      cases.push({ name: `overview ${s.kind}`, server: s, path: '/', headers: s.session, rounds: [] });
      cases.push({
        name: `checklist page ${s.kind}`,
        server: s,
        path: s.page,
        headers: s.session,
        rounds: [],
      });
    }
  }
  if (IDLE_S > 0) {
    // As a real server: started, a few requests answered, then idle for a while before the load.
    console.log(`every server idles ${IDLE_S}s after its set-up requests`);
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  }
  for (const s of servers) console.log(`node flags of ${s.kind.padEnd(6)} ${shownFlags(s.flags)}`);
  console.log(
    `server: ${CLIENTS} concurrent clients, ${SECONDS}s per case, ${ROUNDS} rounds (alternating order); preflight ${Buffer.byteLength(body)} bytes, checklist page ${gonogos.map((g) => g.pageBytes).join(' / ')} bytes (Accept-Encoding: ${PAGE_ENCODING}); load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      const r = await load(c.server, c.path, c.headers, c.name);
      c.rounds.push(r);
      console.log(`  round ${round + 1} ${c.name.padEnd(24)} ${row(r)}`);
      if (r.loop) console.log(`    ${formatLoop(r.loop)}`);
    }
  }
  const summary = {};
  for (const c of cases) {
    const rs = c.rounds;
    summary[c.name] = {
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuMsPerReq: median(rs.map((r) => r.cpuMsPerReq)),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      timeouts: rs.reduce((a, r) => a + r.timeouts, 0),
      n: rs.reduce((a, r) => a + r.n, 0),
    };
  }
  console.log('\nmedians:');
  for (const [name, r] of Object.entries(summary)) console.log(`  ${name.padEnd(24)} ${row(r)}`);

  const ratios = {};
  const verdicts = [];
  const ratioLine = (label, value, target, cmp) => {
    ratios[label] = value;
    const ok = cmp === '>=' ? value >= target : value <= target;
    if (target !== undefined) verdicts.push([label, ok]);
    console.log(
      `  ${label.padEnd(44)} ${value.toFixed(2)}x${target !== undefined ? `  (target ${cmp} ${target}x: ${ok ? 'ok' : 'MISSED'})` : ''}`,
    );
  };
  console.log('\nratios:');
  for (const g of gonogos.map((s) => s.kind)) {
    const pf = summary[`preflight ${g}`];
    const hono = summary['preflight hono'];
    const node = summary['preflight node'];
    if (pf && hono) {
      ratioLine(`${g} preflight / hono req/s`, pf.rps / hono.rps, TARGETS.preflightRps, '>=');
      ratioLine(`${g} preflight / hono p99`, pf.p99 / hono.p99, TARGETS.preflightP99, '<=');
      ratioLine(`${g} preflight / hono CPU per request`, pf.cpuMsPerReq / hono.cpuMsPerReq);
    }
    if (pf && node) ratioLine(`${g} preflight / node:http req/s`, pf.rps / node.rps);
    for (const page of ['overview', 'checklist page']) {
      const d = summary[`${page} ${g}`];
      if (d && pf) ratioLine(`${g} ${page} p99 / preflight p99`, d.p99 / pf.p99, TARGETS.dashboardP99, '<=');
    }
  }
  if (BASE) {
    for (const name of ['preflight', 'overview', 'checklist page']) {
      const a = summary[`${name} gonogo`];
      const b = summary[`${name} base`];
      if (!a || !b) continue;
      ratioLine(`${name}: this build / base req/s`, a.rps / b.rps);
      ratioLine(`${name}: this build / base CPU per request`, a.cpuMsPerReq / b.cpuMsPerReq);
    }
  }
  const failures = Object.entries(summary).filter(([, r]) => r.errors > 0 || r.timeouts > 0);
  for (const [name, r] of failures) console.log(`  ${name}: ${r.errors} errors, ${r.timeouts} timeouts`);
  const load1 = loadavg()[0];
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )} at the end${load1 > availableParallelism() ? ': the machine was busy; CPU per request is steadier than req/s' : ''}`,
  );

  for (const s of servers) s.proc.kill('SIGTERM');
  target.close();
  await rm(dir, { recursive: true, force: true });

  const artifacts = join(ROOT, 'artifacts', 'bench');
  await mkdir(artifacts, { recursive: true });
  const file = join(artifacts, 'results.json');
  let results = {};
  try {
    results = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // No results yet (or unreadable): start afresh.
  }
  results.server = {
    at: new Date().toISOString(),
    clients: CLIENTS,
    seconds: SECONDS,
    warmupMs: WARMUP_MS,
    rounds: ROUNDS,
    base: BASE ?? null,
    idleSeconds: IDLE_S,
    nodeFlags: Object.fromEntries(servers.map((s) => [s.kind, s.flags])),
    loadAverageAtEnd: load1,
    medians: summary,
    ratios,
    targets: TARGETS,
  };
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: artifacts/bench/results.json (key "server")`);
  if (failures.length > 0 || (process.argv.includes('--strict') && verdicts.some(([, ok]) => !ok)))
    process.exitCode = 1;
}

function row(r) {
  return `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  CPU ${(r.cpuMsPerReq ?? Number.NaN).toFixed(3)} ms/req  ${r.errors ? `${r.errors} errors ` : ''}${r.timeouts ? `${r.timeouts} timeouts ` : ''}${r.errorCodes ? r.errorCodes.join(',') : ''}`;
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
