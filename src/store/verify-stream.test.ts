import { describe, expect, it } from 'vitest';
import { EventsAfterTheirRows } from './verify-stream.js';

/**
 * PostgreSQL's verify reads each page of seqs as one stream (verify-stream.ts): every event is checked
 * after all rows of its seq, whatever order the server gives rows of one seq in (pages as ranges of seqs:
 * verify-pages.test.ts).
 */

describe('EventsAfterTheirRows', () => {
  /** What each handed-on event saw: the rows taken before it. */
  function walk(rows: [number, number][], stopAt?: number) {
    const seen: string[] = [];
    const page = new EventsAfterTheirRows(
      (r) => {
        seen.push(`event ${r[0]}`);
        return r[0] !== stopAt;
      },
      (kind, r) => seen.push(`${kind}:${r[0]}`),
    );
    for (const [kind, seq] of rows) page.row(kind, seq, [seq]);
    page.end();
    return { seen, events: page.events };
  }

  it('hands on each event after every row of its seq, before or after it', () => {
    const { seen, events } = walk([
      [1, 1],
      [0, 1],
      [0, 2],
      [4, 2],
      [5, 2],
      [5, 2],
      [2, 3],
      [0, 3],
      [3, 3],
      [0, 5],
      [1, 6],
    ]);
    expect(seen).toEqual([
      '1:1',
      'event 1',
      '4:2',
      '5:2',
      '5:2',
      'event 2',
      '2:3',
      '3:3',
      'event 3',
      'event 5',
      '1:6',
    ]);
    expect(events).toBe(4);
  });

  it('hands on an event last in the page at its end, and nothing after one that stops', () => {
    expect(walk([[0, 7]]).seen).toEqual(['event 7']);
    const { seen } = walk(
      [
        [0, 1],
        [1, 1],
        [0, 2],
        [1, 2],
        [0, 3],
        [1, 3],
      ],
      2,
    );
    expect(seen).toEqual(['1:1', 'event 1', '1:2', 'event 2']);
  });
});
