import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../checks/registry.js';
import { readChecklist } from '../markdown/index.js';
import { packEntry, unpackEntry } from './cache-entry.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A generated list whose items repeat one heading path and one set of conditions, as the bench's. */
function repeated(n: number): string {
  const lines = ['# Bench', '## Section'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `- [ ] Endpoint ${i} answers`,
      '  ```check',
      `  http: http://127.0.0.1:9/item/${i}`,
      '  expect: [status == 200, body.ok == true]',
      '  ```',
    );
  }
  return `${lines.join('\n')}\n`;
}

let kinds: Set<string>;
beforeAll(async () => {
  kinds = new Set((await loadRegistry()).names());
});

describe('the parse cache entry', () => {
  it.each([
    ['seed 004', join(ROOT, 'bench', 'fixtures', '004-production-checklist.md')],
    ['the enterprise example', join(ROOT, 'examples', 'enterprise-go-live.md')],
  ])('gives back exactly the checklist it was given (%s)', async (_, file) => {
    const checklist = readChecklist({ bytes: await readFile(file), file, kinds });
    for (const valid of [true, false]) {
      const back = unpackEntry(packEntry({ checklist, valid }));
      expect(back).toEqual({ checklist, valid });
    }
  });

  it('writes a repeated heading path and condition list once', () => {
    const checklist = readChecklist({ bytes: Buffer.from(repeated(200)), file: '/tmp/bench.md', kinds });
    const text = packEntry({ checklist, valid: true });
    expect(text.split('body.ok == true').length - 1).toBe(1);
    expect(text.split('/tmp/bench.md').length - 1).toBe(2); // the checklist's file, and the checks' one
    const back = unpackEntry(text)!;
    expect(back.checklist).toEqual(checklist);
    expect(back.checklist.items[7]!.check!.expect).toBe(back.checklist.items[8]!.check!.expect);
    // Checks without options of their own share one empty object, which nothing may change.
    const options = back.checklist.items[7]!.check!.options;
    expect(options).toEqual({});
    expect(options).toBe(back.checklist.items[8]!.check!.options);
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('refuses an entry of another format, with a dangling index or an item that is no object', () => {
    const checklist = readChecklist({ bytes: Buffer.from(repeated(2)), file: '/tmp/bench.md', kinds });
    expect(unpackEntry(JSON.stringify({ checklist, valid: true }))).toBeUndefined();
    const [header, ...rest] = packEntry({ checklist, valid: true }).split('\n');
    const packed = JSON.parse(header!);
    const again = (first: unknown, lines = rest) => unpackEntry([JSON.stringify(first), ...lines].join('\n'));
    expect(() => again({ ...packed, shared: [] })).toThrow(/shared index/);
    expect(() => again(packed, ['null', ...rest.slice(1)])).toThrow(/bad item/);
    // Lines missing or added: a miss.
    expect(again(packed, rest.slice(0, -1))).toBeUndefined();
    expect(again(packed, [...rest, 'null'])).toBeUndefined();
    // The formats before this one (one JSON text; each object's keys once per shape) are other versions.
    expect(again({ ...packed, v: 4 })).toBeUndefined();
  });

  it("builds the conditions' positions only when asked, keeping every check's fields in order", () => {
    const checklist = readChecklist({ bytes: Buffer.from(repeated(3)), file: '/tmp/bench.md', kinds });
    const text = packEntry({ checklist, valid: true });
    const whole = unpackEntry(text)!.checklist;
    expect(whole.items[1]!.check!.expectAt).toEqual(checklist.items[1]!.check!.expectAt);
    expect(whole.items[1]!.check!.expectAt).toHaveLength(2);
    expect(Object.keys(whole.items[1]!.check!)).toEqual(Object.keys(checklist.items[1]!.check!));
    const lean = unpackEntry(text, { positions: false })!.checklist;
    // As `dropConditionPositions` leaves them: the key kept, undefined.
    expect(Object.keys(lean.items[1]!.check!)).toEqual(Object.keys(checklist.items[1]!.check!));
    expect(lean.items.every((i) => i.check!.expectAt === undefined)).toBe(true);
    // A checklist that failed validation is validated again from its entry: its positions are built.
    const invalid = unpackEntry(packEntry({ checklist, valid: false }), { positions: false })!.checklist;
    expect(invalid.items[1]!.check!.expectAt).toEqual(checklist.items[1]!.check!.expectAt);
  });
});
