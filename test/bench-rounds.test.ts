import { describe, expect, it } from 'vitest';

/** bench/rounds.mjs: the method of the preflight and run benches (plain JavaScript, typed here for the test). */
interface Case {
  name: string;
  block: string;
}
interface Rounds {
  roundOrder(cases: Case[], round: number): Case[];
  pairedRatio(
    a: { rounds: Record<string, number>[] },
    b: { rounds: Record<string, number>[] },
    field: string,
  ): { value: number; min: number; max: number; rounds: number[] };
  busyBeside(a: { rounds: { others?: number }[] }, b: { rounds: { others?: number }[] }): boolean;
}
const specifier = '../bench/rounds.mjs';
const { roundOrder, pairedRatio, busyBeside } = (await import(specifier)) as Rounds;

const cases: Case[] = [
  { name: 'preflight gonogo', block: 'preflight' },
  { name: 'overview gonogo', block: 'pages' },
  { name: 'preflight base', block: 'preflight' },
  { name: 'overview base', block: 'pages' },
  { name: 'preflight hono', block: 'preflight' },
  { name: 'preflight node', block: 'preflight' },
];
const names = (round: number) => roundOrder(cases, round).map((c) => c.name);

describe('the preflight bench: the order of the cases in a round', () => {
  it('measures every case once a round, a block side by side', () => {
    for (let round = 0; round < 6; round++) {
      const order = names(round);
      expect([...order].sort()).toEqual(cases.map((c) => c.name).sort());
      const blocks = order.map((n) => n.split(' ')[0]);
      // Two runs: all of one block, then all of the other.
      expect(blocks.filter((b, i) => i > 0 && b !== blocks[i - 1])).toHaveLength(1);
    }
  });

  it('gives each case of a block each position in turn, the blocks taking turns to go first', () => {
    const firstOfPreflight = [0, 1, 2, 3].map((r) => names(r).find((n) => n.startsWith('preflight')));
    expect(firstOfPreflight).toEqual([
      'preflight gonogo',
      'preflight base',
      'preflight hono',
      'preflight node',
    ]);
    expect([0, 1, 2, 3].map((r) => names(r)[0]?.split(' ')[0])).toEqual([
      'preflight',
      'overview',
      'preflight',
      'overview',
    ]);
  });
});

describe('the preflight bench: ratios', () => {
  it('takes a ratio within each round, then the median of those', () => {
    // A slow trend over the sitting (both halve) and an outlier round: the per-round ratios stay 0.5.
    const a = { rounds: [{ rps: 10 }, { rps: 5 }, { rps: 1 }, { rps: 2.5 }] };
    const b = { rounds: [{ rps: 20 }, { rps: 10 }, { rps: 8 }, { rps: 5 }] };
    const got = pairedRatio(a, b, 'rps');
    expect(got.rounds).toEqual([0.5, 0.5, 0.125, 0.5]);
    expect(got.value).toBe(0.5);
    expect(got.min).toBe(0.125);
    expect(got.max).toBe(0.5);
  });

  it('leaves out a round either case lacks a figure for', () => {
    const a = { rounds: [{ p99: 4 }, { p99: Number.NaN }, { p99: 3 }] };
    const b = { rounds: [{ p99: 2 }, { p99: 1 }] };
    expect(pairedRatio(a, b, 'p99').rounds).toEqual([2]);
  });
});

describe('the preflight bench: a busy machine', () => {
  it('calls a pair of cases busy when their median round ran beside more than a quarter of other work', () => {
    const quiet = { rounds: [{ others: 0.02 }, { others: 0.6 }, { others: 0.05 }] };
    const busy = { rounds: [{ others: 0.4 }, { others: 0.7 }, { others: 0.3 }] };
    expect(busyBeside(quiet, quiet)).toBe(false);
    expect(busyBeside(busy, busy)).toBe(true);
    // Off Linux (no /proc/stat) nothing is known of the others: not called busy.
    expect(busyBeside({ rounds: [{}, {}] }, { rounds: [{}] })).toBe(false);
  });
});
