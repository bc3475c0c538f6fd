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
 * (before/after). Each server runs in its own child process; the client runs here. The method is
 * bench/rounds.mjs's: every round measures every case, in an order rotated each round (the
 * preflight cases of all servers side by side, the pages side by side); round 0 is a warm-up round left
 * out for every case alike; a ratio is taken within each round and the figure is the median of those
 * (their range printed beside it); a case's figures are its medians over the measured rounds. CPU time
 * per request is the server process's own user+system time over the requests it answered (steadier than
 * req/s on a busy machine). Each row notes the load average, the load generator's CPU a request, how busy
 * the server was and the share of the machine's CPU taken by neither (others).
 *
 * The first BENCH_WARMUP_MS (1000) of every case are a warm-up left out of its figures (200 connections
 * opening at once on a shared CPU): requests started in it count in no latency, rate or CPU figure;
 * their errors and timeouts do count.
 *
 * Usage: npm run build && node bench/preflight.mjs
 *   BENCH_CLIENTS (200), BENCH_SECONDS (10), BENCH_ROUNDS (3, the measured ones), BENCH_WARMUP_MS (1000),
 *   BENCH_WARMUP_ROUND_S (BENCH_SECONDS: the warm-up round's seconds a case; 0: no warm-up round), BENCH_BASE,
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
import { request } from 'undici';
import { load, row } from './preflight-load.mjs';
import { besideText, trustNote } from './preflight-rounds.mjs';
import { busyBeside, median, NOT_EVIDENCE, pairedRatio, roundOrder } from './rounds.mjs';
import { flagsByMode, shownFlags } from './server-flags.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASE = process.env.BENCH_BASE;
const ONLY = process.env.BENCH_ONLY;
// BENCH_LOOP=1: each server's event-loop blocks, GC pauses and log writes per case (bench/loop-watch.mjs).
const LOOP = Boolean(process.env.BENCH_LOOP);
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const FLAGS_MODE = process.env.BENCH_FLAGS ?? 'both';
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 0);
// Round 0: every case measured this long and left out (cold servers, a cold load generator: on a busy
// machine a fresh server's CPU a request took 8–12 s of load to settle, pf16).
const WARMUP_ROUND_S = Number(process.env.BENCH_WARMUP_ROUND_S ?? SECONDS);
const TARGETS = { preflightRps: 0.6, preflightP99: 2, dashboardP99: 5 };
const PREFLIGHT = '/api/v1/checklists/launch/preflight?env=production';
// What a browser sends with a page request (Chromium's value); BENCH_PAGE_ENCODING=identity for none.
const PAGE_ENCODING = process.env.BENCH_PAGE_ENCODING ?? 'gzip, deflate, br, zstd';

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
  const proc = fork(fileURLToPath(new URL('./preflight-child.mjs', import.meta.url)), [kind], {
    stdio: ['ignore', 'inherit', err, 'ipc'],
    ...(flags.length ? { execArgv: flags } : {}),
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ kind, proc, url: m.url, flags }));
    proc.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    proc.send(message);
  });
}

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
      const headers = gonogos.includes(s) ? { authorization: `Bearer ${token}` } : {};
      cases.push({ name: `preflight ${s.kind}`, block: 'preflight', server: s, path: PREFLIGHT, headers });
    }
    if (ONLY !== 'preflight' && gonogos.includes(s)) {
      cases.push({ name: `overview ${s.kind}`, block: 'pages', server: s, path: '/', headers: s.session });
      cases.push({
        name: `checklist page ${s.kind}`,
        block: 'pages',
        server: s,
        path: s.page,
        headers: s.session,
      });
    }
  }
  for (const c of cases) Object.assign(c, { rounds: [], warmupRound: undefined });
  if (IDLE_S > 0) {
    // As a real server: started, a few requests answered, then idle for a while before the load.
    console.log(`every server idles ${IDLE_S}s after its set-up requests`);
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  }
  for (const s of servers) console.log(`node flags of ${s.kind.padEnd(6)} ${shownFlags(s.flags)}`);
  console.log(
    `server: ${CLIENTS} concurrent clients, ${SECONDS}s per case, ${ROUNDS} rounds (rotated order)${WARMUP_ROUND_S > 0 ? ` after a warm-up round of ${WARMUP_ROUND_S}s a case` : ''}; preflight ${Buffer.byteLength(body)} bytes, checklist page ${gonogos.map((g) => g.pageBytes).join(' / ')} bytes (Accept-Encoding: ${PAGE_ENCODING}); load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (let round = WARMUP_ROUND_S > 0 ? 0 : 1; round <= ROUNDS; round++) {
    for (const c of roundOrder(cases, round)) {
      const r = await load(c.server, c.path, c.headers, c.name, round === 0 ? WARMUP_ROUND_S : SECONDS);
      if (round === 0) c.warmupRound = r;
      else c.rounds.push(r);
      const label = round === 0 ? 'warm-up' : `round ${round}`;
      console.log(`  ${label.padEnd(7)} ${c.name.padEnd(24)} ${row(r)}\n          ${besideText(r)}`);
      if (r.loop) console.log(`    ${formatLoop(r.loop)}`);
    }
  }
  const summary = {};
  for (const c of cases) {
    const rs = c.rounds;
    // Errors and timeouts count from every round, the warm-up round's too.
    const all = c.warmupRound ? [c.warmupRound, ...rs] : rs;
    summary[c.name] = {
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuMsPerReq: median(rs.map((r) => r.cpuMsPerReq)),
      errors: all.reduce((a, r) => a + r.errors, 0),
      timeouts: all.reduce((a, r) => a + r.timeouts, 0),
      n: rs.reduce((a, r) => a + r.n, 0),
    };
  }
  console.log('\nmedians:');
  for (const [name, r] of Object.entries(summary)) console.log(`  ${name.padEnd(24)} ${row(r)}`);

  const ratios = {};
  const ratioRounds = {};
  const verdicts = [];
  const byName = Object.fromEntries(cases.map((c) => [c.name, c]));
  // A ratio of two cases, round by round (pairedRatio); beside it the ratio of their medians.
  const ratioLine = (label, a, b, field, target, cmp) => {
    const { value, min, max, rounds } = pairedRatio(byName[a], byName[b], field);
    ratios[label] = value;
    ratioRounds[label] = rounds;
    const ok = cmp === '>=' ? value >= target : value <= target;
    if (target !== undefined) verdicts.push([label, ok]);
    const ofMedians = summary[a][field] / summary[b][field];
    console.log(
      `  ${label.padEnd(44)} ${value.toFixed(2)}x  (rounds ${min.toFixed(2)}–${max.toFixed(2)}, of the medians ${ofMedians.toFixed(2)}x)${target !== undefined ? `  target ${cmp} ${target}x: ${ok ? 'ok' : 'MISSED'}${busyBeside(byName[a], byName[b]) ? NOT_EVIDENCE : ''}` : ''}`,
    );
  };
  console.log('\nratios (the median of the per-round ratios):');
  for (const g of gonogos.map((s) => s.kind)) {
    const pf = `preflight ${g}`;
    if (byName[pf] && byName['preflight hono']) {
      ratioLine(`${g} preflight / hono req/s`, pf, 'preflight hono', 'rps', TARGETS.preflightRps, '>=');
      ratioLine(`${g} preflight / hono p99`, pf, 'preflight hono', 'p99', TARGETS.preflightP99, '<=');
      ratioLine(`${g} preflight / hono CPU per request`, pf, 'preflight hono', 'cpuMsPerReq');
    }
    if (byName[pf] && byName['preflight node'])
      ratioLine(`${g} preflight / node:http req/s`, pf, 'preflight node', 'rps');
    for (const page of ['overview', 'checklist page']) {
      const d = `${page} ${g}`;
      if (byName[d] && byName[pf])
        ratioLine(`${g} ${page} p99 / preflight p99`, d, pf, 'p99', TARGETS.dashboardP99, '<=');
    }
  }
  if (BASE) {
    for (const name of ['preflight', 'overview', 'checklist page']) {
      const a = `${name} gonogo`;
      const b = `${name} base`;
      if (!byName[a] || !byName[b]) continue;
      ratioLine(`${name}: this build / base req/s`, a, b, 'rps');
      ratioLine(`${name}: this build / base CPU per request`, a, b, 'cpuMsPerReq');
    }
  }
  const trust = trustNote(cases);
  if (trust) console.log(`  ${trust}`);
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
    warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 1000),
    rounds: ROUNDS,
    warmupRoundSeconds: WARMUP_ROUND_S,
    base: BASE ?? null,
    idleSeconds: IDLE_S,
    nodeFlags: Object.fromEntries(servers.map((s) => [s.kind, s.flags])),
    loadAverageAtEnd: load1,
    medians: summary,
    ratios,
    ratioRounds,
    trust: trust ?? null,
    targets: TARGETS,
  };
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: artifacts/bench/results.json (key "server")`);
  if (failures.length > 0 || (process.argv.includes('--strict') && verdicts.some(([, ok]) => !ok)))
    process.exitCode = 1;
}

await main();
