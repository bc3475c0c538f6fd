#!/usr/bin/env node
// `node bench/tick-store.mjs ROOT [ROOT...] [--items N] [--ticks T] [--rounds R]`: what one watch tick's
// store writes cost in a build (ROOT's `dist/`, SQLite): `claimSlots` of N items' sample slots (one
// checklist, environment and slot, as the loop claims them) and `addSamples` of their N samples, each
// sample timed to its own millisecond as checks finish (issue 15, branch sched10). Each round runs every
// ROOT in its own process, in turn (the order alternates); a process writes T ticks into a fresh store
// and reports the CPU (user + sys) per tick of each call over its last three quarters. Prints the
// medians per build. Default 500 items (10,000 checks a minute at 3 s), 200 ticks, 3 rounds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
  },
});
const items = Number(values.items);
const ticks = Number(values.ticks);

if (values.child) await child(resolve(positionals[0]));
else parent();

function parent() {
  const roots = (positionals.length > 0 ? positionals : ['.']).map((r) => resolve(r));
  const got = new Map(roots.map((r) => [r, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 ? [...roots].reverse() : roots;
    for (const root of order) {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', root, '--items', String(items), '--ticks', String(ticks)],
        { encoding: 'utf8' },
      );
      const r = JSON.parse(out);
      got.get(root).push(r);
      console.log(
        `  round ${round + 1} ${root}: claims ${r.claimMs.toFixed(2)} ms, samples ${r.samplesMs.toFixed(2)} ms a tick`,
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
    console.log(
      `${root}: claims ${c.toFixed(2)} ms, samples ${s.toFixed(2)} ms CPU a tick of ${items} (medians)`,
    );
  }
}

async function child(root) {
  const { openStore } = await import(pathToFileURL(join(root, 'dist', 'store', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-tick-'));
  const store = await openStore(join(dir, 'gonogo.db'));
  const every = 3000;
  const slot0 = Math.floor(Date.now() / every) * every - ticks * every;
  const names = Array.from({ length: items }, (_, i) => `section-${Math.floor(i / 50)}/check-${i}`);
  let claimUs = 0;
  let samplesUs = 0;
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
    await store.claimSlots(claims);
    c = process.cpuUsage(c);
    if (k >= ticks - counted) claimUs += c.user + c.system;
    // A tick's checks end over ~0.3 s: a few to the millisecond, as runCheck times them.
    const samples = names.map((item, i) => ({
      checklist: 'bench-watch',
      environment: 'bench',
      item,
      at: new Date(at + Math.floor(i * 0.6)).toISOString(),
      ok: true,
    }));
    c = process.cpuUsage();
    await store.addSamples(samples);
    c = process.cpuUsage(c);
    if (k >= ticks - counted) samplesUs += c.user + c.system;
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ claimMs: claimUs / counted / 1000, samplesMs: samplesUs / counted / 1000 }));
}
