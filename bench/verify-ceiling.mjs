#!/usr/bin/env node
// `node bench/verify-ceiling.mjs DB [--rounds N]`: what better-sqlite3 alone costs to read what `audit verify`
// reads, on a store kept by `node bench/audit.mjs --keep` (issue 15, branch verify6); `--pg URL/DB` instead:
// the same for PostgreSQL through `pg` (verify-ceiling-pg.mjs, branch verifypg14). Each variant reads in
// keyset pages of 500 (as verify does), raw arrays; medians of CPU (user+sys) and wall per variant.
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TABLES } from './verify-tables.mjs';

// `--pg URL/DB`: the same ceiling for PostgreSQL through the `pg` driver (verify-ceiling-pg.mjs).
if (process.argv.includes('--pg')) {
  await import('./verify-ceiling-pg.mjs');
  process.exit(0);
}

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

const path = process.argv[2];
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 5) || 5;
const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1].split(',')
  : undefined;
// `--json`: print one JSON object, each variant's median `{ cpu, wall }` in ms (bench/audit.mjs reads it).
const json = process.argv.includes('--json');
const db = new Database(path, { readonly: true });
const PAGE = 500;
const N = db.prepare('select count(*) from audit_events').pluck().get();

const EV9 = 'seq, at, type, actor, checklist, environment, data, prev_hash, hash';
const SPLICE =
  `prev_hash || '{"actor":' || json_quote(actor) || ',"at":' || json_quote(at) || ',"checklist":' || json_quote(checklist) ||` +
  ` ',"data":' || data || ',"environment":' || json_quote(environment) || ',"seq":' || seq || ',"type":' || json_quote(type) || '}'`;

/** Keyset pages of events: each row handed to `each`. */
function events(cols, each, { iterate = false, from = 'audit_events' } = {}) {
  const first = db.prepare(`select ${cols} from ${from} order by seq limit ?`).raw(true);
  const next = db.prepare(`select ${cols} from ${from} where seq > ? order by seq limit ?`).raw(true);
  let after = 0,
    n = 0;
  for (;;) {
    let rows;
    if (iterate) {
      let c = 0;
      for (const r of after ? next.iterate(after, PAGE) : first.iterate(PAGE)) {
        each(r);
        c++;
        after = r[0];
      }
      n += c;
      if (c < PAGE) return n;
      continue;
    }
    rows = after ? next.all(after, PAGE) : first.all(PAGE);
    for (const r of rows) each(r);
    n += rows.length;
    if (rows.length < PAGE) return n;
    after = rows[rows.length - 1][0];
  }
}
function stateTables() {
  let n = 0;
  for (const [t, cols] of Object.entries(TABLES)) {
    const first = db
      .prepare(`select ${cols} from ${t} where seq is not null order by seq, id limit ?`)
      .raw(true);
    const next = db
      .prepare(
        `select ${cols} from ${t} where seq is not null and (seq, id) > (?, ?) order by seq, id limit ?`,
      )
      .raw(true);
    let last;
    for (;;) {
      const rows = last ? next.all(last[1], last[0], PAGE) : first.all(PAGE);
      n += rows.length;
      if (t === 'runs' && rows.length) {
        const ids = rows.map((r) => r[0]);
        n += db
          .prepare(
            `select run_id, item, status, message, observed, duration_ms, at from run_results where run_id in (${ids.map(() => '?').join()})`,
          )
          .raw(true)
          .all(...ids).length;
      }
      if (rows.length < PAGE) break;
      last = rows[rows.length - 1];
    }
  }
  return n;
}
const ATT_TEXT = `'{"actor":'||json_quote(by)||',"at":'||json_quote(at)||',"checklist":'||json_quote(checklist)||',"data":{"evidence":'||json_quote(evidence)||case when expires_at is not null then ',"expiresAt":'||json_quote(expires_at) else '' end||case when file_name is not null and file_sha256 is not null then ',"file":{"name":'||json_quote(file_name)||',"sha256":'||json_quote(file_sha256)||'}' else '' end||',"item":'||json_quote(item)||case when value is not null then ',"value":'||json_quote(value) else '' end||'},"environment":'||json_quote(environment)||',"seq":'||seq||',"type":"item.attested"}'`;
function attText(each) {
  const first = db
    .prepare(`select id, seq, ${ATT_TEXT} from attestations where seq is not null order by seq, id limit ?`)
    .raw(true);
  const next = db
    .prepare(
      `select id, seq, ${ATT_TEXT} from attestations where seq is not null and (seq, id) > (?, ?) order by seq, id limit ?`,
    )
    .raw(true);
  let last,
    n = 0;
  for (;;) {
    const rows = last ? next.all(last[1], last[0], PAGE) : first.all(PAGE);
    for (const r of rows) each(r);
    n += rows.length;
    if (rows.length < PAGE) return n;
    last = rows[rows.length - 1];
  }
}
function attCols() {
  const cols = TABLES.attestations;
  const first = db
    .prepare(`select ${cols} from attestations where seq is not null order by seq, id limit ?`)
    .raw(true);
  const next = db
    .prepare(
      `select ${cols} from attestations where seq is not null and (seq, id) > (?, ?) order by seq, id limit ?`,
    )
    .raw(true);
  let last,
    n = 0;
  for (;;) {
    const rows = last ? next.all(last[1], last[0], PAGE) : first.all(PAGE);
    n += rows.length;
    if (rows.length < PAGE) return n;
    last = rows[rows.length - 1];
  }
}
const CERT = `case type when 'item.attested' then (select count(*) from attestations a where a.seq = e.seq and ${ATT_TEXT.replace(/json_quote\((\w+)\)/g, 'json_quote(a.$1)').replace('||seq||', '||a.seq||')} = substr(${SPLICE.replace(
  /json_quote\((\w+)\)/g,
  'json_quote(e.$1)',
)
  .replace('prev_hash ||', 'e.prev_hash ||')
  .replace('|| seq ||', '|| e.seq ||')
  .replace('|| data ||', '|| e.data ||')}, 65)) else -1 end`;
const quoted = (v) => (v === null ? 'null' : JSON.stringify(v));
let sink = 0; // the rows counted, printed so no read is optimised away
const variants = {
  'events 9 cols, all(), no work': () => events(EV9, () => {}),
  'events 9 cols, iterate(), no work': () => events(EV9, () => {}, { iterate: true }),
  'events seq,hash,spliced (SQL), no work': () => events(`seq, hash, ${SPLICE}`, () => {}),
  'events seq only (SQLite step floor)': () => events('seq', () => {}),
  'state tables + run_results, all cols, no work': () => stateTables(),
  'events 9 cols + JS splice + sha256': () => {
    let prev = '0'.repeat(64);
    return events(EV9, (r) => {
      const t = `{"actor":${JSON.stringify(r[3])},"at":${JSON.stringify(r[1])},"checklist":${quoted(r[4])},"data":${r[6]},"environment":${quoted(r[5])},"seq":${r[0]},"type":${JSON.stringify(r[2])}}`;
      const h = hash('sha256', r[7] + t);
      if (h !== r[8] || r[7] !== prev) throw new Error(`broken at ${r[0]}`);
      prev = h;
    });
  },
  'events seq,hash,spliced (SQL) + sha256': () => {
    let prev = '0'.repeat(64);
    return events(`seq, hash, ${SPLICE}`, (r) => {
      const h = hash('sha256', r[2]);
      if (h !== r[1] || !r[2].startsWith(prev)) throw new Error(`broken at ${r[0]}`);
      prev = h;
    });
  },
  'attestations 12 cols, no work': () => attCols(),
  'attestations id,seq,rowText (SQL), no work': () => attText(() => {}),
  'events spliced+typecode (SQL) + sha256': () => {
    let prev = '0'.repeat(64);
    return events(
      `seq, hash, ${SPLICE}, case type when 'item.attested' then 1 when 'waiver.granted' then 2 when 'signoff.given' then 3 when 'run.completed' then 4 else 0 end`,
      (r) => {
        const h = hash('sha256', r[2]);
        if (h !== r[1] || !r[2].startsWith(prev)) throw new Error(`broken at ${r[0]}`);
        prev = h;
      },
    );
  },
  'events spliced + attestation certified in SQL + sha256': () => {
    let prev = '0'.repeat(64),
      c = 0;
    const n = events(
      `e.seq, e.hash, ${SPLICE.replace(/json_quote\((\w+)\)/g, 'json_quote(e.$1)')
        .replace('prev_hash ||', 'e.prev_hash ||')
        .replace('|| seq ||', '|| e.seq ||')
        .replace('|| data ||', '|| e.data ||')}, ${CERT}`,
      (r) => {
        const h = hash('sha256', r[2]);
        if (h !== r[1] || !r[2].startsWith(prev)) throw new Error(`broken at ${r[0]}`);
        if (r[3] === 1) c++;
        prev = h;
      },
      { from: 'audit_events e' },
    );
    if (c !== 60015) throw new Error(`certified ${c}`);
    return n;
  },
  'events 9 cols + sha256 + state tables': () =>
    variants['events 9 cols + JS splice + sha256']() + stateTables(),
  'events spliced (SQL) + sha256 + state tables': () =>
    variants['events seq,hash,spliced (SQL) + sha256']() + stateTables(),
};
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
if (!json)
  console.log(`${N} events in ${path}; ${rounds} rounds (rotating), load ${loadavg()[0].toFixed(1)}`);
const names = Object.keys(variants).filter((n) => !only || only.some((o) => n.includes(o)));
const res = Object.fromEntries(names.map((n) => [n, { cpu: [], wall: [] }]));
db.exec('begin');
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sink += variants[name]();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    res[name].cpu.push((c.user + c.system) / 1000);
    res[name].wall.push(wall);
  }
}
db.exec('commit');
if (json) {
  const out = Object.fromEntries(names.map((n) => [n, { cpu: med(res[n].cpu), wall: med(res[n].wall) }]));
  process.stdout.write(`${JSON.stringify({ events: N, variants: out })}\n`);
  process.exit(0);
}
for (const n of names) {
  const cpu = med(res[n].cpu),
    wall = med(res[n].wall);
  console.log(
    `${n.padEnd(48)} CPU ${cpu.toFixed(0).padStart(5)} ms = ${Math.round(N / cpu)}k ev/s | wall ${wall.toFixed(0).padStart(5)} ms = ${Math.round(N / wall)}k ev/s`,
  );
}
console.log(`load ${loadavg()[0].toFixed(1)} at the end (${sink} rows read)`);
