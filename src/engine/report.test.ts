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
        items.push({ ...item, id });
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
});
