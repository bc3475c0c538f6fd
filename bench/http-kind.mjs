#!/usr/bin/env node
// The http check kind's run() alone, beside the raw floor's request loop, in one process each
// (bench/README "branch http11"): COUNT prepared http checks of the run bench's shape against the bench's
// nginx, CONCURRENCY at a time as the engine's per-host limit allows, each under a shared deadline as the
// engine gives it (engine/deadlines.ts). CPU of all threads (user + sys, /proc/self/stat, and the main
// thread's from /proc/thread-self/stat) is read around the loop only: the first 5,000 requests (the
// warm-up: every layer still in V8's first tiers) and the rest (steady state), per request.
//   node bench/http-kind.mjs --roots /work/base,. --sizes 5000,50000 --rounds 5 [--modes floor,kind]
//   [--cpu-prof DIR] (one profiled process per mode and root; the summary by code owner is printed)
// Each root's kind is bundled from its src/ with esbuild as the build bundles it (undici included), with
// the run's V8 flags (cli/run-flags.ts) set before the loop as `gonogo run` sets them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    roots: { type: 'string', default: '.' },
    sizes: { type: 'string', default: '5000,50000' },
    rounds: { type: 'string', default: '3' },
    modes: { type: 'string', default: 'floor,kind' },
    concurrency: { type: 'string', default: '8' },
    'cpu-prof': { type: 'string' },
    // Child process options.
    child: { type: 'string' },
    mode: { type: 'string' },
    url: { type: 'string' },
    count: { type: 'string' },
  },
});
const WARMUP = 5000;

/** CPU ticks (user + sys) of the process (all threads) and of the main thread, in ms. */
function cpuNow() {
  const tick = 10; // USER_HZ is 100 on Linux.
  const fields = (path) => {
    const text = readFileSync(path, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * tick;
  };
  return { all: fields('/proc/self/stat'), main: fields('/proc/thread-self/stat') };
}

/** One prepared kind from a bundle: a function running request i, true when its three tests pass. */
async function kindRunner(bundleFile, url, count) {
  const mod = (await import(bundleFile)).default;
  const kit = mod.default ?? mod;
  const options = kit.http.options.parse({});
  // Prepared first, as a run prepares every check before it runs them.
  const targets = Array.from({ length: count }, (_, i) => kit.parseHttpTarget(`${url}/item/${i}`));
  const ctxOf = (signal) => ({ signal, timeoutMs: 10_000, baseDir: process.cwd(), env: process.env });
  const one = async (i) => {
    const deadline = kit.startDeadline(10_000);
    try {
      const o = await kit.http.run(targets[i], options, ctxOf(deadline.signal));
      return o.status === 200 && o.body.ok === true && 'x-request-id' in o.headers;
    } finally {
      deadline.release();
    }
  };
  return { kit, one };
}

/** The floor's request: Pool.request, body.json(), the three tests. */
async function floorRunner(root, url, concurrency) {
  const { Pool } = await import(resolve(root, 'node_modules/undici/index.js'));
  const pool = new Pool(url, { connections: concurrency });
  const one = async (i) => {
    const res = await pool.request({ path: `/item/${i}`, method: 'GET' });
    const body = await res.body.json();
    return res.statusCode === 200 && body.ok === true && !!res.headers['x-request-id'];
  };
  return { one, close: () => pool.close() };
}

/** `count` requests through `one`, `concurrency` at a time from index `from`; resolves to how many passed. */
async function loop(one, from, count, concurrency, onIndex) {
  let next = from;
  let ok = 0;
  const worker = async () => {
    while (next < from + count) {
      const i = next++;
      onIndex?.(i);
      if (await one(i)) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (ok !== count) throw new Error(`${count - ok} of ${count} requests did not pass`);
}

/**
 * Steady state of two builds in ONE process, so that the machine's load falls on both alike: each warmed
 * with WARMUP requests, then blocks of BLOCK requests alternating, CPU (process.cpuUsage, all threads) per block.
 */
async function abChild() {
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const bundles = values.child.split(',');
  const kinds = [];
  for (const b of bundles) {
    kinds.push(
      b.startsWith('floor:')
        ? await floorRunner(b.slice(6), values.url, concurrency)
        : await kindRunner(b, values.url, WARMUP + count),
    );
  }
  kinds.find((k) => k.kit)?.kit.setRunFlags();
  for (const k of kinds) await loop(k.one, 0, WARMUP, concurrency);
  const BLOCK = 2500;
  const cpu = kinds.map(() => []);
  for (let from = WARMUP, b = 0; from < WARMUP + count; from += BLOCK, b++) {
    const order = b % 2 ? [...kinds.keys()].reverse() : [...kinds.keys()];
    for (const k of order) {
      // The last block is what is left of `count` (fewer than BLOCK when count is not a multiple).
      const n = Math.min(BLOCK, WARMUP + count - from);
      const t = process.cpuUsage();
      await loop(kinds[k].one, from, n, concurrency);
      const d = process.cpuUsage(t);
      cpu[k].push((d.user + d.system) / n);
    }
  }
  process.stdout.write(`${JSON.stringify(cpu)}\n`);
}

async function child() {
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const url = values.url;
  let one;
  let done = async () => {};
  if (values.mode === 'floor') {
    const floor = await floorRunner(values.child, url, concurrency);
    one = floor.one;
    done = floor.close;
  } else {
    const kind = await kindRunner(values.child, url, count);
    kind.kit.setRunFlags();
    one = kind.one;
  }
  let next = 0;
  let ok = 0;
  const marks = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (i === WARMUP) marks.push({ at: i, ...cpuNow(), wall: performance.now() });
      if (await one(i)) ok++;
    }
  };
  const start = { at: 0, ...cpuNow(), wall: performance.now() };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const end = { at: count, ...cpuNow(), wall: performance.now() };
  await done();
  if (ok !== count) throw new Error(`${count - ok} of ${count} requests did not pass`);
  const points = [start, ...marks, end];
  const spans = [];
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    spans.push({ items: b.at - a.at, all: b.all - a.all, main: b.main - a.main, wall: b.wall - a.wall });
  }
  process.stdout.write(`${JSON.stringify(spans)}\n`);
}

/** esbuild bundle of a root's http kind, its deadlines and run flags, as the build bundles them. */
function bundle(root, out, external) {
  const entry = join(out, 'entry.ts');
  writeFileSync(
    entry,
    `import http, { parseHttpTarget } from ${JSON.stringify(join(root, 'src/checks/http.ts'))};
import { startDeadline } from ${JSON.stringify(join(root, 'src/engine/deadlines.ts'))};
import { setRunFlags } from ${JSON.stringify(join(root, 'src/cli/run-flags.ts'))};
export default { http, parseHttpTarget, startDeadline, setRunFlags };
`,
  );
  const file = join(out, 'kind.cjs');
  const esbuild = join(root, 'node_modules/.bin/esbuild');
  execFileSync(esbuild, [
    entry,
    '--bundle',
    '--platform=node',
    '--target=node20',
    '--format=cjs',
    '--minify-whitespace',
    '--minify-syntax',
    `--outfile=${file}`,
    '--log-level=warning',
    `--tsconfig=${join(root, 'tsconfig.build.json')}`,
    // Profiled, undici stays in its own files, so its self time is told apart from gonogo's.
    ...(external ? ['--external:undici', '--external:undici/*'] : []),
  ]);
  return file;
}

function runChild(args, profDir) {
  const flags = profDir ? ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', profDir] : [];
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [...flags, HERE, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('exit', (code) => (code === 0 ? res(JSON.parse(out)) : rej(new Error(`child exit ${code}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Self time of a CPU profile by owner: gonogo's code, undici, node's internals, GC, the rest. */
function profileSummary(file, requests) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  // Each sample's time is the delta to the next one.
  for (let k = 0; k < prof.samples.length; k++) {
    const id = prof.samples[k];
    counts.set(id, (counts.get(id) ?? 0) + (prof.timeDeltas[k + 1] ?? 0));
  }
  const owners = new Map();
  const fns = new Map();
  let total = 0;
  for (const [id, n] of counts) {
    const f = byId.get(id).callFrame;
    const name = f.functionName || '(anonymous)';
    let owner = 'other';
    if (name === '(idle)') continue;
    if (name === '(garbage collector)') owner = 'gc';
    else if (name === '(program)') owner = name;
    else if (
      /undici|llhttp/.test(f.url) ||
      /\/lib\/(core|dispatcher|handler|interceptor|llhttp)\//.test(f.url)
    )
      owner = 'undici';
    else if (f.url.startsWith('node:')) owner = 'node';
    else if (f.url.includes('kind.cjs')) owner = 'gonogo';
    else if (f.url.includes('http-kind.mjs')) owner = 'loop';
    total += n;
    owners.set(owner, (owners.get(owner) ?? 0) + n);
    const key = `${owner} ${name} ${f.url.split('/').pop()}:${f.lineNumber}`;
    fns.set(key, (fns.get(key) ?? 0) + n);
  }
  const pct = (n) => `${((100 * n) / total).toFixed(1)}% ${(n / requests).toFixed(2)} µs`;
  const lines = [...owners].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${pct(n)}`);
  const top = [...fns]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, n]) => `    ${pct(n)} ${k}`);
  return `  busy ${(total / requests).toFixed(1)} µs/request: ${lines.join(', ')}\n${top.join('\n')}`;
}

async function main() {
  const { startNginx } = await import('./nginx.mjs');
  const roots = values.roots.split(',').map((r) => resolve(r));
  const sizes = values.sizes.split(',').map(Number);
  const modes = values.modes.split(',');
  const rounds = Number(values.rounds);
  const work = mkdtempSync(join(tmpdir(), 'gonogo-http-kind-'));
  const bundles = roots.map((root, k) => {
    if (root.endsWith('/floor')) return undefined;
    const dir = mkdtempSync(join(work, `r${k}-`));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    return bundle(root, dir, !!values['cpu-prof']);
  });
  const nginx = await startNginx();
  /** A child's target: nginx, `size` requests, the concurrency asked for. */
  const target = (size) => ['--url', nginx.url, '--count', String(size), '--concurrency', values.concurrency];
  const contestants = [];
  for (const mode of modes) {
    if (mode === 'floor') contestants.push({ name: 'floor', args: ['--mode', 'floor', '--child', roots[0]] });
    else {
      for (const [k, root] of roots.entries()) {
        contestants.push({ name: `${mode} ${root}`, args: ['--mode', mode, '--child', bundles[k]] });
      }
    }
  }
  console.log(
    `load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at start; nginx ${nginx.url}`,
  );
  try {
    if (values['cpu-prof']) {
      const count = String(sizes[sizes.length - 1]);
      for (const c of contestants) {
        const dir = mkdtempSync(join(resolve(values['cpu-prof']), 'p-'));
        await runChild([...c.args, ...target(count)], dir);
        const file = join(dir, readdirSync(dir)[0]);
        console.log(`${c.name}, ${count} requests: ${file}\n${profileSummary(file, Number(count))}`);
      }
      return;
    }
    if (modes.includes('ab')) {
      // Steady state, both builds in one process (abChild), `rounds` processes; `floor` among the roots is the floor.
      const size = sizes[sizes.length - 1];
      const childBundles = roots.map((root, k) =>
        root.endsWith('/floor') ? `floor:${roots.find((r) => !r.endsWith('/floor'))}` : bundles[k],
      );
      const per = roots.map(() => []);
      for (let r = 0; r < rounds; r++) {
        const cpu = await runChild(['--mode', 'ab', '--child', childBundles.join(','), ...target(size)]);
        for (const [k, blocks] of cpu.entries()) per[k].push(...blocks);
      }
      console.log(
        `\nsteady state, ${size} requests a build after ${WARMUP} each, ${rounds} processes, blocks of up to 2,500 alternating (µs CPU per request):`,
      );
      roots.forEach((root, k) => {
        const xs = per[k];
        console.log(
          `  ${root.padEnd(24)} median ${median(xs).toFixed(1)}, blocks ${xs.length}, min ${Math.min(...xs).toFixed(1)}`,
        );
      });
      const ratios = per[1]?.map((x, i) => x / per[0][i]) ?? [];
      if (ratios.length)
        console.log(`  block by block, ${roots[1]} / ${roots[0]}: median ${median(ratios).toFixed(3)}`);
      console.log(
        `  load ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
      );
      return;
    }
    for (const size of sizes) {
      const results = new Map(contestants.map((c) => [c.name, []]));
      for (let r = 0; r < rounds; r++) {
        for (const c of r % 2 ? [...contestants].reverse() : contestants) {
          const spans = await runChild([...c.args, ...target(size)]);
          results.get(c.name).push(spans);
        }
      }
      console.log(
        `\n${size} requests, ${rounds} rounds (medians; CPU ms all threads (main thread), µs per request)`,
      );
      for (const [name, runs] of results) {
        const cells = runs[0].map((_, k) => {
          const all = median(runs.map((s) => s[k].all));
          const main = median(runs.map((s) => s[k].main));
          const items = runs[0][k].items;
          return `${k === 0 ? 'first' : 'rest'} ${items}: ${all} (${main}) ms, ${((1000 * all) / items).toFixed(1)} µs/req`;
        });
        const all = runs.map((s) => s.reduce((t, x) => t + x.all, 0));
        console.log(`  ${name.padEnd(40)} ${cells.join(' | ')} | total ${median(all)} ms [${all.join(' ')}]`);
      }
      console.log(
        `  load ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
      );
    }
  } finally {
    await nginx.stop();
  }
}

if (values.child && values.mode === 'ab') await abChild();
else if (values.child) await child();
else await main();
