#!/usr/bin/env node
// `node bench/verify-ceiling.mjs --pg URL/DB [--rounds N] [--only a,b]` (this file; branch verifypg14): what
// the `pg` driver alone costs to read what `audit verify` reads on PostgreSQL, on a store kept by
// `node bench/audit.mjs --backends postgres --keep`. Verify's own queries and page size (VERIFY_PAGE, 5,000):
// per page of events, each bound table's rows up to the page's last seq ((seq, id) keyset, `seq <= upTo`),
// the runs' outcomes by run id, then the page's events streamed (a `row` listener, none kept); array rows;
// no verify logic. `+ sha256` splices each event's hashed text in JS (hashedText) and checks the chain.
// Each variant: its first run in a fresh process (after connecting: as verify's CPU net of start-up), and
// warm medians of rotating rounds in one process. The server's CPU is its backend's /proc/PID/stat (user +
// system, ticks of 10 ms) around each run, as bench/audit.mjs reads the backends serving its database.
import { spawnSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TABLES } from './verify-tables.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

const arg = (name, dflt) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const url = arg('--pg');
const rounds = Number(arg('--rounds', 5)) || 5;
const only = arg('--only')?.split(',');
const child = arg('--child');
const PAGE = 5000;

const EVENT_COLS = '"seq", "at", "type", "actor", "checklist", "environment", "data", "prev_hash", "hash"';
const quote = (cols) =>
  cols
    .split(', ')
    .map((c) => `"${c}"`)
    .join(', ');
const RESULT_COLS = quote('run_id, item, status, message, observed, duration_ms, at');
const pad = (cols, n) => [...cols, ...Array(n - cols.length).fill('null')].join(', ');
/** Verify's state read (TableCheck): after (seq, id), up to a seq, in (seq, id) order. */
const stateSql = (t, after) =>
  `select ${quote(TABLES[t])} from "${t}" where "seq" is not null${after ? ' and (seq, id) > ($3, $4)' : ''} and "seq" <= $2 order by "seq", "id" limit $1`;

/** The rows of a query as arrays; `types`: pg's parsers or none (every value its text). */
const rowsOf = (client, text, values, types) =>
  client.query({ text, values, rowMode: 'array', ...(types ? { types } : {}) }).then((r) => r.rows);

/** Every row of `text` handed to `each` as pg parses it, none kept (verify's eachRow). */
const eachOf = (client, text, values, each, types) =>
  new Promise((resolve, reject) => {
    const q = new pg.Query({ text, values, rowMode: 'array', ...(types ? { types } : {}) });
    client.query(q);
    q.on('row', each);
    q.on('end', resolve);
    q.on('error', reject);
  });

/** What verify reads, page by page: state rows up to the page's end, then the page's events streamed. */
let total = 0; // the events in the store: where a read of state rows alone stops
async function readAll(
  client,
  { events = true, state = true, tables = Object.keys(TABLES), each = () => {}, types, held = true } = {},
) {
  const last = Object.fromEntries(Object.keys(TABLES).map((t) => [t, undefined]));
  let n = 0;
  for (let after = 0; ; after += PAGE) {
    const upTo = after + PAGE;
    // One query at a time, in verify's order (its adapter queues them: pg serves one per connection).
    if (state) {
      for (const t of tables) {
        for (;;) {
          const l = last[t];
          const params = l ? [PAGE, upTo, l[1], l[0]] : [PAGE, upTo];
          // held: pg gathers the page's rows (as verify's select); else each is let go as it is parsed
          // (only the last row and the run ids are kept).
          let count = 0;
          let ids = [];
          if (held) {
            const rows = await rowsOf(client, stateSql(t, l), params, types);
            count = rows.length;
            if (count) last[t] = rows[count - 1];
            if (t === 'runs') ids = rows.map((r) => r[0]);
          } else {
            const keep = (r) => {
              count++;
              last[t] = r;
              if (t === 'runs') ids.push(r[0]);
            };
            await eachOf(client, stateSql(t, l), params, keep, types);
          }
          n += count;
          if (t === 'runs' && count) {
            const params = ids.map((_, i) => `$${i + 1}`).join(', ');
            const sql = `select ${RESULT_COLS} from "run_results" where "run_id" in (${params})`;
            n += (await rowsOf(client, sql, ids, types)).length;
          }
          if (count < PAGE) break;
        }
      }
    }
    let got = 0;
    if (events) {
      const sql = `select ${EVENT_COLS} from "audit_events"${after ? ' where "seq" > $2' : ''} order by "seq" limit $1`;
      await eachOf(
        client,
        sql,
        after ? [PAGE, after] : [PAGE],
        (r) => {
          got++;
          each(r);
        },
        types,
      );
    } else {
      got = Math.min(PAGE, Math.max(0, total - after));
    }
    if (events) n += got;
    if (got < PAGE) return n;
  }
}

/**
 * One query a page, every row verify reads for its seqs in seq order (kind 0 the event, then its state rows
 * and outcomes), streamed: nothing is held across the page (a probe: verify does not read this way).
 */
const MERGED =
  [
    `select 0 as k, seq, ${pad(['null::int', 'at', 'type', 'actor', 'checklist', 'environment', 'data', 'prev_hash', 'hash'], 11)} from audit_events where seq > $1 and seq <= $2`,
    `select 1, seq, ${pad(['id', 'checklist', 'environment', 'item', 'evidence', 'value', 'file_name', 'file_sha256', 'by', 'at', 'expires_at'], 11)} from attestations where seq > $1 and seq <= $2`,
    `select 2, seq, ${pad(['id', 'checklist', 'environment', 'item', 'reason', 'owner', 'by', 'at', 'expires_at'], 11)} from waivers where seq > $1 and seq <= $2`,
    `select 3, seq, ${pad(['id', 'checklist', 'environment', 'role', 'digest', 'by', 'at', 'person', 'evidence'], 11)} from signoffs where seq > $1 and seq <= $2`,
    `select 4, seq, ${pad(['id', 'checklist', 'environment', 'digest', 'started_at', 'finished_at', 'verdict', 'summary', 'trigger'], 11)} from runs where seq > $1 and seq <= $2`,
    `select 5, r.seq, ${pad(['rr.run_id', 'rr.item', 'rr.status', 'rr.message', 'rr.observed', 'rr.duration_ms::text', 'rr.at'], 11)} from run_results rr join runs r on r.id = rr.run_id where r.seq > $1 and r.seq <= $2`,
  ].join(' union all ') + ' order by 2, 1, 3';
async function merged(client, each = () => {}, sql = MERGED) {
  let n = 0;
  for (let after = 0; after < total; after += PAGE) {
    await eachOf(client, sql, [after, after + PAGE], (r) => {
      n++;
      each(r);
    });
  }
  return n;
}

/**
 * A page's state rows and outcomes as one `union all` stream (MERGED's state branches, unordered), then
 * the page's events; `held`: the state rows kept until the page's events are read, as verify keeps them.
 */
async function stateInOne(client, held) {
  const state = MERGED.replace(' order by 2, 1, 3', '').split(' union all ').slice(1).join(' union all ');
  const events = `select ${EVENT_COLS} from "audit_events" where seq > $1 and seq <= $2`;
  let n = 0;
  for (let after = 0; after < total; after += PAGE) {
    let rows = [];
    await eachOf(client, state, [after, after + PAGE], (r) => {
      n++;
      if (held) rows.push(r);
    });
    await eachOf(client, events, [after, after + PAGE], () => n++);
    rows = undefined;
  }
  return n;
}

const quoted = (v) => (v === null ? 'null' : JSON.stringify(v));
/** The chain check of verify's walk: each event's hashed text spliced in JS (hashedText), sha256, links. */
function chain() {
  let prev = '0'.repeat(64);
  return (r) => {
    const t = `{"actor":${JSON.stringify(r[3])},"at":${JSON.stringify(r[1])},"checklist":${quoted(r[4])},"data":${r[6]},"environment":${quoted(r[5])},"seq":${r[0]},"type":${JSON.stringify(r[2])}}`;
    const h = hash('sha256', r[7] + t);
    if (h !== r[8] || r[7] !== prev) throw new Error(`broken at ${r[0]}`);
    prev = h;
  };
}
/** No parser at all: every column as pg's text (verify reads int4 and float8 columns besides text ones). */
const TEXTS = { getTypeParser: () => (v) => v };

const variants = {
  'events 9 cols, streamed, no work': (c) => readAll(c, { state: false }),
  'state tables + run_results, no work': (c) => readAll(c, { events: false }),
  'simple state tables only, no work': (c) =>
    readAll(c, { events: false, tables: ['attestations', 'waivers', 'signoffs'] }),
  'runs + run_results only, no work': (c) => readAll(c, { events: false, tables: ['runs'] }),
  'everything verify reads, no work': (c) => readAll(c),
  'everything, no type parsers': (c) => readAll(c, { types: TEXTS }),
  'everything + JS splice + sha256 chain': (c) => readAll(c, { each: chain() }),
  'everything as one merged stream a page (probe)': (c) => merged(c),
  'everything, state in one stream + events (probe)': (c) => stateInOne(c, false),
  'everything, state in one stream, held until the events (probe)': (c) => stateInOne(c, true),
  'everything as one unordered stream a page (probe)': (c) =>
    merged(c, undefined, MERGED.replace(' order by 2, 1, 3', '')),
  'everything, state rows streamed, none held (probe)': (c) => readAll(c, { held: false }),
};

/** CPU ticks (user + system, 10 ms) of a process, from /proc/PID/stat. */
const ticksOf = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};

/** One run of a variant in a repeatable-read snapshot, as verify's: CPU, wall, the server backend's CPU. */
async function timed(client, backend, name) {
  await client.query('begin isolation level repeatable read read only');
  // No parallel workers (the merged probe's plan took two): the backend's ticks are then all the server did.
  await client.query('set local max_parallel_workers_per_gather = 0');
  const s0 = ticksOf(backend);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await variants[name](client);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const server = (ticksOf(backend) - s0) * 10;
  await client.query('commit');
  return { n, cpu: (c.user + c.system) / 1000, wall, server };
}

async function connect() {
  const client = new pg.Client({ connectionString: url, application_name: 'verify-ceiling' });
  await client.connect();
  const backend = (await client.query('select pg_backend_pid()')).rows[0].pg_backend_pid;
  total = (await client.query('select count(*)::int as n from audit_events')).rows[0].n;
  return { client, backend };
}

if (child) {
  const { client, backend } = await connect();
  const r = await timed(client, backend, child);
  await client.end();
  process.stdout.write(JSON.stringify(r));
  process.exit(0);
}

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const names = Object.keys(variants).filter((n) => !only || only.some((o) => n.includes(o)));
const { client, backend } = await connect();
const N = total;
console.log(
  `${N} events in ${url.replace(/\/\/[^@]*@/, '//')}; pages of ${PAGE}; ${rounds} rounds (rotating), load ${loadavg()[0].toFixed(1)}`,
);
const res = Object.fromEntries(names.map((n) => [n, { fresh: [], warm: [] }]));
const self = fileURLToPath(import.meta.url);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    const out = spawnSync(process.execPath, [self, '--pg', url, '--child', name], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${name}: ${out.stderr}`);
    res[name].fresh.push(JSON.parse(out.stdout));
    res[name].warm.push(await timed(client, backend, name));
  }
}
await client.end();
const fmt = (runs) => {
  const cpu = med(runs.map((x) => x.cpu));
  const wall = med(runs.map((x) => x.wall));
  const server = med(runs.map((x) => x.server));
  return `CPU ${cpu.toFixed(0).padStart(5)} ms = ${Math.round(N / cpu)}k ev/s, server ${String(server).padStart(4)} ms, wall ${wall.toFixed(0).padStart(5)} ms`;
};
for (const n of names) {
  console.log(
    `${n.padEnd(40)} fresh: ${fmt(res[n].fresh)} | warm: ${fmt(res[n].warm)} (${res[n].warm[0].n} rows)`,
  );
}
console.log(`load ${loadavg()[0].toFixed(1)} at the end`);
