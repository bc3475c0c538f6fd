#!/usr/bin/env node
// `node bench/same-run.mjs --roots /work/base,.`: the same checklist run by two builds of gonogo, with the
// clock fixed (GONOGO_NOW), gives the same JSON report, `runs`, `run_results` and `audit_events` once what
// measures time (durations, latency, the server's Date header) and the hashes over those are blanked.
// The checklist: N items (1,300) against nginx, passes, failures (a condition that does not hold) and
// connection errors (a closed port), in one flat section. Exits 1 when anything differs.
// --warm: each build runs the checklist once first (its store thrown away), so the run compared reads
// its checklist from the parse cache.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { gonogoRunArgs } from './measure.mjs';
import { startNginx } from './nginx.mjs';

const { values } = parseArgs({
  options: {
    roots: { type: 'string', default: '/work/base,.' },
    items: { type: 'string', default: '1300' },
    warm: { type: 'boolean', default: false },
  },
});
const roots = values.roots.split(',').map((r) => resolve(r));
const N = Number(values.items);
const NOW = '2026-12-06T10:00:00.000Z';

function checklist(base) {
  const lines = [
    '---',
    'id: same-run',
    'name: Same run',
    'environments:',
    `  bench: { BASE_URL: "${base}" }`,
    '---',
    '# Same',
  ];
  for (let i = 0; i < N; i++) {
    const kind = i % 13 === 5 ? 'fail' : i % 17 === 3 ? 'error' : 'pass';
    const target = kind === 'error' ? `http://127.0.0.1:1/item/${i}` : `\${BASE_URL}/item/${i}`;
    const expect =
      kind === 'fail'
        ? '[status == 404, body.ok == true]'
        : '[status == 200, body.ok == true, \'"x-request-id" in headers\']';
    lines.push(
      `- [ ] Endpoint ${i} answers`,
      '  ```check',
      `  http: ${target}`,
      `  expect: ${expect}`,
      '  retries: 0',
      '  ```',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Values that measure time, blanked wherever they appear (JSON text or objects). */
function blank(value, key) {
  if (Array.isArray(value)) return value.map((v) => blank(v));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = blank(v, k);
    return out;
  }
  if (
    [
      'durationMs',
      'duration_ms',
      'latency_ms',
      'date',
      'hash',
      'prev_hash',
      'outcomes',
      'last-modified',
      'etag',
    ].includes(key)
  )
    return '#';
  if (typeof value === 'string' && (value.startsWith('{') || value.startsWith('['))) {
    try {
      return JSON.stringify(blank(JSON.parse(value)));
    } catch {
      return value;
    }
  }
  // Messages name the latency of a failing check only through conditions; a connection error's text is stable.
  return value;
}

const nginx = await startNginx();
const scratch = await mkdtemp(join(tmpdir(), 'gonogo-same-'));
try {
  const file = join(scratch, 'same.md');
  await writeFile(file, checklist(nginx.url));
  const got = [];
  for (const [i, root] of roots.entries()) {
    const db = join(scratch, `run-${i}.db`);
    const out = join(scratch, `run-${i}.json`);
    let code = 0;
    const env = { ...process.env, GONOGO_NOW: NOW, GONOGO_CACHE_DIR: join(scratch, `cache-${i}`) };
    if (values.warm) {
      const primer = join(scratch, `prime-${i}.db`);
      try {
        execFileSync(process.execPath, gonogoRunArgs(root, file, primer, out), { env, stdio: 'ignore' });
      } catch {
        // NO-GO exits 1: the cache is written all the same
      }
      await Promise.all(['', '-wal', '-shm'].map((s) => rm(`${primer}${s}`, { force: true })));
    }
    try {
      execFileSync(process.execPath, gonogoRunArgs(root, file, db, out), {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      code = err.status;
    }
    const raw = await readFile(out, 'utf8');
    const report = JSON.parse(raw);
    const sqlite = new Database(db, { readonly: true });
    // Each table in the order its readers read it: run_results by its primary key (run_id, item), which
    // every reader orders or sorts by (a save writes the rows in that order since session 20; before, in
    // the run's order), the others as written.
    const order = { runs: 'rowid', run_results: 'run_id, item', audit_events: 'rowid' };
    const tables = Object.fromEntries(
      Object.entries(order).map(([t, by]) => [t, sqlite.prepare(`SELECT * FROM ${t} ORDER BY ${by}`).all()]),
    );
    sqlite.close();
    got.push({ root, code, report, tables, raw });
    console.log(
      `${root}: exit ${code}, ${JSON.stringify(report.summary)}, ${tables.run_results.length} results, ${tables.audit_events.length} events`,
    );
  }
  let differ = 0;
  const [a, b] = got;
  const compare = (what, x, y) => {
    const sx = JSON.stringify(blank(x));
    const sy = JSON.stringify(blank(y));
    const same = sx === sy;
    if (!same) {
      differ++;
      let at = 0;
      while (sx[at] === sy[at]) at++;
      console.log(
        `${what}: DIFFER at ${at}:\n  ${sx.slice(Math.max(0, at - 120), at + 120)}\n  ${sy.slice(Math.max(0, at - 120), at + 120)}`,
      );
    } else console.log(`${what}: equal (${sx.length} characters blanked)`);
  };
  if (a.code !== b.code) {
    differ++;
    console.log(`exit codes differ: ${a.code} ${b.code}`);
  }
  compare('report', a.report, b.report);
  for (const t of ['runs', 'run_results', 'audit_events']) compare(t, a.tables[t], b.tables[t]);
  // The report's bytes as written, but for the values that measure time and the hashes over them.
  const bytes = (text) =>
    text
      .replace(/"(durationMs|latency_ms)": [0-9.]+/g, '"$1": #')
      .replace(/"(date|hash|last-modified|etag)": "(?:[^"\\]|\\.)*"/g, '"$1": #');
  if (bytes(a.raw) === bytes(b.raw))
    console.log(`report bytes: equal (${a.raw.length} / ${b.raw.length} bytes)`);
  else {
    differ++;
    console.log('report bytes: DIFFER');
  }
  process.exitCode = differ > 0 ? 1 : 0;
  console.log(differ > 0 ? `${differ} difference(s)` : 'same');
} finally {
  await nginx.stop();
  await rm(scratch, { recursive: true, force: true });
}
