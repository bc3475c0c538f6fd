#!/usr/bin/env node
// `node bench/audit.mjs` (after `npm run build`): how fast `gonogo audit verify` checks a long chain, and
// what the state-binding check costs one evaluation, measured side by side in one run.
//  (a) verify: a 100,000-event chain (attestations, waivers, sign-offs, runs with outcomes, imports: every
//      bound event with its state row) on SQLite (a temp file) and on PostgreSQL (a temp database, dropped
//      after). Timed: the real CLI (`bin/gonogo audit verify`) against the floor, a pure sha256 chain over
//      the same canonical bytes in a child process of its own. `audit head` on the same store (start-up,
//      open, migrations check, one read) is timed too and taken off, so events/s is the verify itself.
//      On PostgreSQL the CPU of the server's backends for that database is measured beside gonogo's.
//      Beside them, for canonical data, the read ceiling: bench/verify-ceiling.mjs in a fresh process
//      reading and hashing all that verify reads with nothing compared (one pass, timed from its first
//      read, as verify is net of start-up): what a verify of this store on this machine cannot beat.
//  (b) evaluation: the store reads one evaluation makes for a 140-item checklist (latest vouched run with
//      its outcomes, attestations, waivers, sign-offs, each checked against its event), in this process.
// `--base DIR` times another gonogo tree (with its own built dist/, e.g. /work/base) alternately with this
// one on the same stores. Options: --events N (100000) --rounds N (5) --eval-rounds N (200)
// --backends sqlite,postgres --pg URL (an admin URL; a temp database is made next to it) --keep (leave the
// stores behind and print where, to profile them).
import { createHash, hash as oneShotHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { measure as measureProcess } from './measure.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The read ceiling's script and the variant of it that reads and hashes all that verify reads. */
const CEILING = fileURLToPath(new URL('./verify-ceiling.mjs', import.meta.url));
const SQLITE_CEILING = 'events 9 cols + sha256 + state tables';
const PG_CEILING = 'everything + JS splice + sha256 chain';
const GENESIS = '0'.repeat(64);
const TARGET_EVENTS_PER_S = 200_000;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    'eval-rounds': { type: 'string', default: '200' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    styles: { type: 'string', default: 'canonical,legacy' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    base: { type: 'string' },
    floor: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

/** sha256 of a string, one shot where Node has it (20.12+): the floor uses the fastest primitive. */
const sha256 = oneShotHash
  ? (text) => oneShotHash('sha256', text)
  : (text) => createHash('sha256').update(text).digest('hex');

// Child mode: the floor. Reads the canonical bytes (one event a line) and chains them, timing only that.
if (values.floor) {
  const lines = (await readFile(values.floor, 'utf8')).split('\n');
  const expected = lines.pop();
  const chain = (fn) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    let prev = GENESIS;
    for (const line of lines) prev = fn(prev + line);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(cpu);
    if (prev !== expected) throw new Error(`floor: chain ends at ${prev}, not ${expected}`);
    return { ms, cpuMs: (c.user + c.system) / 1000 };
  };
  const fast = chain(sha256);
  const classic = chain((text) => createHash('sha256').update(text).digest('hex'));
  process.stdout.write(JSON.stringify({ ...fast, createHash: classic, events: lines.length }));
  process.exit(0);
}

const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const EVAL_ROUNDS = Number(values['eval-rounds']);
const BACKENDS = values.backends.split(',').map((b) => b.trim());
const STYLES = values.styles.split(',').map((b) => b.trim());
const TREES = [{ name: 'this', root: ROOT }];
if (values.base) TREES.push({ name: 'base', root: resolve(values.base) });
for (const t of TREES) {
  if (!existsSync(join(t.root, 'dist', 'store', 'index.js'))) {
    console.error(`${t.root}: no dist/ there; run npm run build in it first`);
    process.exit(2);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => loadavg()[0].toFixed(1);
const rate = (n, ms) => Math.round((n / ms) * 1000);
const k = (x) => `${(x / 1000).toFixed(0)}k/s`;

/** The chain's canonical form: keys sorted at every depth, as JSON.stringify writes values. */
function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const key of Object.keys(v).sort()) out[key] = sortDeep(v[key]);
    return out;
  }
  return v;
}
const canonical = (v) => JSON.stringify(sortDeep(JSON.parse(JSON.stringify(v))));
const hashedOf = (e) =>
  canonical({
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    checklist: e.checklist,
    environment: e.environment,
    data: e.data,
  });

/** measure.mjs's measure, its probe files in `scratch`. */
const measure = (args, scratch) => measureProcess(args, { scratch });

/** The PIDs of the local PostgreSQL postmasters (a `postgres` process whose parent is not one), once. */
let postmasters;
async function findPostmasters() {
  if (postmasters) return postmasters;
  const comm = async (pid) => (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
  const stat = async (pid) => (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ')[1];
  postmasters = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || (await comm(pid)) !== 'postgres') continue;
    const ppid = (await stat(pid))?.split(' ')[1];
    if (ppid && (await comm(ppid)) !== 'postgres') postmasters.push(pid);
  }
  return postmasters;
}

/**
 * `work` (one measured process) with the CPU (ms, user + system) of the PostgreSQL backends serving
 * database `dbName` meanwhile: the postmaster's children whose title names the database, their
 * /proc/PID/stat sampled every 5 ms (a backend's last sample before it exits; ticks of 10 ms). Local
 * servers only; `serverCpuMs` is NaN when no postmaster is visible.
 */
async function withServerCpu(dbName, work) {
  const pms = await findPostmasters();
  if (pms.length === 0) return { ...(await work()), serverCpuMs: Number.NaN };
  const ours = new Map(); // pid -> true (serves dbName) | false
  const ticks = new Map(); // pid -> utime + stime, last seen
  const title = new RegExp(`^postgres: [^ ]+ [^ ]+ ${dbName} `);
  let sampling = true;
  const sample = async () => {
    for (const pm of pms) {
      const children = (await readFile(`/proc/${pm}/task/${pm}/children`, 'utf8').catch(() => ''))
        .split(' ')
        .filter(Boolean);
      for (const pid of children) {
        if (!ours.has(pid)) {
          const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
          if (!cmd.startsWith('postgres: ')) continue; // not titled yet (just forked): look again
          ours.set(pid, title.test(cmd));
        }
        if (!ours.get(pid)) continue;
        const f = (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.split(' ');
        if (f) ticks.set(pid, Number(f[11]) + Number(f[12]));
      }
    }
  };
  const loop = (async () => {
    while (sampling) {
      await sample();
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  let m;
  try {
    m = await work();
  } finally {
    sampling = false;
    await loop;
  }
  let sum = 0;
  for (const t of ticks.values()) sum += t;
  return { ...m, serverCpuMs: sum * 10 };
}

/** One measured gonogo process, with its PostgreSQL backends' CPU when `url` is a PostgreSQL store. */
const measureStore = (args, url) =>
  url.startsWith('postgres')
    ? withServerCpu(new URL(url).pathname.slice(1), () => measure(args, scratch))
    : measure(args, scratch);

// ---- building the stores -------------------------------------------------------------------------

const ITEMS = 140;
const EVAL_CHECKLIST = 'seed-004';
const ENV = 'production';
const at = (i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

/** The evaluation scenario, written through the store itself: a 140-item run, attestations, waivers, sign-offs. */
async function seedThroughStore(openStore, location) {
  const store = await openStore(location, { now: () => new Date('2026-01-01T00:00:00Z') });
  try {
    await store.recordChecklist({ id: EVAL_CHECKLIST, name: 'Seed 004', digest: 'sha256:04' }, 'bench');
    const outcomes = Array.from({ length: ITEMS }, (_, i) => ({
      item: `section-${i % 7}/item-${i}`,
      status: i % 9 === 0 ? 'fail' : 'pass',
      message: i % 9 === 0 ? 'status == 503, expected 200' : 'ok',
      observed: {
        status: i % 9 === 0 ? 503 : 200,
        latency_ms: 10 + (i % 40),
        headers: { 'x-request-id': `r-${i}` },
      },
      durationMs: 10 + (i % 40),
      at: at(i),
    }));
    const summary = { pass: 124, fail: 16, error: 0, pending: 0, waived: 0, skipped: 0 };
    for (let r = 0; r < 3; r++) {
      await store.saveRun({
        checklist: EVAL_CHECKLIST,
        environment: ENV,
        digest: 'sha256:04',
        startedAt: at(1000 + r * 10),
        finishedAt: at(1001 + r * 10),
        verdict: 'NO-GO',
        summary,
        outcomes,
        trigger: 'cli',
      });
    }
    for (let i = 0; i < 60; i++) {
      await store.addAttestation({
        checklist: EVAL_CHECKLIST,
        environment: ENV,
        item: `manual/item-${i}`,
        evidence: `https://tickets.example/OPS-${1000 + i} — geçti ✓`,
        by: `person-${i % 5}`,
        at: at(2000 + i),
        ...(i % 3 === 0 ? { expiresAt: at(9_000_000) } : {}),
      });
    }
    for (let i = 0; i < 10; i++) {
      await store.addWaiver({
        checklist: EVAL_CHECKLIST,
        environment: ENV,
        item: `section-1/item-${i * 7 + 1}`,
        reason: 'vendor fix scheduled',
        owner: 'sre',
        by: 'lead',
        at: at(3000 + i),
        expiresAt: at(3000 + i + 86400 * 20),
      });
    }
    for (const role of ['engineering', 'security', 'product']) {
      await store.addSignoff({
        checklist: EVAL_CHECKLIST,
        environment: ENV,
        role,
        digest: 'sha256:04',
        by: `${role}-lead`,
        at: at(4000),
      });
    }
  } finally {
    await store.close();
  }
}

/**
 * The rest of the chain, generated: every 20 events 12 attestations, 3 waivers, 2 sign-offs, 2 runs (3
 * outcomes each) and an import, across 50 checklists, each bound event with its state row. Written as
 * gonogo writes them (data as JSON.stringify of the object built in gonogo's key order).
 */
function* generated(head, firstRunId, count) {
  let prev = head.hash;
  let runId = firstRunId;
  for (let i = 1; i <= count; i++) {
    const seq = head.seq + i;
    const slot = i % 20;
    const checklist = `list-${i % 50}`;
    const base = { seq, at: at(10_000 + i), checklist, environment: ENV };
    let e;
    let row;
    if (slot < 12) {
      const data = {
        item: `ops/item-${i % 300}`,
        evidence: `ticket OPS-${i} ✓ "ok"`,
        ...(slot % 4 === 0 ? { expiresAt: at(9_000_000 + i) } : {}),
      };
      e = { ...base, type: 'item.attested', actor: `person-${i % 17}`, data };
      row = {
        table: 'attestations',
        values: {
          checklist,
          environment: ENV,
          item: data.item,
          evidence: data.evidence,
          value: null,
          file_name: null,
          file_sha256: null,
          by: e.actor,
          at: e.at,
          expires_at: data.expiresAt ?? null,
          seq,
        },
      };
    } else if (slot < 15) {
      const data = {
        item: `ops/item-${i % 300}`,
        reason: 'accepted for launch',
        owner: 'sre',
        expiresAt: at(5_000_000 + i),
      };
      e = { ...base, type: 'waiver.granted', actor: 'lead', data };
      row = {
        table: 'waivers',
        values: {
          checklist,
          environment: ENV,
          item: data.item,
          reason: data.reason,
          owner: data.owner,
          by: e.actor,
          at: e.at,
          expires_at: data.expiresAt,
          seq,
        },
      };
    } else if (slot < 17) {
      const data = { role: slot === 15 ? 'security' : 'engineering', digest: `sha256:${i % 50}` };
      e = { ...base, type: 'signoff.given', actor: `signer-${i % 7}`, data };
      row = {
        table: 'signoffs',
        values: {
          checklist,
          environment: ENV,
          role: data.role,
          digest: data.digest,
          by: e.actor,
          at: e.at,
          seq,
          person: null,
          evidence: null,
        },
      };
    } else if (slot < 19) {
      runId += 1;
      const outcomes = [0, 1, 2].map((n) => ({
        item: `ops/check-${n}`,
        status: n === 2 && i % 3 === 0 ? 'fail' : 'pass',
        message: 'status == 200',
        observed: { status: 200, latency_ms: n + 3 },
        durationMs: n + 3,
        at: base.at,
      }));
      const summary = { pass: 3, fail: 0, error: 0, pending: 0, waived: 0, skipped: 0 };
      const digest = `sha256:${sha256(canonical(outcomes))}`;
      const data = {
        run: runId,
        digest: 'sha256:cafe',
        verdict: 'GO',
        summary,
        trigger: 'scheduler',
        startedAt: at(10_000 + i - 1),
        outcomes: digest,
      };
      e = { ...base, type: 'run.completed', actor: 'scheduler', data };
      row = {
        table: 'runs',
        values: {
          id: runId,
          checklist,
          environment: ENV,
          digest: 'sha256:cafe',
          started_at: data.startedAt,
          finished_at: e.at,
          verdict: 'GO',
          summary: JSON.stringify(summary),
          trigger: 'scheduler',
          seq,
        },
        results: outcomes.map((o) => ({
          run_id: runId,
          item: o.item,
          status: o.status,
          message: o.message,
          observed: JSON.stringify(o.observed),
          duration_ms: o.durationMs,
          at: o.at,
        })),
      };
    } else {
      e = {
        ...base,
        type: 'checklist.imported',
        actor: 'ci',
        data: { digest: `sha256:${i}`, name: `List ${i % 50}` },
      };
    }
    const hash = sha256(prev + hashedOf(e));
    yield { event: { ...e, prevHash: prev, hash }, row };
    prev = hash;
  }
}

/** Raw access to a built store, for bulk writes and reading the chain back. */
async function rawSqlite(file) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  return {
    async one(sql) {
      return db.prepare(sql).get();
    },
    async all(sql) {
      return db.prepare(sql).all();
    },
    async exec(sql) {
      db.exec(sql);
    },
    async insertMany(table, rows) {
      if (rows.length === 0) return;
      const cols = Object.keys(rows[0]);
      const st = db.prepare(
        `insert into ${table} (${cols.map((c) => `"${c}"`).join(',')}) values (${cols.map(() => '?').join(',')})`,
      );
      for (const r of rows) st.run(cols.map((c) => r[c]));
    },
    async begin() {
      db.exec('begin immediate');
    },
    async commit() {
      db.exec('commit');
    },
    async close() {
      db.close();
    },
  };
}

async function rawPostgres(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async one(sql) {
      return (await client.query(sql)).rows[0];
    },
    async all(sql) {
      return (await client.query(sql)).rows;
    },
    async exec(sql) {
      await client.query(sql);
    },
    async insertMany(table, rows) {
      if (rows.length === 0) return;
      const cols = Object.keys(rows[0]);
      const per = Math.floor(60_000 / cols.length);
      for (let i = 0; i < rows.length; i += per) {
        const part = rows.slice(i, i + per);
        const params = [];
        const tuples = part.map((r) => `(${cols.map((c) => `$${params.push(r[c])}`).join(',')})`);
        await client.query(
          `insert into ${table} (${cols.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}`,
          params,
        );
      }
    },
    async begin() {
      await client.query('begin');
    },
    async commit() {
      await client.query(`select setval(pg_get_serial_sequence('runs', 'id'), (select max(id) from runs))`);
      await client.query('commit');
    },
    async close() {
      await client.end();
    },
  };
}

/** Extend the store's chain to `total` events, then read it back: the canonical bytes of every event. */
async function extendChain(raw, total, style) {
  const head = await raw.one('select seq, hash from audit_head where id = 1');
  const lastRun = await raw.one('select max(id) as id from runs');
  const start = { seq: Number(head.seq), hash: head.hash };
  await raw.begin();
  let events = [];
  const rows = { attestations: [], waivers: [], signoffs: [], runs: [], run_results: [] };
  const flush = async () => {
    await raw.insertMany('audit_events', events);
    for (const t of ['runs', 'run_results', 'attestations', 'waivers', 'signoffs']) {
      await raw.insertMany(t, rows[t]);
      rows[t] = [];
    }
    events = [];
  };
  let last = start;
  for (const { event: e, row } of generated(start, Number(lastRun.id ?? 0), total - start.seq)) {
    events.push({
      seq: e.seq,
      at: e.at,
      type: e.type,
      actor: e.actor,
      checklist: e.checklist,
      environment: e.environment,
      // As this version writes data (canonical JSON), or as earlier ones did (JSON.stringify).
      data: style === 'legacy' ? JSON.stringify(e.data) : canonical(e.data),
      prev_hash: e.prevHash,
      hash: e.hash,
    });
    if (row) {
      rows[row.table].push(row.values);
      if (row.results) rows.run_results.push(...row.results);
    }
    last = e;
    if (events.length >= 5000) await flush();
  }
  await flush();
  await raw.exec(`update audit_head set seq = ${last.seq}, hash = '${last.hash}' where id = 1`);
  await raw.commit();
  // Read back what is stored: the floor hashes exactly these events' canonical bytes.
  const stored = await raw.all('select * from audit_events order by seq');
  const lines = stored.map((r) => hashedOf({ ...r, seq: Number(r.seq), data: JSON.parse(r.data) }));
  return { lines, head: last };
}

// ---- the run ------------------------------------------------------------------------------------

const scratch = await mkdtemp(join(tmpdir(), 'gonogo-bench-audit-'));
const results = {
  at: new Date().toISOString(),
  node: process.version,
  events: EVENTS,
  floorPrimitive: oneShotHash ? 'crypto.hash' : 'createHash',
  target: TARGET_EVENTS_PER_S,
  loadAverageAtStart: loadavg()[0],
};
const cleanups = [];
process.once('SIGINT', async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  process.exit(130);
});
console.log(
  `audit bench: ${EVENTS.toLocaleString('en')} events, ${ROUNDS} rounds, trees: ${TREES.map((t) => t.name).join(', ')}; load average ${load()}`,
);

async function makeBackend(name, style) {
  if (name === 'sqlite') {
    const file = join(scratch, style, 'gonogo.db');
    await mkdir(join(scratch, style), { recursive: true });
    const copy = async (tree) => {
      const to = join(scratch, style, `${tree}.db`);
      await copyFile(file, to);
      return to;
    };
    return { location: file, raw: () => rawSqlite(file), copy, drop: async () => {} };
  }
  const { default: pg } = await import('pg');
  const dbName = `gonogo_bench_audit_${style}_${process.pid}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName}`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const urlOf = (name) => {
    const url = new URL(values.pg);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const names = [dbName];
  const drop = async () => {
    const a = new pg.Client({ connectionString: values.pg });
    await a.connect();
    for (const name of names) await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  };
  const copy = async (tree) => {
    const name = `${dbName}_${tree}`;
    const a = new pg.Client({ connectionString: values.pg });
    await a.connect();
    await a.query(`drop database if exists ${name}`);
    await a.query(`create database ${name} template ${dbName}`);
    await a.end();
    names.push(name);
    return urlOf(name);
  };
  cleanups.push(drop);
  return { location: urlOf(dbName), raw: () => rawPostgres(urlOf(dbName)), copy, drop };
}

const storeOf = {};
for (const t of TREES)
  storeOf[t.name] = await import(pathToFileURL(join(t.root, 'dist', 'store', 'index.js')).href);

for (const backend of BACKENDS)
  for (const style of STYLES) {
    const b = await makeBackend(backend, style);
    try {
      const t0 = performance.now();
      // Built through the base tree when one is given (its schema is the older one), then copied once per
      // tree: each tree migrates its own copy (untimed, below), and a tree never opens a store with a
      // migration it does not know.
      await seedThroughStore((storeOf.base ?? storeOf.this).openStore, b.location);
      const raw = await b.raw();
      const { lines, head } = await extendChain(raw, EVENTS, style);
      await raw.close();
      const location = {};
      for (const t of TREES) {
        location[t.name] = TREES.length > 1 ? await b.copy(t.name) : b.location;
        const m = await measure(
          [join(t.root, 'bin', 'gonogo'), 'audit', 'head', '--db', location[t.name]],
          scratch,
        );
        if (m.code !== 0)
          throw new Error(`${t.name}: audit head (migrating its copy) exit ${m.code}: ${m.stderr}`);
      }
      const canonFile = join(scratch, `canonical-${backend}-${style}.txt`);
      await writeFile(canonFile, `${lines.join('\n')}\n${head.hash}`);
      console.log(
        `\n[${backend}, ${style === 'legacy' ? 'data stored as before this version' : 'data stored canonical'}] chain of ${lines.length.toLocaleString('en')} events built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );

      // (a) verify, alternating floor / read ceiling / each tree's verify / each tree's `audit head`, rotating
      // the order.
      const runs = { floor: [], ceiling: [] };
      for (const t of TREES) runs[t.name] = { verify: [], head: [] };
      const jobs = [
        [
          'floor',
          async () => {
            const m = await measure([fileURLToPath(import.meta.url), '--floor', canonFile], scratch);
            if (m.code !== 0) throw new Error(`floor failed: ${m.stderr}`);
            const f = JSON.parse(m.stdout);
            runs.floor.push({ ms: f.ms, cpuMs: f.cpuMs, classicMs: f.createHash.ms, processMs: m.wallMs });
          },
        ],
        // The read ceiling: a fresh process reading and hashing everything verify reads, nothing compared
        // (bench/verify-ceiling.mjs, one pass, timed from its first read): verify cannot be faster than this.
        // Its chain check holds only for canonical data.
        ...(style === 'canonical'
          ? [
              [
                'ceiling',
                async () => {
                  const where = location[TREES[0].name];
                  const args =
                    backend === 'sqlite'
                      ? [CEILING, where, '--only', SQLITE_CEILING, '--rounds', '1', '--json']
                      : [CEILING, '--pg', where, '--child', PG_CEILING];
                  const m = await measure(args, scratch);
                  if (m.code !== 0) throw new Error(`read ceiling failed: ${m.stderr}`);
                  const c = JSON.parse(m.stdout);
                  const r = backend === 'sqlite' ? c.variants[SQLITE_CEILING] : c;
                  runs.ceiling.push({
                    ms: r.wall,
                    cpuMs: r.cpu,
                    ...(r.server !== undefined ? { serverMs: r.server } : {}),
                  });
                },
              ],
            ]
          : []),
        ...TREES.flatMap((t) => [
          [
            `${t.name} verify`,
            async () => {
              const m = await measureStore(
                [
                  join(t.root, 'bin', 'gonogo'),
                  'audit',
                  'verify',
                  '--db',
                  location[t.name],
                  '--format',
                  'json',
                ],
                location[t.name],
              );
              const v = m.code === 0 ? JSON.parse(m.stdout) : undefined;
              if (!v?.ok || v.count !== EVENTS)
                throw new Error(
                  `${t.name}: audit verify did not say intact for ${EVENTS} events (exit ${m.code}): ${m.stdout.slice(0, 300)} ${m.stderr.slice(0, 300)}`,
                );
              runs[t.name].verify.push(m);
            },
          ],
          [
            `${t.name} head`,
            async () => {
              const m = await measureStore(
                [join(t.root, 'bin', 'gonogo'), 'audit', 'head', '--db', location[t.name]],
                location[t.name],
              );
              if (m.code !== 0) throw new Error(`${t.name}: audit head exit ${m.code}: ${m.stderr}`);
              runs[t.name].head.push(m);
            },
          ],
        ]),
      ];
      for (let r = 0; r < ROUNDS; r++) {
        for (let j = 0; j < jobs.length; j++) await jobs[(j + r) % jobs.length][1]();
      }
      const floorMs = median(runs.floor.map((f) => f.ms));
      const floorCpu = median(runs.floor.map((f) => f.cpuMs));
      const out = {
        floor: {
          eventsPerS: rate(EVENTS, floorMs),
          ms: floorMs,
          cpuMs: floorCpu,
          processMs: median(runs.floor.map((f) => f.processMs)),
          createHashEventsPerS: rate(EVENTS, median(runs.floor.map((f) => f.classicMs))),
        },
      };
      console.log(
        `  floor (sha256 chain over the canonical bytes, ${results.floorPrimitive}): ${k(out.floor.eventsPerS)} (${floorMs.toFixed(0)} ms); ` +
          `with a createHash object per event: ${k(out.floor.createHashEventsPerS)}`,
      );
      if (runs.ceiling.length > 0) {
        const ms = median(runs.ceiling.map((c) => c.ms));
        const cpuMs = median(runs.ceiling.map((c) => c.cpuMs));
        const serverMs =
          runs.ceiling[0].serverMs === undefined ? undefined : median(runs.ceiling.map((c) => c.serverMs));
        out.ceiling = {
          eventsPerS: rate(EVENTS, ms),
          eventsPerSCpu: rate(EVENTS, cpuMs),
          ms,
          cpuMs,
          serverMs,
        };
        console.log(
          `  read ceiling (a fresh process reading and hashing all that verify reads, nothing compared; bench/verify-ceiling.mjs): ` +
            `${k(out.ceiling.eventsPerS)} (${ms.toFixed(0)} ms; CPU ${k(out.ceiling.eventsPerSCpu)}${serverMs === undefined ? '' : `, server ${serverMs.toFixed(0)} ms`})` +
            `${out.ceiling.eventsPerS >= TARGET_EVENTS_PER_S ? '' : `: the ${k(TARGET_EVENTS_PER_S)} target is above it`}`,
        );
      }
      for (const t of TREES) {
        const v = runs[t.name].verify;
        const h = runs[t.name].head;
        const wall = median(v.map((m) => m.wallMs));
        const cpu = median(v.map((m) => m.cpuMs));
        const headWall = median(h.map((m) => m.wallMs));
        const headCpu = median(h.map((m) => m.cpuMs));
        const netMs = Math.max(1, wall - headWall);
        const netCpu = Math.max(1, cpu - headCpu);
        out[t.name] = {
          eventsPerS: rate(EVENTS, netMs),
          eventsPerSCpu: rate(EVENTS, netCpu),
          eventsPerSWholeProcess: rate(EVENTS, wall),
          verifyMs: wall,
          verifyCpuMs: cpu,
          headMs: headWall,
          headCpuMs: headCpu,
          peakRss: median(v.map((m) => m.peakRss)),
          ratioToFloor: netMs / floorMs,
          ratioToFloorCpu: netCpu / floorCpu,
          ...(out.ceiling
            ? { ratioToCeiling: netMs / out.ceiling.ms, ratioToCeilingCpu: netCpu / out.ceiling.cpuMs }
            : {}),
          ...(backend === 'postgres'
            ? {
                serverCpuMs: median(v.map((m) => m.serverCpuMs)),
                headServerCpuMs: median(h.map((m) => m.serverCpuMs)),
              }
            : {}),
        };
        const o = out[t.name];
        console.log(
          `  ${t.name.padEnd(4)} verify: ${k(o.eventsPerS)} net of start-up (${wall.toFixed(0)} ms - audit head ${headWall.toFixed(0)} ms), ` +
            `${(o.ratioToFloor).toFixed(2)}x the floor's time (CPU ${k(o.eventsPerSCpu)}, ${o.ratioToFloorCpu.toFixed(2)}x); ` +
            (o.ratioToCeiling === undefined
              ? ''
              : `${o.ratioToCeiling.toFixed(2)}x the read ceiling's time (CPU ${o.ratioToCeilingCpu.toFixed(2)}x); `) +
            `whole process ${k(o.eventsPerSWholeProcess)}, peak ${(o.peakRss / 1048576).toFixed(0)} MB` +
            (o.serverCpuMs !== undefined
              ? `; CPU ${netCpu.toFixed(0)} ms + server ${(o.serverCpuMs - o.headServerCpuMs).toFixed(0)} ms net (verify ${cpu.toFixed(0)} + ${o.serverCpuMs.toFixed(0)}, head ${headCpu.toFixed(0)} + ${o.headServerCpuMs.toFixed(0)})`
              : '') +
            `${o.eventsPerS >= TARGET_EVENTS_PER_S ? '' : `  [target >= ${k(TARGET_EVENTS_PER_S)}]`}`,
        );
      }

      results[backend] ??= {};
      results[backend][style] = out;
      if (style !== STYLES[0]) continue;
      // (b) one evaluation's store reads, in this process, alternating trees in blocks.
      const stores = [];
      for (const t of TREES) {
        stores.push({
          name: t.name,
          store: await storeOf[t.name].openStore(location[t.name]),
          ms: [],
          cpu: [],
        });
      }
      const evaluate = async (s) => {
        const [latest, state] = await Promise.all([
          s.checkedLatestRun(EVAL_CHECKLIST, ENV),
          s.loadState(EVAL_CHECKLIST, ENV),
        ]);
        if (!latest.run || latest.tampered.length > 0 || state.tampered || state.attestations.length !== 60) {
          throw new Error('evaluation: the seeded state did not read back whole and untampered');
        }
      };
      for (const s of stores) for (let i = 0; i < 20; i++) await evaluate(s.store);
      const BLOCK = 10;
      for (let r = 0; r < Math.ceil(EVAL_ROUNDS / BLOCK); r++) {
        for (let j = 0; j < stores.length; j++) {
          const s = stores[(j + r) % stores.length];
          for (let i = 0; i < BLOCK; i++) {
            const c0 = process.cpuUsage();
            const t1 = performance.now();
            await evaluate(s.store);
            s.ms.push(performance.now() - t1);
            const c = process.cpuUsage(c0);
            s.cpu.push((c.user + c.system) / 1000);
          }
        }
      }
      const evaluation = {};
      for (const s of stores) {
        evaluation[s.name] = { ms: median(s.ms), cpuMs: median(s.cpu) };
        await s.store.close();
      }
      results[backend].evaluation = evaluation;
      const e0 = evaluation[TREES[0].name];
      const e1 = TREES[1] ? evaluation[TREES[1].name] : undefined;
      console.log(
        `  evaluation store reads (140 items, 60 attestations, 10 waivers, 3 sign-offs, in a ${EVENTS.toLocaleString('en')}-event store): ` +
          `${e0.ms.toFixed(2)} ms (CPU ${e0.cpuMs.toFixed(2)} ms)` +
          (e1
            ? `; base ${e1.ms.toFixed(2)} ms (CPU ${e1.cpuMs.toFixed(2)} ms): ${(e0.ms / e1.ms).toFixed(2)}x, CPU ${(e0.cpuMs / e1.cpuMs).toFixed(2)}x`
            : ''),
      );
    } finally {
      if (values.keep) console.log(`  kept: ${b.location} (and a copy per tree beside it)`);
      else await b.drop();
    }
  }

results.loadAverageAtEnd = loadavg()[0];
console.log(
  `\nload average ${load()} at the end${loadavg()[0] > availableParallelism() ? ': the machine was busy; CPU figures are steadier than wall-clock ones' : ''}`,
);
if (!values.keep) await rm(scratch, { recursive: true, force: true });
// Other bench scripts write other keys of the same file: read, replace ours, write back.
const artifacts = join(ROOT, 'artifacts', 'bench');
await mkdir(artifacts, { recursive: true });
const file = join(artifacts, 'results.json');
let all = {};
try {
  all = JSON.parse(await readFile(file, 'utf8'));
} catch {}
all.audit = results;
await writeFile(file, `${JSON.stringify(all, null, 2)}\n`);
console.log(`results: ${join('artifacts', 'bench', 'results.json')} (key "audit")`);
