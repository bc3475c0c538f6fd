import { describe, expect, it } from 'vitest';

/** bench/run-rounds.mjs: the run bench's rounds and ratios (plain JavaScript, typed here for the test). */
interface Contestant {
  key: string;
  cold: boolean;
}
interface Measured {
  wallMs: number;
  cpuMs: number;
  peakRss?: number;
  load?: number;
  others?: number;
}
interface Ratios {
  ratio: number;
  cpuRatio: number;
  ratioRange: [number, number];
  cpuRatioRange: [number, number];
  cpuRatioRounds: number[];
  cpuRatioOfMedians: number;
  busy: boolean;
}
interface RunRounds {
  roundPlan(
    contestants: Contestant[],
    rounds: number,
    coldRounds: number,
  ): { round: number; warmup: boolean; order: Contestant[] }[];
  runRounds(
    contestants: Contestant[],
    rounds: number,
    coldRounds: number,
    measureOne: (key: string) => Promise<Measured>,
  ): Promise<Record<string, { rounds: Measured[]; warmup?: Measured }>>;
  roundRatios(a: { rounds: Measured[] }, b: { rounds: Measured[] }): Ratios;
  verdictText(verdict: [string, boolean, boolean?]): string;
  memorySlopes(
    cases: Record<string, unknown>[],
    sizes: number[],
    builds: { name: string }[],
  ): { build: string; bytesPerItem: number; busy: boolean }[];
}
const specifier = '../bench/run-rounds.mjs';
const { roundPlan, runRounds, roundRatios, verdictText, memorySlopes } = (await import(
  specifier
)) as RunRounds;

const contestants: Contestant[] = [
  { key: 'raw', cold: false },
  { key: 'gonogo.warm', cold: false },
  { key: 'compare.warm', cold: false },
  { key: 'gonogo.cold', cold: true },
  { key: 'compare.cold', cold: true },
];
const keys = (order: Contestant[]) => order.map((c) => c.key);

describe('the run bench: rounds', () => {
  it('runs a warm-up round of every contestant first, then every warm contestant in every round', () => {
    const plan = roundPlan(contestants, 5, 2);
    expect(plan.map((r) => r.warmup)).toEqual([true, false, false, false, false, false]);
    expect([...keys(plan[0]?.order ?? [])].sort()).toEqual(keys(contestants).sort());
    for (const { round, order } of plan.slice(1)) {
      const want = keys(contestants).filter((k) => round <= 2 || !k.endsWith('.cold'));
      expect([...keys(order)].sort()).toEqual(want.sort());
    }
  });

  it('rotates the order, so each warm contestant goes first in turn', () => {
    const warm = contestants.filter((c) => !c.cold);
    const firsts = roundPlan(warm, 3, 0)
      .slice(1)
      .map((r) => r.order[0]?.key);
    expect([...firsts].sort()).toEqual(keys(warm).sort());
  });

  it('has no cold contestant anywhere, the warm-up included, without cold rounds', () => {
    for (const { order } of roundPlan(contestants, 3, 0)) expect(order.every((c) => !c.cold)).toBe(true);
  });

  it('keeps the warm-up round out of the measured rounds', async () => {
    let n = 0;
    const got = await runRounds(contestants, 3, 1, async () => ({ wallMs: ++n, cpuMs: n }));
    expect(got.raw?.warmup).toBeDefined();
    expect(got.raw?.rounds).toHaveLength(3);
    expect(got['gonogo.cold']?.rounds).toHaveLength(1);
    // The warm-up's five measurements are the first five: none is in a measured round.
    for (const c of Object.values(got)) expect(c.rounds.every((r) => r.cpuMs > 5)).toBe(true);
  });
});

describe('the run bench: ratios within a round', () => {
  // The floor's CPU moves 2.6–3.4 s between the minutes of one sitting (as measured on this machine), and
  // gonogo used 1.5x the floor in four of five rounds; in one it ran in a fast minute while the floor's was slow.
  const raw = { rounds: [2600, 2600, 3400, 3400, 3400].map((cpuMs) => ({ cpuMs, wallMs: cpuMs })) };
  const gonogo = { rounds: [3900, 3900, 5100, 3900, 5100].map((cpuMs) => ({ cpuMs, wallMs: cpuMs })) };

  it('takes each ratio within its round, the figure the median of those, with its range', () => {
    const r = roundRatios(gonogo, raw);
    expect(r.cpuRatioRounds.map((x) => x.toFixed(3))).toEqual(['1.500', '1.500', '1.500', '1.147', '1.500']);
    expect(r.cpuRatio).toBe(1.5);
    expect(r.ratio).toBe(1.5);
    expect(r.cpuRatioRange[0]).toBeCloseTo(3900 / 3400);
    expect(r.cpuRatioRange[1]).toBe(1.5);
    // The old method, the ratio of the medians, compared different minutes: 3900 / 3400 = 1.15x.
    expect(r.cpuRatioOfMedians).toBeCloseTo(1.147, 3);
  });

  it('says a verdict is not evidence when its rounds ran beside more than a quarter of other work', () => {
    const beside = (x: { rounds: Measured[] }, others: number[]) => ({
      rounds: x.rounds.map((r, i) => ({ ...r, others: others[i] })),
    });
    const quiet = roundRatios(
      beside(gonogo, [0.02, 0.05, 0.4, 0.03, 0.1]),
      beside(raw, [0.05, 0.3, 0, 0.1, 0.08]),
    );
    const busy = roundRatios(
      beside(gonogo, [0.6, 0.3, 0.1, 0.5, 0.7]),
      beside(raw, [0.4, 0.35, 0.05, 0.8, 0.5]),
    );
    expect(quiet.busy).toBe(false);
    expect(busy.busy).toBe(true);
    expect(verdictText(['warm 500 flat nginx <= 1.3x', busy.ratio <= 1.3, busy.busy])).toBe(
      'warm 500 flat nginx <= 1.3x: OVER TARGET (on a busy machine: not evidence)',
    );
    expect(verdictText(['warm 500 flat nginx <= 1.3x', quiet.ratio <= 1.3, quiet.busy])).toBe(
      'warm 500 flat nginx <= 1.3x: OVER TARGET',
    );
    // Off Linux nothing is known of the others: no flag.
    expect(roundRatios(gonogo, raw).busy).toBe(false);
  });
});

describe('the run bench: memory per item', () => {
  it('takes the slope above the floor between the two largest sizes, busy when either case was', () => {
    const at = (items: number, rss: number, rawRss: number, busy: boolean) => ({
      target: 'nginx',
      shape: 'flat',
      items,
      raw: { peakRss: rawRss },
      gonogo: { warm: { peakRss: rss, busy } },
    });
    const quiet = memorySlopes(
      [at(500, 80e6, 100e6, false), at(5000, 84.5e6, 100.5e6, false)],
      [500, 5000],
      [{ name: 'gonogo' }],
    );
    expect(quiet).toEqual([
      expect.objectContaining({ build: 'gonogo', bytesPerItem: 4e6 / 4500, busy: false }),
    ]);
    const busy = memorySlopes(
      [at(500, 80e6, 100e6, false), at(5000, 84.5e6, 100.5e6, true)],
      [500, 5000],
      [{ name: 'gonogo' }],
    );
    expect(busy[0]?.busy).toBe(true);
  });
});
