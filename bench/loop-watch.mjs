/**
 * BENCH_LOOP=1 (bench/preflight.mjs): what stopped a server's event loop during a case. A 1 ms interval
 * notes every gap over BLOCK_MS between its ticks with the process's CPU time over the gap: a gap the
 * process spent computing (CPU ≥ half the gap) is a block of its own (a long turn, a GC pause); a gap
 * without CPU is the scheduler's (the process was not running: load, not work). GC pauses are taken from
 * the `gc` performance entries, and `monitorEventLoopDelay` gives the delay distribution.
 */

import { readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const BLOCK_MS = 5;
const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * The main thread's scheduling counters (Linux): time spent runnable but waiting for a CPU (schedstat's
 * run delay) and its context switches, voluntary (it slept: I/O, a lock, an idle loop) or not (preempted).
 */
function mainThreadSched() {
  try {
    const [, waitNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    const status = readFileSync(`/proc/self/task/${process.pid}/status`, 'utf8');
    const count = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1]);
    return {
      waitMs: waitNs / 1e6,
      voluntary: count('voluntary_ctxt_switches'),
      preempted: count('nonvoluntary_ctxt_switches'),
    };
  } catch {
    return undefined;
  }
}

export function watchLoop() {
  let sched0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let blocks = [];
  let away = [];
  let gcs = [];
  let last = performance.now();
  let cpuLast = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    // The ticks are 1 ms apart: a gap over BLOCK_MS + 1 is a turn (or a stop) longer than BLOCK_MS.
    if (gap > BLOCK_MS + 1) {
      // The process's CPU over the gap, every thread's (V8's GC helpers too).
      const cpu = process.cpuUsage(cpuLast);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      (cpuMs >= gap / 2 ? blocks : away).push({ at: last, ms: gap, cpuMs });
    }
    cpuLast = process.cpuUsage();
    last = now;
  }, 1);
  timer.unref();
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push({ at: e.startTime, ms: e.duration, kind: GC_KINDS[e.detail?.kind] ?? String(e.detail?.kind) });
  });
  obs.observe({ entryTypes: ['gc'] });
  // The request log's writes (stderr to a file is written synchronously): how long the loop waits on them.
  let writes = [];
  const write = process.stderr.write;
  process.stderr.write = function (...args) {
    const t = performance.now();
    const r = write.apply(this, args);
    writes.push(performance.now() - t);
    return r;
  };
  return {
    start() {
      delay.reset();
      delay.enable();
      blocks = [];
      away = [];
      gcs = [];
      writes = [];
      sched0 = mainThreadSched();
    },
    /** The figures since `start`: blocks with the GC pauses inside them. */
    stop() {
      delay.disable();
      const sched1 = mainThreadSched();
      const sched =
        sched0 && sched1
          ? {
              runnableWaitMs: Math.round(sched1.waitMs - sched0.waitMs),
              voluntary: sched1.voluntary - sched0.voluntary,
              preempted: sched1.preempted - sched0.preempted,
            }
          : undefined;
      const gcIn = (b) => gcs.filter((g) => g.at >= b.at && g.at < b.at + b.ms).reduce((a, g) => a + g.ms, 0);
      const byKind = {};
      for (const g of gcs) {
        byKind[g.kind] ??= { n: 0, ms: 0, maxMs: 0 };
        const k = byKind[g.kind];
        k.n += 1;
        k.ms += g.ms;
        k.maxMs = Math.max(k.maxMs, g.ms);
      }
      const top = [...blocks].sort((a, b) => b.ms - a.ms).slice(0, 8);
      return {
        delayP99: delay.percentile(99) / 1e6,
        delayMax: delay.max / 1e6,
        blocks: blocks.length,
        blockMs: blocks.reduce((a, b) => a + b.ms, 0),
        away: away.length,
        awayMs: away.reduce((a, b) => a + b.ms, 0),
        top: top.map((b) => ({
          ms: +b.ms.toFixed(1),
          cpuMs: +b.cpuMs.toFixed(1),
          gcMs: +gcIn(b).toFixed(1),
        })),
        gc: byKind,
        ...(sched ? { sched } : {}),
        // Used MB per heap space at the end of the case (the old space grows until a mark-compact).
        heapMB: Object.fromEntries(
          getHeapSpaceStatistics()
            .filter((h) => ['new_space', 'old_space', 'code_space'].includes(h.space_name))
            .map((h) => [h.space_name, +(h.space_used_size / 2 ** 20).toFixed(1)]),
        ),
        writes: {
          n: writes.length,
          ms: +writes.reduce((a, w) => a + w, 0).toFixed(1),
          over5: writes.filter((w) => w > 5).length,
          maxMs: +Math.max(0, ...writes).toFixed(1),
        },
      };
    },
  };
}

/** One line of `stop()`'s figures for the bench's output. */
export function formatLoop(l) {
  const top = l.top
    .slice(0, 3)
    .map((b) => `${b.ms}/${b.cpuMs}/${b.gcMs}`)
    .join(' ');
  const gc = Object.entries(l.gc)
    .map(([k, g]) => `${k} ${g.n}× ${g.ms.toFixed(0)} ms (max ${g.maxMs.toFixed(1)})`)
    .join(', ');
  return `loop delay p99 ${l.delayP99.toFixed(0)} ms, max ${l.delayMax.toFixed(0)}; own blocks ${l.blocks} (${l.blockMs.toFixed(0)} ms; longest wall/CPU/GC ${top}); away ${l.away} (${l.awayMs.toFixed(0)} ms); GC ${gc || 'none'}; log writes ${l.writes.n} (${l.writes.ms} ms, ${l.writes.over5} over 5 ms, max ${l.writes.maxMs}); old space ${l.heapMB.old_space} MB${l.sched ? `; main thread runnable but waiting ${l.sched.runnableWaitMs} ms, switches ${l.sched.voluntary} voluntary / ${l.sched.preempted} preempted` : ''}`;
}
