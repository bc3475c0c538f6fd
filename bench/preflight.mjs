#!/usr/bin/env node
/**
 * Load test of the preflight endpoint: 200 concurrent clients for 10 s against `gonogo serve`
 * (SQLite store, one checklist with an http check and manual items), then the same load against a bare
 * node:http server answering the same JSON, in the same run. Prints p50/p99 latency and requests/s for
 * both and the ratios. Each server runs in its own child process; the client runs here.
 *
 * Usage: npm run build && node bench/preflight.mjs   (BENCH_CLIENTS, BENCH_SECONDS override the load)
 * Rate limiting is off in the benchmarked server: the point is the cost of answering, not of refusing.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();

/** Child process: start one server and report its URL to the parent. */
async function child(kind) {
  if (kind === 'bare') {
    const { body } = await new Promise((r) => process.once('message', r));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
    return;
  }
  const { dir } = await new Promise((r) => process.once('message', r));
  const { startServer } = await import(join(ROOT, 'dist/app/serve.js'));
  const { loadRegistry } = await import(join(ROOT, 'dist/checks/registry.js'));
  const { openStore } = await import(join(ROOT, 'dist/store/index.js'));
  const { silentLogger } = await import(join(ROOT, 'dist/server/index.js'));
  const store = await openStore(join(dir, 'gonogo.db'));
  const running = await startServer(
    {
      checklists: dir,
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      config: { requestsPerMinute: 0, authFailuresPer10Min: 0 },
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: process.env, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  process.send({ url: running.url });
}

function startChild(kind, message) {
  const proc = fork(fileURLToPath(import.meta.url), ['--child', kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ proc, url: m.url }));
    proc.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    proc.send(message);
  });
}

/** CLIENTS loops, each sending one request at a time for SECONDS; latencies in ms. */
async function load(url, headers) {
  const agent = new Agent({ connections: CLIENTS, pipelining: 1 });
  const latencies = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const res = await request(url, { headers, dispatcher: agent });
          await res.body.arrayBuffer();
          if (res.statusCode !== 200) errors += 1;
          else latencies.push(performance.now() - t);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { n: latencies.length, errors, rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-bench-'));
  const target = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"db":"ok"}');
  });
  await new Promise((r) => target.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${target.address().port}`;
  await writeFile(
    join(dir, 'launch.md'),
    `---
id: launch
environments:
  production: { BASE_URL: "${base}" }
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
  const { openStore } = await import(join(ROOT, 'dist/store/index.js'));
  const { hashToken } = await import(join(ROOT, 'dist/server/index.js'));
  const setup = await openStore(join(dir, 'gonogo.db'));
  const token = 'gng_bench_token_not_secret';
  await setup.createToken(
    { name: 'bench', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
    'bench',
  );
  await setup.close();

  const gonogo = await startChild('gonogo', { dir });
  const path = '/api/v1/checklists/launch/preflight?env=production';
  const headers = { authorization: `Bearer ${token}` };
  // The first preflight runs the checks; the rest answer from the stored run (max_age 5m).
  const first = await request(`${gonogo.url}${path}`, { headers });
  const body = await first.body.text();
  if (first.statusCode !== 200) throw new Error(`preflight answered ${first.statusCode}: ${body}`);
  const bare = await startChild('bare', { body });

  console.log(
    `preflight: ${CLIENTS} concurrent clients, ${SECONDS}s each, response ${Buffer.byteLength(body)} bytes`,
  );
  const g = await load(`${gonogo.url}${path}`, headers);
  const b = await load(`${bare.url}/`, {});
  const row = (name, r) =>
    `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   (${r.n} ok, ${r.errors} errors)`;
  console.log(row('gonogo preflight', g));
  console.log(row('bare node:http', b));
  console.log(
    `ratios gonogo/bare: throughput ${(g.rps / b.rps).toFixed(2)}x, p50 ${(g.p50 / b.p50).toFixed(2)}x, p99 ${(g.p99 / b.p99).toFixed(2)}x`,
  );

  gonogo.proc.kill('SIGTERM');
  bare.proc.kill('SIGTERM');
  target.close();
  await rm(dir, { recursive: true, force: true });
  if (g.errors > 0) process.exitCode = 1;
}
