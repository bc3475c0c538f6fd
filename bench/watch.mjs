// The watch scheduler's measured process, shared by scheduler.mjs and kuma.mjs: `measureWatch(spec)` forks
// this file, which starts one workload, lets it warm up, then reports the CPU (user + sys of the whole
// process, every thread) and the checks completed over a fixed window.
//  - gonogo: `gonogo serve` in-process (startServer from ROOT/dist, SQLite store, the real watch loop)
//    with one checklist of N windowed http checks (`hold: 1h`, `every: E`, three conditions each) against
//    the target: every E the leader claims each item's slot, runs the checks and stores the samples; a
//    check counts once its sample is stored.
//  - raw: an undici Pool doing the same N requests (JSON parsed, the same three tests) at the same slots
//    (multiples of E since the epoch), with gonogo's per-host concurrency.
// spec: { mode: 'gonogo' | 'raw', root, url, items, everyS, warmupS, seconds, dir, align?, historyS?,
// nodeFlags? } (nodeFlags: node's own options for the measured process, after this process's: the benches pass
// bench/server-flags.mjs's, the flags `gonogo serve` starts node with).
// With `align`, the window opens half a slot after a slot boundary (once the warm-up is over), so a
// window of whole slots holds every check of those slots and none of another's. With `historyS`, gonogo's
// store first holds that much history, as a service that has been watching for that long does: the
// first batch of samples stored is copied back in time, one slot claim and one sample per item per
// `every` (the warm-up starts once it is written).
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[1] === SELF && process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));

/**
 * Run one measured process (cwd: spec.root; `label` names it in errors); resolves to
 * `{ cpuMs, checks, rssStart, rssEnd, perCheckMs }`. Rejects when it fails or completes no check.
 */
export async function measureWatch(spec, label = spec.mode) {
  const r = await new Promise((res, rej) => {
    const c = fork(SELF, ['--child', JSON.stringify(spec)], {
      cwd: spec.root,
      execArgv: [...process.execArgv, ...(spec.nodeFlags ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let msg;
    c.once('message', (m) => {
      msg = m;
    });
    c.once('error', rej);
    c.once('exit', (code) => (msg ? res(msg) : rej(new Error(`${label} child exited ${code}`))));
  });
  if (r.checks === 0) throw new Error(`${label}: no check completed in the window`);
  return { ...r, perCheckMs: r.cpuMs / r.checks };
}

/** The checklist gonogo watches: N windowed http checks against `url`, three conditions each. */
export function watchChecklist(url, items, everyS) {
  const lines = [
    '---',
    'id: bench-watch',
    'name: Bench watch',
    'schedule: 24h',
    'environments:',
    `  bench: { BASE_URL: "${url}" }`,
    '---',
    '# Watch',
  ];
  for (let i = 0; i < items; i++) {
    lines.push(
      `- [ ] Endpoint ${i} stays up`,
      '  ```check',
      `  http: \${BASE_URL}/item/${i}`,
      '  expect: [status == 200, body.ok == true, \'"x-request-id" in headers\']',
      '  hold: 1h',
      `  every: ${everyS}s`,
      '  ```',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function child({ mode, root, url, items, everyS, warmupS, seconds, dir, align, historyS = 0 }) {
  let checks = 0;
  let stop;
  if (mode === 'raw') stop = await rawFloor(url, items, everyS, (n) => (checks += n));
  else {
    const served = await gonogoServe(root, url, items, everyS, dir, historyS, (n) => (checks += n));
    stop = served.stop;
    await served.ready;
  }
  await sleep(warmupS * 1000);
  if (align) {
    const every = everyS * 1000;
    await sleep((every * 1.5 - (Date.now() % every)) % every);
  }
  const cpu0 = process.cpuUsage();
  const checks0 = checks;
  const rss0 = process.memoryUsage().rss;
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const done = checks - checks0;
  const rss = process.memoryUsage().rss;
  await stop();
  const report = { cpuMs: (cpu.user + cpu.system) / 1000, checks: done, rssStart: rss0, rssEnd: rss };
  if (process.send) process.send(report);
  else console.log(JSON.stringify(report));
  process.exit(0);
}

/** The floor: the same requests at the same slots through an undici Pool. */
async function rawFloor(url, items, everyS, counted) {
  const { Pool } = await import('undici');
  const pool = new Pool(url, { connections: 8 });
  const every = everyS * 1000;
  let timer;
  let stopped = false;
  const inFlight = new Set();
  const slot = async () => {
    let next = 0;
    let ok = 0;
    const worker = async () => {
      while (next < items) {
        const i = next++;
        const res = await pool.request({ path: `/item/${i}`, method: 'GET' });
        const body = await res.body.json();
        if (res.statusCode === 200 && body.ok === true && res.headers['x-request-id']) ok++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    counted(ok);
  };
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        arm();
        const p = slot().finally(() => inFlight.delete(p));
        inFlight.add(p);
      },
      every - (Date.now() % every),
    );
  };
  arm();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await Promise.all(inFlight);
    await pool.close();
  };
}

/** gonogo: the service with its watch loop, over a checklist of windowed checks; counts stored samples. */
async function gonogoServe(root, url, items, everyS, dir, historyS, counted) {
  await writeFile(join(dir, 'watch.md'), watchChecklist(url, items, everyS));
  const mod = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
  const { startServer } = await mod('app/serve.js');
  const { loadRegistry } = await mod('checks/registry.js');
  const { openStore } = await mod('store/index.js');
  const { silentLogger } = await mod('server/index.js');
  const store = await openStore(join(dir, 'gonogo.db'));
  const addSamples = store.addSamples.bind(store);
  let filled;
  const ready = new Promise((res) => {
    filled = res;
  });
  if (!(historyS > 0)) filled();
  store.addSamples = async (samples) => {
    if (historyS > 0 && samples.length > 0) {
      const ticks = Math.round(historyS / everyS);
      historyS = 0;
      await writeHistory(store, addSamples, samples, everyS * 1000, ticks);
      filled();
    }
    await addSamples(samples);
    counted(samples.filter((s) => s.ok).length);
  };
  const env = { ...process.env, GONOGO_CACHE_DIR: join(dir, 'cache') };
  const running = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  return { stop: () => running.close(), ready };
}

/** `ticks` slots of history before `first`'s (see the header), written as the loop writes a tick. */
async function writeHistory(store, addSamples, first, everyMs, ticks) {
  const slot0 = Math.floor(Date.parse(first[0].at) / everyMs) * everyMs;
  for (let k = ticks; k >= 1; k--) {
    const slot = new Date(slot0 - k * everyMs).toISOString();
    const [{ checklist, environment }] = first;
    await store.claimSlots(
      first.map((s) => ({ checklist, environment, what: s.item, slot, holder: 'history', at: slot })),
    );
    await addSamples(first.map((s) => ({ ...s, at: slot })));
  }
}
