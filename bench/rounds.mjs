/**
 * The method the benches that race processes share (bench/preflight.mjs since pf16, session 17;
 * bench/run.mjs since benchrun18, session 18). The 2-core machine a sitting runs on is shared (other
 * processes, the kernel's writeback): the same work's CPU and rate move by a third or more between the
 * minutes of one sitting, so a ratio of two medians taken from different rounds compares different minutes
 * ("the slot effect", bench/README). So:
 *  - every round measures every contestant, in an order rotated by one each round;
 *  - round 0 is a warm-up round, measured and left out for every contestant alike;
 *  - a ratio is taken within each round, from measurements seconds apart, and the figure is the median of
 *    those per-round ratios, printed with their range;
 *  - each measurement notes what else ran beside it: the share of the machine's CPU that none of the bench's
 *    own processes used ("others", from /proc/stat), and a verdict whose rounds ran beside more than
 *    BUSY_BESIDE of it says it is not evidence.
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

/** Process `pid`'s CPU time so far (user + system), in ms (/proc/PID/stat), or undefined off Linux. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
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
 * The share of the whole machine (all cores) busy over `elapsedMs` with other work than the bench's own
 * `knownMs`, from two machineBusyMs readings; undefined when either is.
 */
export function othersShare(machineFrom, machineTo, knownMs, elapsedMs) {
  if (machineFrom === undefined || machineTo === undefined) return undefined;
  return Math.max(0, machineTo - machineFrom - knownMs) / (elapsedMs * availableParallelism());
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

/** The share of the machine others may take beside a case before its figures are mostly the scheduler's. */
export const BUSY_BESIDE = 0.25;

/** Whether the median round of two cases ran beside more than BUSY_BESIDE of other work. */
export function busyBeside(a, b) {
  return median([...a.rounds, ...b.rounds].map((r) => r.others)) > BUSY_BESIDE;
}

/** What a verdict whose rounds ran beside more than BUSY_BESIDE of other work says after itself. */
export const NOT_EVIDENCE = ' (on a busy machine: not evidence)';
