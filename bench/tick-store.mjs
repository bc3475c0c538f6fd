#!/usr/bin/env node
// `node bench/tick-store.mjs ROOT [ROOT...] [--items N] [--ticks T] [--rounds R]`: what one watch tick's
// store writes cost in a build (ROOT's `dist/`, SQLite): `claimSlots` of N items' sample slots (one
// checklist, environment and slot, as the loop claims them) and `addSamples` of their N samples, each
// sample timed to its own millisecond as checks finish (issue 15, branch sched10). Each round runs every
// ROOT in its own process, in turn (the order alternates); a process writes T ticks into a fresh store
// and reports the CPU (user + sys) per tick of each call over its last three quarters. Prints the
// medians per build. Default 500 items (10,000 checks a minute at 3 s), 200 ticks, 3 rounds.
// `--postgres URL` (a server and a database to connect to first, e.g. postgres://postgres@localhost/test):
// each process makes a fresh database there instead of a SQLite file, and reports this process's CPU
// (the server's is not counted) and the wall time per tick of each call (branch sched12).
// `--callgrind`: instead of CPU time, instructions counted by `valgrind --tool=callgrind` (JIT, GC and
// native SQLite included; repeatable whatever the machine's load): each call alone, in a process of T
// ticks and one of 3T, per ROOT in turn; the difference over 2T is the instructions a tick of that call
// costs, warm-up and start-up cancelled. Slow (~1 s of valgrind a tick): use --ticks 20.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    items: { type: 'string', default: '500' },
    ticks: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'boolean', default: false },
    postgres: { type: 'string' },
    callgrind: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const items = Number(values.items);
const ticks = Number(values.ticks);

if (values.child) await child(resolve(positionals[0]));
else if (values.callgrind) instructions();
else parent();

/** This script's arguments for a child measuring `n` ticks of the build in `root`. */
function childArgs(root, n) {
  return [fileURLToPath(import.meta.url), '--child', root, '--items', String(items), '--ticks', String(n)];
}

/** Instructions a tick of each call costs per build (see the header). */
function instructions() {
  const roots = (positionals.length > 0 ? positionals : ['.']).map((r) => resolve(r));
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-tick-cg-'));
  const count = (root, only, n) => {
    const out = join(dir, `cg-${only}-${n}`);
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--smc-check=all-non-file',
        `--callgrind-out-file=${out}`,
        process.execPath,
        ...childArgs(root, n),
        '--only',
        only,
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    const events = readFileSync(out, 'utf8').match(/^summary: (\d+)/m);
    return Number(events[1]);
  };
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = round % 2 ? [...roots].reverse() : roots;
      for (const root of order) {
        const per = {};
        for (const only of ['claims', 'samples'])
          per[only] = (count(root, only, 3 * ticks) - count(root, only, ticks)) / (2 * ticks);
        console.log(
          `  round ${round + 1} ${root}: claims ${(per.claims / 1e6).toFixed(2)} M instructions, samples ${(per.samples / 1e6).toFixed(2)} M a tick of ${items}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parent() {
  const roots = (positionals.length > 0 ? positionals : ['.']).map((r) => resolve(r));
  const got = new Map(roots.map((r) => [r, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 ? [...roots].reverse() : roots;
    for (const root of order) {
      const out = execFileSync(
        process.execPath,
        [...childArgs(root, ticks), ...(values.postgres ? ['--postgres', values.postgres] : [])],
        { encoding: 'utf8' },
      );
      const r = JSON.parse(out);
      got.get(root).push(r);
      console.log(
        `  round ${round + 1} ${root}: claims ${r.claimMs.toFixed(2)} ms, samples ${r.samplesMs.toFixed(2)} ms a tick (wall ${r.claimWallMs.toFixed(2)}, ${r.samplesWallMs.toFixed(2)})`,
      );
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  for (const [root, rs] of got) {
    const c = median(rs.map((r) => r.claimMs));
    const s = median(rs.map((r) => r.samplesMs));
    const cw = median(rs.map((r) => r.claimWallMs));
    const sw = median(rs.map((r) => r.samplesWallMs));
    console.log(
      `${root}: claims ${c.toFixed(2)} ms, samples ${s.toFixed(2)} ms CPU a tick of ${items}; wall ${cw.toFixed(2)}, ${sw.toFixed(2)} ms (medians)`,
    );
  }
}

async function child(root) {
  const { openStore } = await import(pathToFileURL(join(root, 'dist', 'store', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-tick-'));
  const fresh = values.postgres ? await freshDatabase(root, values.postgres) : undefined;
  const store = await openStore(fresh?.url ?? join(dir, 'gonogo.db'));
  const every = 3000;
  const slot0 = Math.floor(Date.now() / every) * every - ticks * every;
  const names = Array.from({ length: items }, (_, i) => `section-${Math.floor(i / 50)}/check-${i}`);
  let claimUs = 0;
  let samplesUs = 0;
  let claimWall = 0;
  let samplesWall = 0;
  const counted = ticks - Math.floor(ticks / 4);
  for (let k = 0; k < ticks; k++) {
    const at = slot0 + k * every;
    const slot = new Date(at).toISOString();
    const claims = names.map((what) => ({
      checklist: 'bench-watch',
      environment: 'bench',
      what,
      slot,
      holder: 'host:1:abcdef',
      at: slot,
    }));
    let c = process.cpuUsage();
    let w = performance.now();
    if (values.only !== 'samples') await store.claimSlots(claims);
    c = process.cpuUsage(c);
    w = performance.now() - w;
    if (k >= ticks - counted) {
      claimUs += c.user + c.system;
      claimWall += w;
    }
    // A tick's checks end over ~0.3 s: a few to the millisecond, as runCheck times them.
    const samples = names.map((item, i) => ({
      checklist: 'bench-watch',
      environment: 'bench',
      item,
      at: new Date(at + Math.floor(i * 0.6)).toISOString(),
      ok: true,
    }));
    c = process.cpuUsage();
    w = performance.now();
    if (values.only !== 'claims') await store.addSamples(samples);
    c = process.cpuUsage(c);
    w = performance.now() - w;
    if (k >= ticks - counted) {
      samplesUs += c.user + c.system;
      samplesWall += w;
    }
  }
  await store.close();
  await fresh?.drop();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      claimMs: claimUs / counted / 1000,
      samplesMs: samplesUs / counted / 1000,
      claimWallMs: claimWall / counted,
      samplesWallMs: samplesWall / counted,
    }),
  );
}

/** A new database on the server of `url` (through ROOT's `pg`), and how to drop it. */
async function freshDatabase(root, url) {
  const { createRequire } = await import('node:module');
  const pg = createRequire(join(root, 'package.json'))('pg');
  const name = `gonogo_tick_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return {
    url: fresh.href,
    async drop() {
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    },
  };
}
