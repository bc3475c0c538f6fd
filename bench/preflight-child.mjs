#!/usr/bin/env node
/**
 * One server of bench/preflight.mjs, in a process of its own (forked by it: `preflight-child.mjs KIND`):
 * KIND `gonogo` (this checkout's build), `base` (BENCH_BASE's), `hono` (a bare Hono app on
 * @hono/node-server answering the same JSON) or `node` (bare node:http). It reports its URL over IPC, then
 * answers the bench's questions: its CPU time, and with BENCH_PROF_DIR / BENCH_LOOP a profile or the
 * event loop's figures of a case.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BASE = process.env.BENCH_BASE;

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

await child(process.argv[2]);
