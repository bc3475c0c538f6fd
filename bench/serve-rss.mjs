#!/usr/bin/env node
// `node bench/serve-rss.mjs ROOT [GONOGO_NODE_FLAGS]`: the RSS of a real `gonogo serve` (ROOT/bin/gonogo) and of the
// node processes it starts (its launcher and server: src/app/respawn.ts), after start, after 15 s idle, and after
// 10 s of 100 clients asking the preflight of a 50-item checklist. The second argument sets
// GONOGO_NODE_FLAGS (`none`: one process, as before the launcher).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';

const root = process.argv[2];
const env = { ...process.env, ...(process.argv[3] ? { GONOGO_NODE_FLAGS: process.argv[3] } : {}) };
const dir = mkdtempSync(join(tmpdir(), 'rss13-'));
writeFileSync(
  join(dir, 'launch.md'),
  `---\nid: launch\n---\n# Launch\n## Ops\n${Array.from({ length: 50 }, (_, i) => `- [ ] Item ${i + 1} done\n`).join('')}`,
);
env.GONOGO_DB = join(dir, 'db.sqlite');
// A limit high enough never to refuse (as bench/preflight.mjs sets it).
env.GONOGO_RATE_LIMIT = '1000000000';
const token = execFileSync(
  process.execPath,
  [join(root, 'bin/gonogo'), 'token', 'create', '--name', 'b', '--role', 'admin'],
  { cwd: dir, env, encoding: 'utf8' },
).trim();
const p = spawn(process.execPath, [join(root, 'bin/gonogo'), 'serve', '--checklists', '.', '--port', '0'], {
  cwd: dir,
  env,
  stdio: ['ignore', 'pipe', 'ignore'],
});
let out = '';
const url = await new Promise((r) =>
  p.stdout.on('data', (d) => {
    out += d;
    const m = /on (http:\S+) /.exec(out);
    if (m) r(m[1]);
  }),
);
const tree = () => {
  const kids = existsSync(`/proc/${p.pid}/task/${p.pid}/children`)
    ? readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    : [];
  return [p.pid, ...kids.map(Number)];
};
const rss = (pid, key = 'VmRSS') =>
  Number(
    /(\d+) kB/.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(key)),
    )[1],
  ) / 1024;
const show = (what) =>
  console.log(
    what,
    tree()
      .map(
        (pid) =>
          `${pid === p.pid ? 'launcher/only' : 'child'} ${rss(pid).toFixed(0)} MB (peak ${rss(pid, 'VmHWM').toFixed(0)})`,
      )
      .join(', '),
    `total ${tree()
      .reduce((a, pid) => a + rss(pid), 0)
      .toFixed(0)} MB`,
  );
await new Promise((r) => setTimeout(r, 3000));
show('after start');
await new Promise((r) => setTimeout(r, 12000));
show('idle 15 s');
const ids = await (
  await fetch(`${url}/api/v1/checklists`, { headers: { authorization: `Bearer ${token}` } })
).json();
const id = (ids.checklists ?? ids)[0].id;
const pool = new Pool(url, { connections: 100 });
const end = Date.now() + 10000;
let n = 0;
let bad = 0;
await Promise.all(
  Array.from({ length: 100 }, async () => {
    while (Date.now() < end) {
      const r = await pool.request({
        path: `/api/v1/checklists/${id}/preflight`,
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      });
      await r.body.arrayBuffer();
      if (r.statusCode !== 200) bad += 1;
      n++;
    }
  }),
);
show(`after 10 s of 100 clients (${n} preflights, ${bad} not 200)`);
p.kill('SIGTERM');
await new Promise((r) => p.once('exit', r));
await pool.close();
