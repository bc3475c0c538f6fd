#!/usr/bin/env node
// `node bench/samples-store.mjs ROOT [--minutes M] [--ticks T] [--items N] [--backend sqlite|postgres]`:
// the samples' store of one build (ROOT's `dist/`) after M minutes of watching (N items, one sample each
// every 3 s): CPU and wall of T more ticks' addSamples, and of reading every item's 1 h window three
// times as a run evaluates them (listWindowSamples 100 items at a time, or listSamples per item where
// the build has no listWindowSamples), and the process's peak RSS (issue 15, branch sched8). Run it for
// two builds in turn (e.g. /work/base and .) and compare; one JSON line per process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    minutes: { type: 'string', default: '20' },
    ticks: { type: 'string', default: '20' },
    items: { type: 'string', default: '500' },
    backend: { type: 'string', default: 'sqlite' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const root = resolve(positionals[0] ?? '.');
const { openStore } = await import(join(root, 'dist/store/index.js'));
const EVERY = 3000;
const T0 = Date.parse('2026-03-01T10:00:00Z');
const items = Array.from(
  { length: Number(values.items) },
  (_, i) => `section-${Math.floor(i / 50)}/check-${i}`,
);

let url;
let cleanup;
if (values.backend === 'postgres') {
  const { default: pg } = await import('pg');
  const name = `gonogo_samples_bench_${process.pid}`;
  const admin = async (sql) => {
    const c = new pg.Client(values.pg);
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(values.pg);
  u.pathname = `/${name}`;
  url = u.toString();
  cleanup = () => admin(`drop database ${name} with (force)`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-samples-bench-'));
  url = join(dir, 'gonogo.db');
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
}

const store = await openStore(url);
const tick = (t) => {
  const at = new Date(T0 + t * EVERY).toISOString();
  return store.addSamples(
    items.map((item, i) => {
      const ok = (t + i) % 97 !== 0;
      return {
        checklist: 'bench',
        environment: 'default',
        item,
        at,
        ok,
        ...(ok ? {} : { message: 'status 503' }),
      };
    }),
  );
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const history = Math.round((Number(values.minutes) * 60_000) / EVERY);
const ticks = Number(values.ticks);
for (let t = 0; t < history; t++) await tick(t);
let c0 = cpu();
let w0 = performance.now();
for (let t = history; t < history + ticks; t++) await tick(t);
const write = { cpuMs: (cpu() - c0) / ticks, wallMs: (performance.now() - w0) / ticks };

const since = new Date(T0 + (history + ticks) * EVERY - 3_600_000).toISOString();
const reads = [];
let samples = 0;
for (let r = 0; r < 3; r++) {
  c0 = cpu();
  w0 = performance.now();
  samples = 0;
  for (let k = 0; k < items.length; k += 100) {
    const part = items.slice(k, k + 100);
    if (store.listWindowSamples) {
      const m = await store.listWindowSamples('bench', 'default', new Map(part.map((i) => [i, since])));
      for (const i of part) samples += m.get(i).length;
    } else {
      for (const i of part) samples += (await store.listSamples('bench', 'default', i, since)).length;
    }
  }
  reads.push({ cpuMs: Math.round(cpu() - c0), wallMs: Math.round(performance.now() - w0) });
}
await store.close();
await cleanup();
const peakKiB = Number(readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)[1]);
console.log(
  JSON.stringify({
    root,
    backend: values.backend,
    rows: (history + ticks) * items.length,
    addSamplesPerTick: { cpuMs: +write.cpuMs.toFixed(2), wallMs: +write.wallMs.toFixed(2) },
    readEveryWindow: reads,
    samplesRead: samples,
    peakMB: Math.round(peakKiB / 1024),
  }),
);
