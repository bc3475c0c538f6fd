/**
 * How bench/preflight.mjs orders its cases and makes its ratios (the method), kept apart from what it
 * measures. The 2-core machine a sitting runs on is shared (other processes, the kernel's writeback, the
 * load generator itself): a server's rate moves 1.5× between rounds of one sitting, and a ratio of two
 * medians taken from different rounds read 0.53× in one sitting and 0.95× in the next on the same build
 * ("the slot effect", bench/README). So:
 *  - every round measures every case, in an order rotated by one each round (a case takes each position
 *    in turn), the preflight cases of all servers next to each other, the pages next to each other, the
 *    two blocks taking turns to go first;
 *  - round 0 is a warm-up round, measured and left out for every case alike (each server's code is cold
 *    in its first round, and so is the load generator's);
 *  - a ratio is taken within each round, from measurements a few seconds apart, and the figure is the
 *    median of those per-round ratios, printed with their range;
 *  - each case notes what else ran beside it: the load average, the load generator's own CPU and the
 *    machine's CPU that was neither the server's nor the load generator's ("others").
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Round `r`'s order of `cases` (each `{ name, block }`): blocks alternate, each rotated by `r`. */
export function roundOrder(cases, r) {
  const blocks = [];
  for (const c of cases) {
    const block = blocks.find((b) => b.name === c.block);
    if (block) block.cases.push(c);
    else blocks.push({ name: c.block, cases: [c] });
  }
  const rotate = (xs) => xs.map((_, i) => xs[(i + r) % xs.length]);
  return rotate(blocks).flatMap((b) => rotate(b.cases));
}

/** The machine's busy CPU time so far, in ms (all cores; /proc/stat), or undefined off Linux. */
export function machineBusyMs() {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .slice(0, 200)
      .split('\n')[0]
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // USER_HZ is 100 on every Linux Node runs on.
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return undefined;
  }
}

/** This process's CPU time so far, in ms. */
export function ownCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * What ran beside a case over `elapsedMs`: the load generator's CPU a request, and the share of the
 * machine's cores busy with neither the server nor the load generator.
 */
export function beside(from, to, serverCpuMs, requests, elapsedMs) {
  const clientMs = to.client - from.client;
  const out = {
    clientMsPerReq: clientMs / Math.max(1, requests),
    clientBusy: clientMs / elapsedMs,
    serverBusy: serverCpuMs / elapsedMs,
  };
  if (from.machine === undefined || to.machine === undefined) return out;
  const others = to.machine - from.machine - serverCpuMs - clientMs;
  return { ...out, others: Math.max(0, others) / (elapsedMs * availableParallelism()) };
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * `a / b` of `field`, round by round (both cases' measured rounds, the warm-up left out): the median,
 * the lowest and the highest of the per-round ratios.
 */
export function pairedRatio(a, b, field) {
  const per = a.rounds.map((r, i) => r[field] / b.rounds[i]?.[field]).filter((x) => Number.isFinite(x));
  return { value: median(per), min: Math.min(...per), max: Math.max(...per), rounds: per };
}

/** The share of the machine others may take beside a case before its rate is mostly the scheduler's. */
export const BUSY_BESIDE = 0.25;

/**
 * How a case's companions read in a row: the load average at its start; the load generator's CPU a
 * request and how much of a core it used (near 100%: the case measured the load generator); the server's
 * share of a core; the others' share of the whole machine.
 */
export function besideText(r) {
  const pc = (x) => `${(100 * x).toFixed(0)}%`;
  const parts = [`load ${r.load.toFixed(1)}`];
  parts.push(`client ${r.clientMsPerReq.toFixed(3)} ms/req, ${pc(r.clientBusy)} of a core`);
  parts.push(`server ${pc(r.serverBusy)} of a core`);
  if (r.others !== undefined) parts.push(`others ${pc(r.others)} of the machine`);
  return parts.join('  ');
}

/** Whether the median round of two cases ran beside more than BUSY_BESIDE of other work. */
export function busyBeside(a, b) {
  return median([...a.rounds, ...b.rounds].map((r) => r.others)) > BUSY_BESIDE;
}

/** A line on how far the measured rounds can be trusted, or undefined when nothing ran beside them. */
export function trustNote(cases) {
  const measured = cases.flatMap((c) => c.rounds);
  const busy = measured.filter((r) => r.others > BUSY_BESIDE).length;
  const clientBound = measured.filter((r) => r.clientBusy > 0.9).length;
  const notes = [];
  if (busy > 0)
    notes.push(
      `${busy} of ${measured.length} measured cases ran beside other work (others > ${pc0(BUSY_BESIDE)} of the machine): req/s and p99 there are the scheduler's as much as the servers', CPU a request is steadier`,
    );
  if (clientBound > 0)
    notes.push(
      `${clientBound} cases kept the load generator over 90% of a core: their rate is partly its own`,
    );
  return notes.length ? notes.join('; ') : undefined;
}

const pc0 = (x) => `${(100 * x).toFixed(0)}%`;
