#!/usr/bin/env node
// `node bench/kuma.mjs --kuma DIR` (or KUMA_DIR=DIR; part of `npm run bench`: with no checkout given it
// prints `kuma: skipped: …` and exits 0): the CPU per check of Uptime Kuma against gonogo's watch scheduler
// doing the same number of http checks at the same rate against the same target (issue 15: gonogo ≥ 10×
// cheaper).
//  - kuma: Uptime Kuma's server (`node server/server.js` in DIR, a checkout with its dependencies installed
//    and its front end built: see bench/README.md) on a fresh SQLite data directory and a free loopback
//    port. Through its socket.io API (the `socket.io-client` of DIR/node_modules): the first user is set
//    up, logs in and adds N HTTP monitors (the add-monitor form's defaults of Kuma 2.5.3, interval E,
//    timeout 0.8 × E as the form clamps it, URL `NGINX/item/i`), then disconnects: no dashboard is open
//    while it is measured. CPU is the server process's user + sys (/proc/PID/stat, every thread); checks
//    are the UP heartbeats it stored (rows of its `heartbeat` table, read from its database).
//  - gonogo: `gonogo serve` in-process with its watch loop over N windowed http checks (`hold: 1h`,
//    `every: E`, three conditions each: status, a JSON body field, a header) against the same nginx:
//    bench/watch.mjs, as scheduler.mjs measures it. Checks are the passing samples it stored. Its window
//    opens half a slot after a slot boundary (gonogo runs every item at each multiple of E; Kuma spreads
//    its monitors over the interval), so it holds whole slots.
//  Both: after a warm-up (Kuma's counted from the last monitor added), CPU over a fixed window divided by
//  the checks completed in it. Rounds alternate which goes first; medians; the ratio is Kuma's CPU per
//  check over gonogo's. Each Kuma check does less than gonogo's (status code only, against three
//  conditions), so the ratio leans Kuma's way.
// Options: --kuma DIR --items N (500) --every S (20) --warmup S (30) --seconds S (60) --rounds N (3)
//   --compare DIR (another gonogo build, measured in the same rounds) --strict (exit 1 under 10×)
//   --flags both|none|this (both): gonogo's node flags (bench/server-flags.mjs): both builds under this build's
//   SERVER_NODE_FLAGS, which `gonogo serve` starts node with; none: V8's defaults; this: --compare's without
//   them. Uptime Kuma runs as it ships.
// Results: artifacts/bench/results.json, key `kuma` (other scripts' keys are kept).
// Measured 2026-12-06 (2 cores, load 16–27, Kuma 2.5.3, defaults): Kuma 9.68 ms, gonogo 0.874 ms CPU per
// check, 11.1× (bench/README.md, "Uptime Kuma").
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { alternatingRounds } from './measure.mjs';
import { freePort } from './nginx.mjs';
import { flagsByMode, shownFlags } from './server-flags.mjs';
import { measureWatch } from './watch.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TARGET_RATIO = 10;
const KUMA_UP = 1;

await main();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function load() {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
}

/** What is missing from a Kuma checkout for this bench, or null. */
function kumaProblem(dir) {
  if (!existsSync(join(dir, 'server', 'server.js')))
    return `${dir} is not an Uptime Kuma checkout (no server/server.js)`;
  if (!existsSync(join(dir, 'node_modules', 'socket.io-client')))
    return `${dir} has no dependencies installed: run \`npm ci\` there`;
  if (!existsSync(join(dir, 'dist', 'index.html')))
    return `${dir} has no front end built (Kuma's server refuses to start without dist/index.html): run \`npm run build\` there`;
  return null;
}

/** CPU time (ms, user + sys, all threads) and resident set (bytes) of a process, from /proc. */
function procUsage(pid, tickMs) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(f[11]) + Number(f[12])) * tickMs;
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  return { cpuMs, rss };
}

/** The add-monitor form's new HTTP monitor in Kuma 2.5.3 (src/pages/EditMonitor.vue), as it submits it. */
function kumaMonitor(name, url, everyS) {
  return {
    type: 'http',
    name,
    parent: null,
    url,
    wsSubprotocol: '',
    method: 'GET',
    protocol: null,
    location: 'world',
    ipFamily: null,
    interval: everyS,
    retryInterval: everyS,
    resendInterval: 0,
    maxretries: 0,
    retryOnlyOnStatusCodeFailure: false,
    notificationIDList: {},
    ignoreTls: false,
    upsideDown: false,
    expiryNotification: false,
    domainExpiryNotification: true,
    maxredirects: 10,
    accepted_statuscodes: ['200-299'],
    saveResponse: false,
    saveErrorResponse: true,
    responseMaxLength: 1024,
    dns_resolve_type: 'A',
    dns_resolve_server: '',
    docker_container: '',
    docker_host: null,
    proxyId: null,
    basic_auth_user: '',
    basic_auth_pass: '',
    bearer_token: '',
    mqttUsername: '',
    mqttPassword: '',
    mqttTopic: '',
    mqttWebsocketPath: '',
    mqttSuccessMessage: '',
    mqttCheckType: 'keyword',
    authMethod: null,
    oauth_auth_method: 'client_secret_basic',
    httpBodyEncoding: 'json',
    kafkaProducerBrokers: [],
    kafkaProducerSaslOptions: { mechanism: 'None' },
    cacheBust: false,
    kafkaProducerSsl: false,
    kafkaProducerAllowAutoTopicCreation: false,
    gamedigGivenPortOnly: true,
    gamedigToken: '',
    remote_browser: null,
    screenshot_delay: 0,
    rabbitmqNodes: [],
    rabbitmqUsername: '',
    rabbitmqPassword: '',
    conditions: [],
    system_service_name: '',
    ntpStratumThreshold: 5,
    ntpTimeOffsetThreshold: 1000,
    ntpRootDispersionThreshold: 500,
    ping_count: 3,
    ping_numeric: true,
    packetSize: 56,
    ping_per_request_timeout: 2,
    timeout: Math.round(everyS * 0.8 * 10) / 10,
    snmpVersion: '2c',
    jsonPath: '$',
    jsonPathOperator: '==',
  };
}

/** One Kuma run: start it on a fresh data dir, add the monitors, warm up, measure the window, stop it. */
async function measureKuma({ kumaDir, url, items, everyS, warmupS, seconds, dir, tickMs }) {
  const port = await freePort();
  const log = join(dir, 'kuma.log');
  const out = openSync(log, 'a');
  const server = spawn(process.execPath, ['server/server.js'], {
    cwd: kumaDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: `${join(dir, 'data')}/`,
      UPTIME_KUMA_HOST: '127.0.0.1',
      UPTIME_KUMA_PORT: String(port),
      UPTIME_KUMA_DB_TYPE: 'sqlite',
    },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exited = null;
  const gone = new Promise((r) =>
    server.once('exit', (code, signal) => {
      exited = signal ?? code;
      r();
    }),
  );
  const failed = async (why) => {
    const tail = (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    return new Error(`Uptime Kuma: ${why}\n--- the end of its log (${log}):\n${tail}`);
  };
  let db;
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (exited !== null) throw await failed(`exited (${exited}) before answering`);
      if (i > 1200) throw await failed('not answering after 120 s');
      try {
        // socket.io's handshake: the page Kuma serves on the port while it migrates its database
        // (before the real server listens) has none.
        const res = await request(`${base}/socket.io/?EIO=4&transport=polling`, {
          headersTimeout: 2000,
          bodyTimeout: 2000,
        });
        const body = await res.body.text();
        if (res.statusCode === 200 && body.startsWith('0{')) break;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    const { io } = createRequire(join(kumaDir, 'package.json'))('socket.io-client');
    const socket = io(base, { transports: ['websocket'], reconnection: false });
    try {
      // Kuma adds its event handlers after an await in its connection handler, and says
      // `loginRequired` once they are all in place.
      await new Promise((res, rej) => {
        socket.once('loginRequired', res);
        socket.once('connect_error', rej);
      });
      const call = async (event, ...args) => {
        const r = await socket
          .timeout(60_000)
          .emitWithAck(event, ...args)
          .catch(async (e) => {
            throw await failed(`${event}: ${e.message}`);
          });
        if (!r?.ok) throw await failed(`${event}: ${r?.msg ?? JSON.stringify(r)}`);
        return r;
      };
      const username = 'bench';
      const password = `${randomBytes(18).toString('base64url')}-Aa1`;
      await call('setup', username, password);
      await call('login', { username, password, token: '' });
      for (let i = 0; i < items; i++)
        await call('add', kumaMonitor(`Endpoint ${i}`, `${url}/item/${i}`, everyS));
    } finally {
      socket.disconnect();
    }
    db = new Database(join(dir, 'data', 'kuma.db'), { readonly: true, fileMustExist: true, timeout: 10_000 });
    const counts = db.prepare(
      `SELECT COUNT(*) AS beats, COALESCE(SUM(status = ${KUMA_UP}), 0) AS up FROM heartbeat`,
    );
    await sleep(warmupS * 1000);
    if (exited !== null) throw await failed(`exited (${exited}) during the warm-up`);
    const c0 = counts.get();
    const u0 = procUsage(server.pid, tickMs);
    await sleep(seconds * 1000);
    if (exited !== null) throw await failed(`exited (${exited}) during the window`);
    const u1 = procUsage(server.pid, tickMs);
    const c1 = counts.get();
    const checks = c1.up - c0.up;
    if (checks === 0) throw await failed('no UP heartbeat in the window');
    const cpuMs = u1.cpuMs - u0.cpuMs;
    return {
      cpuMs,
      checks,
      notUp: c1.beats - c0.beats - checks,
      rssStart: u0.rss,
      rssEnd: u1.rss,
      perCheckMs: cpuMs / checks,
    };
  } finally {
    db?.close();
    if (exited === null) {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      kuma: { type: 'string' },
      items: { type: 'string', default: '500' },
      every: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '30' },
      seconds: { type: 'string', default: '60' },
      rounds: { type: 'string', default: '3' },
      compare: { type: 'string' },
      flags: { type: 'string', default: 'both' },
      strict: { type: 'boolean', default: false },
    },
  });
  const given = values.kuma ?? process.env.KUMA_DIR;
  if (!given) {
    console.log(
      'kuma: skipped: no Uptime Kuma checkout given (--kuma DIR or KUMA_DIR=DIR; bench/README.md says how to make one)',
    );
    return;
  }
  const kumaDir = resolve(given);
  const problem = kumaProblem(kumaDir);
  if (problem) {
    console.error(`kuma: ${problem}`);
    process.exit(2);
  }
  const builds = [{ name: 'gonogo', root: ROOT }];
  if (values.compare) builds.push({ name: 'compare', root: resolve(values.compare) });
  for (const b of builds) {
    if (!existsSync(join(b.root, 'dist', 'app', 'serve.js'))) {
      console.error(`${b.root}: not built: run \`npm run build\` there first.`);
      process.exit(2);
    }
  }
  const kumaVersion = JSON.parse(readFileSync(join(kumaDir, 'package.json'), 'utf8')).version;
  const tickMs = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);
  const items = Number(values.items);
  const everyS = Number(values.every);
  const warmupS = Number(values.warmup);
  const seconds = Number(values.seconds);
  const perMinute = (items * 60) / everyS;
  console.log(`machine: ${availableParallelism()} cores, load average ${load()} at start`);
  console.log(
    `kuma: Uptime Kuma ${kumaVersion} (${kumaDir}) against gonogo, ${items} http checks every ${everyS}s (${perMinute.toLocaleString('en')} checks/min) against nginx, ${seconds}s windows after ${warmupS}s warm-up, ${values.rounds} rounds`,
  );
  const modeFlags = await flagsByMode(ROOT, values.flags);
  const flagsOf = { gonogo: modeFlags.gonogo, compare: modeFlags.compare };
  for (const b of builds) console.log(`node flags of ${b.name.padEnd(7)} ${shownFlags(flagsOf[b.name])}`);
  const { startNginx } = await import('./nginx.mjs');
  const nginx = await startNginx();
  const startedLoad = loadavg();
  const contestants = ['kuma', ...builds.map((b) => b.name)];
  let got;
  try {
    got = await alternatingRounds(contestants, Number(values.rounds), async (name, round) => {
      const dir = await mkdtemp(join(tmpdir(), `gonogo-bench-${name}-`));
      try {
        const common = { url: nginx.url, items, everyS, warmupS, seconds, dir };
        const r =
          name === 'kuma'
            ? await measureKuma({ ...common, kumaDir, tickMs })
            : await measureWatch(
                {
                  ...common,
                  mode: 'gonogo',
                  root: builds.find((b) => b.name === name).root,
                  align: true,
                  nodeFlags: flagsOf[name],
                },
                name,
              );
        const notUp = r.notUp ? ` (+${r.notUp} not up)` : '';
        console.log(
          `  round ${round + 1} ${name.padEnd(8)} ${r.checks} checks${notUp}, cpu ${r.cpuMs.toFixed(0)} ms: ${r.perCheckMs.toFixed(4)} ms/check, rss ${(r.rssEnd / 1048576).toFixed(0)} MB, load ${load()}`,
        );
        return r;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  } finally {
    await nginx.stop();
  }
  const kuma = median(got.kuma.map((r) => r.perCheckMs));
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    loadAverage: { start: startedLoad, end: loadavg() },
    items,
    everyS,
    checksPerMinute: perMinute,
    warmupS,
    seconds,
    kuma: { dir: kumaDir, version: kumaVersion, cpuMsPerCheck: kuma, runs: got.kuma },
    builds: Object.fromEntries(builds.map((b) => [b.name, b.root])),
    target: TARGET_RATIO,
  };
  let under = false;
  for (const b of builds) {
    const g = median(got[b.name].map((r) => r.perCheckMs));
    results[b.name] = { cpuMsPerCheck: g, ratio: kuma / g, runs: got[b.name] };
    console.log(
      `  ${b.name}: ${g.toFixed(4)} ms CPU per check vs Uptime Kuma ${kuma.toFixed(4)} ms: Kuma costs ${(kuma / g).toFixed(1)}x (target >= ${TARGET_RATIO}x)`,
    );
    if (b.name === 'gonogo' && kuma / g < TARGET_RATIO) under = true;
  }
  console.log(`load average ${load()} at the end`);
  const artifacts = join(ROOT, 'artifacts', 'bench');
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, 'results.json');
  const all = existsSync(path) ? JSON.parse(await readFile(path, 'utf8')) : {};
  all.kuma = results;
  await writeFile(path, `${JSON.stringify(all, null, 2)}\n`);
  if (values.strict && under) process.exit(1);
}
