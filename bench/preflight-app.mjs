#!/usr/bin/env node
/**
 * The application's own CPU per preflight, without sockets: `server.fetch` of the viewer preflight of
 * bench/preflight.mjs, one request at a time, in this process, with the real middleware, the JSON
 * request log (to a counting sink), rate limiting on and a SQLite store. Each build (a checkout with
 * its `dist/` built) runs in a child process of its own, rounds alternate the order, and the figure is
 * the median CPU (user + system) per request. Steadier than the load test on a busy machine (no
 * scheduling between client and server, no connection handling), so before/after changes of the app
 * show; what it leaves out (Node's HTTP parsing and socket writes) is the same for every build.
 *
 * With `--http` the requests go through a real socket instead (@hono/node-server, one keep-alive
 * connection of an undici Pool in the same process: the figure then includes the client's CPU, the
 * same for every build). With `--page` a dashboard page (the login page) is opened before the
 * preflights, as in production once anyone opens the dashboard (and as bench/preflight.mjs does):
 * whatever a page render switches on for the rest of the process is then paid by the preflights too.
 *
 * Usage: npm run build && node bench/preflight-app.mjs [--requests N] [--rounds R] [--http] [--page] ROOT...
 *   (default: this checkout). Not part of `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};

if (args[0] === '--child') {
  await child(args[1], Number(args[2]), args[3] === 'http', args[4] === 'page');
} else {
  const requests = opt('--requests', 15_000);
  const httpAt = args.indexOf('--http');
  if (httpAt >= 0) args.splice(httpAt, 1);
  const http = httpAt >= 0 ? 'http' : 'fetch';
  const pageAt = args.indexOf('--page');
  if (pageAt >= 0) args.splice(pageAt, 1);
  const page = pageAt >= 0 ? 'page' : 'nopage';
  const rounds = opt('--rounds', 3);
  const roots = (args.length ? args : [fileURLToPath(new URL('../', import.meta.url))]).map((r) =>
    resolve(r),
  );
  const results = new Map(roots.map((r) => [r, []]));
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? roots : [...roots].reverse();
    for (const root of order) {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', root, String(requests), http, page],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const us = Number(JSON.parse(out.trim().split('\n').at(-1)).cpuUsPerRequest);
      results.get(root).push(us);
      console.log(`  round ${round + 1} ${root}: ${us.toFixed(1)} µs CPU per request`);
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const first = median(results.get(roots[0]));
  for (const [root, xs] of results)
    console.log(
      `${root}: median ${median(xs).toFixed(1)} µs CPU per request (${(median(xs) / first).toFixed(2)}x the first)`,
    );
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end`,
  );
}

async function child(root, requests, http, page) {
  const { startServer } = await import(join(root, 'dist/app/serve.js'));
  const { loadRegistry } = await import(join(root, 'dist/checks/registry.js'));
  const { openStore } = await import(join(root, 'dist/store/index.js'));
  const { hashToken } = await import(join(root, 'dist/server/index.js'));
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-preflight-app-'));
  // The checklist of bench/preflight.mjs without its http check (no run is needed: a viewer's preflight
  // is answered from stored state).
  await writeFile(
    join(dir, 'launch.md'),
    [
      '---',
      'id: launch',
      'environments:',
      '  production: {}',
      'policy:',
      '  signoffs: [engineering, security]',
      '---',
      '# Launch',
      '## Operations',
      '- [ ] Backups restored in a drill',
      '- [ ] RTO: ______',
      '- [ ] On-call rota published',
      '## Sign-Off',
      '- [ ] Engineering Lead: ____ Date: ____',
      '- [ ] Security Lead: ____ Date: ____',
      '',
    ].join('\n'),
  );
  const store = await openStore(join(dir, 'gonogo.db'));
  const token = 'gng_bench_token_not_secret';
  await store.createToken(
    { name: 'bench', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
    'bench',
  );
  let logged = 0;
  const running = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, config: { requestsPerMinute: 1_000_000_000 } },
    {
      io: {
        stdout: process.stdout,
        stderr: {
          write(s) {
            logged += s.length;
            return true;
          },
        },
        isTTY: false,
        env: {},
        cwd: dir,
      },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  const url = `${running.url}/api/v1/checklists/launch/preflight?env=production`;
  // What @hono/node-server passes as the environment (the client address comes from its socket).
  const env = {
    incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 40000, remoteFamily: 'IPv4' } },
  };
  const headers = { authorization: `Bearer ${token}`, host: '127.0.0.1' };
  const { Pool } = await import('undici');
  const pool = new Pool(running.url, { connections: 1 });
  const path = new URL(url).pathname + new URL(url).search;
  const one = http
    ? async () => {
        const r = await pool.request({ path, method: 'GET', headers });
        await r.body.text();
        if (r.statusCode !== 200) throw new Error(`preflight answered ${r.statusCode}`);
      }
    : async () => {
        const r = await running.server.fetch(new Request(url, { headers }), env);
        await r.text();
        if (r.status !== 200) throw new Error(`preflight answered ${r.status}`);
      };
  if (page) {
    const r = await running.server.fetch(new Request(`${running.url}/login`), env);
    await r.text();
    if (r.status !== 200) throw new Error(`the login page answered ${r.status}`);
  }
  for (let i = 0; i < 3000; i++) await one();
  const c0 = process.cpuUsage();
  for (let i = 0; i < requests; i++) await one();
  const c = process.cpuUsage(c0);
  await pool.close();
  await running.close();
  await rm(dir, { recursive: true, force: true });
  if (logged === 0) throw new Error('nothing was logged');
  console.log(JSON.stringify({ cpuUsPerRequest: (c.user + c.system) / requests }));
  process.exit(0);
}
