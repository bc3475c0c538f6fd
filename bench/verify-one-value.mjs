#!/usr/bin/env node
// `npx tsx bench/verify-one-value.mjs DB [--rounds N] [--pg URL]` (issue 15, branch verify8): does reading a
// page of events (and of simple state rows) as ONE value instead of a row array per event bring `audit
// verify` nearer 200k events/s? DB is the SQLite store `node bench/audit.mjs --keep` leaves (100,000
// events); URL its kept PostgreSQL database. Run through tsx: the state rows' texts are verify's own
// (SIMPLE in src/store/verify-rows.ts). Nothing is compared beyond the chain's links: each variant is what
// verify would pay before its state checks. CPU (user + sys) medians of rotating rounds; on PostgreSQL the
// backend's CPU too (/proc/PID/stat, ticks of 10 ms).
import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { RESULT_COLUMNS, RUN_COLUMNS, SIMPLE } from '../src/store/verify-rows.ts';
import { runEventText, storedOutcomesDigest } from '../src/store/verify-runs.ts';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '9' }, pg: { type: 'string' } },
});
const rounds = Number(values.rounds);
const PAGE = 2000; // SPLICED_PAGE
const db = new Database(positionals[0], { readonly: true });
const N = db.prepare('select count(*) from audit_events').pluck().get();

// The event's spliced text exactly as verify-rows.ts's EVENT_TEXT writes it.
const text = (c) => `typeof(${c}) = 'text'`;
const textOrNull = (c) => `typeof(${c}) in ('text', 'null')`;
const q = (c) => `json_quote(${c})`;
const EVENT_TEXT =
  `case when seq between 1 and ${Number.MAX_SAFE_INTEGER} and ${text('at')} and ${text('type')} and ` +
  `${text('actor')} and ${textOrNull('checklist')} and ${textOrNull('environment')} and ${text('data')} and ` +
  `${text('prev_hash')} and length(prev_hash) = 64 then prev_hash || '{"actor":' || ${q('actor')} || ',"at":' || ` +
  `${q('at')} || ',"checklist":' || ${q('checklist')} || ',"data":' || data || ',"environment":' || ` +
  `${q('environment')} || ',"seq":' || seq || ',"type":' || ${q('type')} || '}' end`;
const HASH = `case when typeof(hash) = 'text' and octet_length(hash) = 64 then hash end`;
/** A statement for the first page (no `after` parameters) and one for the pages after. */
const pair = (sql) => [db.prepare(sql('')).raw(true), db.prepare(sql('x')).raw(true)];
const evWhere = (x) => (x ? 'where seq > ?' : '');
const inner = (x) =>
  `select seq, ${HASH} h, ${EVENT_TEXT} t from audit_events ${evWhere(x)} order by seq limit ?`;

const evRows = pair(
  (x) => `select seq, hash, ${EVENT_TEXT} from audit_events ${evWhere(x)} order by seq limit ?`,
);
// One string per event: hash ‖ prev_hash ‖ text, or the seq (a number) when the text is NULL.
const evPluck = pair(
  (x) =>
    `select coalesce(${HASH} || (${EVENT_TEXT}), seq) from audit_events ${evWhere(x)} order by seq limit ?`,
).map((s) => s.raw(false).pluck(true));
// One page as a few values: its seq range, every text as one blob, the hashes, the texts' byte lengths.
const evAgg = pair(
  (x) =>
    `select min(seq), max(seq), count(*), cast(group_concat(t, '') as blob), ` +
    `group_concat(iif(t is null, null, h), ''), group_concat(coalesce(octet_length(t), -1)) from (${inner(x)})`,
);
const evLength = pair((x) => `select max(seq), count(*), sum(octet_length(t)) from (${inner(x)})`);

const simple = Object.fromEntries(
  ['attestations', 'waivers', 'signoffs'].map((t) => {
    const sel = (x) =>
      `select id, seq, ${SIMPLE[t].text} as text from ${t} where seq is not null ` +
      `${x ? 'and (seq, id) > (?, ?)' : ''} order by seq, id limit ?`;
    return [
      t,
      {
        rows: pair(sel),
        agg: pair(
          (x) =>
            `select count(*), group_concat(id), group_concat(seq), cast(group_concat(text, '') as blob), ` +
            `group_concat(coalesce(octet_length(text), -1)) from (${sel(x)})`,
        ),
        length: pair((x) => `select count(*), max(seq), max(id), sum(octet_length(text)) from (${sel(x)})`),
      },
    ];
  }),
);
const runs = pair(
  (x) =>
    `select ${RUN_COLUMNS.join(', ')} from runs where seq is not null ${x ? 'and (seq, id) > (?, ?)' : ''} order by seq, id limit ?`,
);
const outcomesOf = new Map();
function outcomes(ids) {
  let s = outcomesOf.get(ids.length);
  if (!s) {
    const sql = `select ${RESULT_COLUMNS.join(', ')} from run_results where run_id in (${ids.map(() => '?').join()})`;
    s = db.prepare(sql).raw(true);
    outcomesOf.set(ids.length, s);
  }
  return s.all(...ids);
}

/** Keyset pages: `read(stmt, after)` runs a page, `next(result)` gives the next `after` or undefined. */
function pages([first, later], size, each) {
  let after;
  for (;;) {
    const out = after === undefined ? first.all(size) : later.all(...after, size);
    after = each(out);
    if (after === undefined) return;
  }
}
const seqOfText = (s) => {
  let i = s.lastIndexOf(',"seq":') + 7;
  let v = 0;
  for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) v = v * 10 + c - 48;
  return v;
};
const broken = (seq) => {
  throw new Error(`chain broken at ${seq}`);
};
let prev;
const GENESIS = '0'.repeat(64);

function eventsRows() {
  prev = GENESIS;
  pages(evRows, PAGE, (rows) => {
    for (const [seq, h, s] of rows) {
      if (s.charCodeAt(64) !== 0x7b || hash('sha256', s) !== h || !s.startsWith(prev)) broken(seq);
      prev = h;
    }
    return rows.length < PAGE ? undefined : [rows[rows.length - 1][0]];
  });
}
function eventsPluck() {
  prev = GENESIS;
  let last = 0;
  pages(evPluck, PAGE, (texts) => {
    for (const s of texts) {
      const seq = seqOfText(s);
      const h = hash('sha256', s.slice(64));
      if (seq !== last + 1 || s.charCodeAt(128) !== 0x7b || !s.startsWith(h) || !s.startsWith(prev, 64))
        broken(seq);
      prev = h;
      last = seq;
    }
    return texts.length < PAGE ? undefined : [last];
  });
}
function eventsAgg() {
  prev = GENESIS;
  pages(evAgg, PAGE, ([[lo, hi, count, buf, hashes, lens]]) => {
    if (count === 0) return undefined;
    if (hi - lo + 1 !== count || !isUtf8(buf)) broken(lo);
    let p = 0;
    let li = 0;
    for (let seq = lo, hp = 0; seq <= hi; seq++, hp += 64) {
      let len = 0;
      for (let c = lens.charCodeAt(li++); c >= 48 && c <= 57; c = lens.charCodeAt(li++))
        len = len * 10 + c - 48;
      const h = hashes.slice(hp, hp + 64);
      if (buf[p + 64] !== 0x7b || hash('sha256', buf.subarray(p, p + len)) !== h) broken(seq);
      if (buf.latin1Slice(p, p + 64) !== prev) broken(seq);
      prev = h;
      p += len;
    }
    return count < PAGE ? undefined : [hi];
  });
}
function runsAndOutcomes(written = false) {
  pages(runs, 500, (rows) => {
    const results = rows.length > 0 ? outcomes(rows.map((r) => r[0])) : [];
    // As verify's run check (verify-runs.ts): each run written as its event's text, outcomes digested.
    if (written) {
      const byRun = new Map();
      for (const r of results) {
        const list = byRun.get(r[0]);
        if (list) list.push(r);
        else byRun.set(r[0], [r]);
      }
      for (const r of rows) {
        if (runEventText(r, r[1], storedOutcomesDigest(byRun.get(r[0]) ?? [])) === undefined) broken(r[1]);
      }
    }
    return rows.length < 500 ? undefined : [rows[rows.length - 1][1], rows[rows.length - 1][0]];
  });
}
function stateRows() {
  for (const t of Object.values(simple)) {
    pages(t.rows, PAGE, (rows) =>
      rows.length < PAGE ? undefined : [rows[rows.length - 1][1], rows[rows.length - 1][0]],
    );
  }
  runsAndOutcomes();
}
function stateAgg() {
  for (const t of Object.values(simple)) {
    pages(t.agg, PAGE, ([[count, ids, seqs, buf, lens]]) => {
      if (count === 0 || !isUtf8(buf)) return undefined;
      const idList = ids.split(',');
      const seqList = seqs.split(',');
      let p = 0;
      for (const len of lens.split(',')) p += Number(len);
      if (p !== buf.length) throw new Error('lengths');
      return count < PAGE ? undefined : [Number(seqList[count - 1]), Number(idList[count - 1])];
    });
  }
  runsAndOutcomes();
}
function sqliteOnly() {
  pages(evLength, PAGE, ([[max, count]]) => (count < PAGE ? undefined : [max]));
  for (const t of Object.values(simple)) {
    pages(t.length, PAGE, ([[count, seq, id]]) => (count < PAGE ? undefined : [seq, id]));
  }
  runsAndOutcomes();
}

const variants = {
  'events as rows [seq, hash, text] (today) + sha256': eventsRows,
  'events as one string each (pluck) + sha256': eventsPluck,
  'events as one blob per page + sha256': eventsAgg,
  'state rows as rows (today) + runs + outcomes': stateRows,
  'state rows as one blob per page + runs + outcomes': stateAgg,
  'ALL as rows (today), nothing compared': () => {
    eventsRows();
    stateRows();
  },
  'ALL as blobs per page, nothing compared': () => {
    eventsAgg();
    stateAgg();
  },
  'ALL: events plucked, state as rows': () => {
    eventsPluck();
    stateRows();
  },
  'SQLite builds every text, nothing out + runs': sqliteOnly,
  'runs + outcomes, read only': () => runsAndOutcomes(),
  'runs + outcomes, each run written as its event text': () => runsAndOutcomes(true),
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms) => `${Math.round(N / ms)}k ev/s`;
console.log(`${N} events, ${rounds} rotating rounds, load ${loadavg()[0].toFixed(1)}`);
const names = Object.keys(variants);
const cpu = Object.fromEntries(names.map((n) => [n, []]));
db.exec('begin');
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    const c0 = process.cpuUsage();
    variants[name]();
    const c = process.cpuUsage(c0);
    cpu[name].push((c.user + c.system) / 1000);
  }
}
db.exec('commit');
for (const n of names) {
  const m = median(cpu[n]);
  console.log(
    `${n.padEnd(52)} CPU ${m.toFixed(0).padStart(4)} ms (min ${Math.min(...cpu[n]).toFixed(0)}) = ${rate(m)}`,
  );
}
// The hash floor: one crypto.hash per event over the same texts, already in memory.
const texts = evRows[0].all(N).map((r) => r[2]);
const h0 = process.cpuUsage();
for (const s of texts) hash('sha256', s);
const hc = process.cpuUsage(h0);
console.log(
  `sha256 alone (one crypto.hash per event, texts in memory): ${((hc.user + hc.system) / 1000).toFixed(0)} ms`,
);
console.log(`load ${loadavg()[0].toFixed(1)} at the end`);

if (values.pg) await postgres(values.pg);

/** PostgreSQL: a page of 5,000 events as rows (as verify reads) against one string_agg text per page. */
async function postgres(url) {
  const pg = require('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query('select pg_backend_pid() as pid');
  const stat = `/proc/${rows[0].pid}/stat`;
  const serverMs = () => {
    const f = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const cols = 'seq, at, type, actor, checklist, environment, data, prev_hash, hash';
  const lens =
    'octet_length(at), octet_length(type), octet_length(actor), octet_length(checklist), octet_length(environment), octet_length(data)';
  const glued = `at || type || actor || coalesce(checklist, '') || coalesce(environment, '') || data || prev_hash || hash`;
  const shapes = {
    'rows, 9 columns, array mode (today)': `select ${cols} from audit_events where seq > $1 order by seq limit 5000`,
    'one string_agg text per page (lengths first)':
      `select max(seq), count(*), string_agg(concat_ws(',', seq, ${lens}, ${glued}), '' order by seq) ` +
      'from (select * from audit_events where seq > $1 order by seq limit 5000) p',
  };
  const got = Object.fromEntries(Object.keys(shapes).map((name) => [name, []]));
  await c.query('begin isolation level repeatable read read only');
  for (let r = 0; r < rounds; r++) {
    for (const [name, text] of Object.entries(shapes)) {
      const s0 = serverMs();
      const c0 = process.cpuUsage();
      for (let after = 0; ; ) {
        const out = (await c.query({ text, values: [after], rowMode: 'array' })).rows;
        const agg = out.length === 1 && out[0].length === 3;
        const count = agg ? Number(out[0][1]) : out.length;
        if (count < 5000) break;
        after = Number(agg ? out[0][0] : out[out.length - 1][0]);
      }
      const cu = process.cpuUsage(c0);
      got[name].push([(cu.user + cu.system) / 1000, serverMs() - s0]);
    }
  }
  await c.query('commit');
  await c.end();
  for (const [name, xs] of Object.entries(got)) {
    const client = median(xs.map((x) => x[0]));
    const server = median(xs.map((x) => x[1]));
    console.log(`postgres: ${name.padEnd(46)} gonogo side ${client.toFixed(0)} ms, server ${server} ms`);
  }
  console.log(`load ${loadavg()[0].toFixed(1)} at the end`);
}
