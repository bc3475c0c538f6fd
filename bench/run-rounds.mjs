/**
 * bench/run.mjs's rounds and ratios (bench/rounds.mjs's method, kept apart from what run.mjs measures so
 * test/bench-rounds.test.ts can hold it). On this machine the raw floor's own CPU for the same 50,000
 * requests moves 2.6–3.4 s between minutes, so the ratio of two medians taken from different rounds read
 * 1.12× to 2.17× for one build; a ratio taken within a round compares processes seconds apart.
 */
import { BUSY_BESIDE, busyBeside, median, NOT_EVIDENCE, pairedRatio, roundOrder } from './rounds.mjs';

/**
 * One case's rounds: round 0 the warm-up (every contestant once, left out), then `rounds` measured ones,
 * each contestant (`{ key, cold }`) in each, the order rotated by one a round; a cold contestant only in the
 * warm-up and the first `coldRounds` measured rounds (none when `coldRounds` is 0).
 */
export function roundPlan(contestants, rounds, coldRounds) {
  const plan = [];
  for (let round = 0; round <= rounds; round++) {
    const cold = round === 0 ? coldRounds > 0 : round <= coldRounds;
    const here = contestants.filter((c) => cold || !c.cold).map((c) => ({ ...c, name: c.key, block: 'run' }));
    plan.push({
      round,
      warmup: round === 0,
      order: roundOrder(here, round).map(({ key, cold }) => ({ key, cold })),
    });
  }
  return plan;
}

/**
 * Measure one case's rounds (roundPlan's) with `measureOne(key)`: each contestant's `{ rounds, warmup }`,
 * the warm-up round's measurement kept apart from the measured rounds.
 */
export async function runRounds(contestants, rounds, coldRounds, measureOne) {
  const got = Object.fromEntries(contestants.map((c) => [c.key, { rounds: [], warmup: undefined }]));
  for (const { warmup, order } of roundPlan(contestants, rounds, coldRounds)) {
    for (const { key } of order) {
      const m = await measureOne(key);
      if (warmup) got[key].warmup = m;
      else got[key].rounds.push(m);
    }
  }
  return got;
}

const range = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length ? [Math.min(...s), Math.max(...s)] : null;
};

/**
 * A contestant's figures over its measured rounds (each `{ wallMs, cpuMs, peakRss, load, others }`): the
 * medians (the keys results.json always had) and what ran beside it.
 */
export function stats(rounds) {
  const others = rounds.map((r) => r.others);
  return {
    wallMs: median(rounds.map((r) => r.wallMs)),
    cpuMs: median(rounds.map((r) => r.cpuMs)),
    peakRss: median(rounds.map((r) => r.peakRss)),
    runs: rounds.length,
    beside: {
      load: range(rounds.map((r) => r.load)),
      others: others.some((x) => x !== undefined) ? { median: median(others), range: range(others) } : null,
    },
  };
}

/**
 * `a` over `b` (each `{ rounds }`, measured in the same rounds), wall and CPU, each ratio taken within its
 * round: `ratio` and `cpuRatio` (the keys results.json always had, now the median of the per-round ratios),
 * their ranges and per-round values, the old ratio of the medians beside, and whether the pair's median
 * round ran beside more than BUSY_BESIDE of other work (`busy`: its verdict is not evidence).
 */
export function roundRatios(a, b) {
  const wall = pairedRatio(a, b, 'wallMs');
  const cpu = pairedRatio(a, b, 'cpuMs');
  const m = (x, field) => median(x.rounds.map((r) => r[field]));
  return {
    ratio: wall.value,
    cpuRatio: cpu.value,
    ratioRange: [wall.min, wall.max],
    cpuRatioRange: [cpu.min, cpu.max],
    ratioRounds: wall.rounds,
    cpuRatioRounds: cpu.rounds,
    ratioOfMedians: m(a, 'wallMs') / m(b, 'wallMs'),
    cpuRatioOfMedians: m(a, 'cpuMs') / m(b, 'cpuMs'),
    busy: busyBeside(a, b),
  };
}

const x2 = (v) => `${v.toFixed(2)}x`;
const pc = (v) => `${(100 * v).toFixed(0)}%`;

/** "1.23x (rounds 1.10–1.40)": a per-round median and its range. */
export const ratioText = (value, [min, max]) => `${x2(value)} (rounds ${min.toFixed(2)}–${max.toFixed(2)})`;

/** A row's second line: the load average over its rounds and the others' share of the machine. */
export function besideText({ beside }) {
  const load = beside.load ? `load ${beside.load.map((x) => x.toFixed(1)).join('–')}` : 'load ?';
  if (!beside.others) return load;
  const {
    median: m,
    range: [lo, hi],
  } = beside.others;
  return `${load}, others ${pc(m)} (${pc(lo)}–${pc(hi)}) of the machine${m > BUSY_BESIDE ? ': busy' : ''}`;
}

/**
 * Memory one more item costs each build, above what one more request costs the floor: the slope of warm
 * peak RSS between the two largest of `sizes`, for every target and shape in `cases`. A slope whose cases
 * ran beside more than BUSY_BESIDE of other work is `busy` (peak RSS moves with the machine too: the same
 * code read 0.69 and 1.00 KB/item in one busy sitting, benchrun18).
 */
export function memorySlopes(cases, sizes, builds) {
  if (sizes.length < 2) return [];
  const [small, large] = sizes.slice(-2);
  const slopes = [];
  for (const a of cases.filter((c) => c.items === small)) {
    const z = cases.find((c) => c.target === a.target && c.shape === a.shape && c.items === large);
    if (!z) continue;
    for (const { name } of builds) {
      const grown = z[name].warm.peakRss - a[name].warm.peakRss - (z.raw.peakRss - a.raw.peakRss);
      const busy = Boolean(a[name].warm.busy || z[name].warm.busy);
      slopes.push({
        target: a.target,
        shape: a.shape,
        build: name,
        from: small,
        to: large,
        bytesPerItem: grown / (large - small),
        busy,
      });
    }
  }
  return slopes;
}

/** A verdict's line; one whose rounds ran beside more than BUSY_BESIDE of other work says it is not evidence. */
export const verdictText = ([name, ok, busy]) =>
  `${name}: ${ok ? 'within target' : 'OVER TARGET'}${busy ? NOT_EVIDENCE : ''}`;
