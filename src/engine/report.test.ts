import { describe, expect, it } from 'vitest';
import { noGoEvaluation } from '../cli/format/test-support/sample-report.js';
import type { EvaluatedItem } from '../model/verdict.js';
import { toRunReport } from './report.js';

describe('toRunReport', () => {
  it('gives each item its line as `{ ...item, line }` would: the same keys, in the same order', () => {
    const { checklist, evaluation } = noGoEvaluation();
    // Many items of every shape the sample has (attestation, waiver, durationMs, observed, none of them),
    // enough for V8's clone paths to go megamorphic, and one item with no line.
    const items: EvaluatedItem[] = [];
    const lines = new Map<string, number>();
    for (let round = 0; round < 300; round++) {
      for (const [i, item] of evaluation.items.entries()) {
        const id = `${item.id}-${round}`;
        // An evaluation listed otherwise than decide() lists it, its items without their lines.
        const { line: _line, ...rest } = item;
        items.push({ ...rest, id });
        if (round !== 7 || i !== 0) lines.set(id, round * 100 + i);
      }
    }
    const long = {
      ...checklist,
      items: items.map((i) => ({ ...checklist.items[0]!, id: i.id, line: lines.get(i.id)! })),
    };
    const report = toRunReport(long, { ...evaluation, items }, { at: new Date(0) });
    const expected = items.map((item) => {
      const line = lines.get(item.id);
      return line === undefined ? item : { ...item, line };
    });
    expect(report.items.map((i) => Object.keys(i))).toEqual(expected.map((i) => Object.keys(i)));
    expect(JSON.stringify(report.items, null, 2)).toBe(JSON.stringify(expected, null, 2));
    // The item without a line is the evaluated item itself, as before.
    expect(report.items.filter((i) => !('line' in i))).toHaveLength(1);
  });

  it("uses decide()'s items as they are: each carries its line, last, as the copy would", () => {
    const { checklist, evaluation } = noGoEvaluation();
    const report = toRunReport(checklist, evaluation, { at: new Date(0) });
    const copies = evaluation.items.map((item) => {
      const { line: _line, ...rest } = item;
      const line = checklist.items.find((i) => i.id === item.id)?.line;
      return line === undefined ? rest : { ...rest, line };
    });
    expect(report.items.every((item, i) => item === evaluation.items[i])).toBe(true);
    expect(report.items.map((i) => Object.keys(i))).toEqual(copies.map((i) => Object.keys(i)));
    expect(JSON.stringify(report.items, null, 2)).toBe(JSON.stringify(copies, null, 2));
  });
});
