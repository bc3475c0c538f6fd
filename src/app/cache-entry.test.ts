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

/** An item line, with its check block's lines (indented, between the fences) when it has one. */
const item = (line: string, ...check: string[]) =>
  [line, ...(check.length > 0 ? ['```check', ...check, '```'].map((l) => `  ${l}`) : [])].join('\n');

/** Items of many shapes: with and without checks, options and windows given, other sections, advisory. */
const HEADERS = 'headers: { accept: application/json }';
const WINDOW = ['hold: 1h', 'every: 5m'];
const MIXED = [
  '# Ops',
  item('- [ ] Runbook written'),
  item('- [ ] Health answers', 'http: http://127.0.0.1:9/health', 'timeout: 5s', HEADERS),
  item('- [ ] Ready answers', 'http: http://127.0.0.1:9/ready', 'timeout: 5s', HEADERS),
  item('- [ ] Port open (optional)', 'tcp: 127.0.0.1:5432', ...WINDOW),
  '## Data',
  item('- [x] Backups restored once'),
  item('- [ ] Replica port open', 'tcp: 127.0.0.1:5433', ...WINDOW),
  item('- [ ] Disk persistent', 'file: /var/backups', 'expect: [exists]', 'retries: 2'),
  '',
].join('\n');

/** A sealed-format-v5 entry's text (header, one item's JSON, its positions), as the previous version wrote it. */
const V5_ENTRY = [
  '{"v":5,"valid":true,"items":1,"checklist":{"id":"c","name":"C","digest":"sha256:00","file":"/tmp/c.md","environments":{},"policy":{"waiver_max_days":30,"signoffs":[]},"notify":[],"sections":[],"items":[],"signoffs":[],"warnings":[]},"shared":[["C"],["status == 200"],"/tmp/c.md"]}',
  '{"id":"c/a","title":"A","kind":"task","section":0,"checked":false,"blocking":true,"check":{"kind":"http","target":"http://127.0.0.1:9/","options":{},"expect":1,"timeoutMs":10000,"retries":0,"retryDelayMs":1000,"line":3,"column":3,"file":2,"expectAt":0},"line":2,"column":1,"description":"","phase":"pre-launch"}',
  '[{"line":5,"column":12}]',
].join('\n');

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
      // Every object's fields in the same order (what a report or a digest writes out), values the same.
      expect(JSON.stringify(back!.checklist)).toBe(JSON.stringify(checklist));
    }
  });

  it('gives back items of many shapes exactly: no check, options and windows of their own, other sections', () => {
    const checklist = readChecklist({ bytes: Buffer.from(MIXED), file: '/tmp/mixed.md', kinds });
    const text = packEntry({ checklist, valid: true });
    const back = unpackEntry(text)!.checklist;
    expect(back).toEqual(checklist);
    expect(JSON.stringify(back)).toBe(JSON.stringify(checklist));
    expect(unpackEntry(text, { positions: false })!.checklist.items.map((i) => Object.keys(i))).toEqual(
      checklist.items.map((i) => Object.keys(i)),
    );
    // Options and windows given alike are still each item's own objects, as parsed.
    const [a, b] = back.items.filter((i) => i.check?.kind === 'http');
    expect(a!.check!.options).toEqual({ headers: { accept: 'application/json' } });
    expect(a!.check!.options).toEqual(b!.check!.options);
    expect(a!.check!.options).not.toBe(b!.check!.options);
    const [c, d] = back.items.filter((i) => i.check?.kind === 'tcp');
    expect(c!.check!.window).toEqual(d!.check!.window);
    expect(c!.check!.window).not.toBe(d!.check!.window);
    // Items without a check keep theirs null, and share no object with the others.
    expect(back.items.filter((i) => i.check === null).length).toBeGreaterThan(0);
    expect(back.items[0]).not.toBe(back.items[1]);
  });

  it('writes a repeated heading path and condition list once', () => {
    const checklist = readChecklist({ bytes: Buffer.from(repeated(200)), file: '/tmp/bench.md', kinds });
    const text = packEntry({ checklist, valid: true });
    expect(text.split('body.ok == true').length - 1).toBe(1);
    expect(text.split('/tmp/bench.md').length - 1).toBe(2); // the checklist's file, and the checks' one
    // Each field's name, and each value the items all have alike, is written once (in their shape).
    expect(text.split('"timeoutMs"').length - 1).toBe(1);
    expect(text.split('"pre-launch"').length - 1).toBe(1);
    // An item's line is its shape and its own values: id, title, line, target, check line.
    expect(text.split('\n')[8]).toBe(
      '[0,"section/endpoint-7-answers","Endpoint 7 answers",38,"http://127.0.0.1:9/item/7",39]',
    );
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
    // The formats before this one (one JSON text; each object's keys once per shape; each item's JSON) are
    // other versions.
    expect(again({ ...packed, v: 4 })).toBeUndefined();
    expect(again({ ...packed, v: 5 })).toBeUndefined();
    // A shape that cannot be read, or an item of no shape or of another length: not an entry to use.
    expect(() => again({ ...packed, shapes: [{ item: [[1]], check: null }] })).toThrow(/bad shape/);
    expect(() => again(packed, ['[1]', ...rest.slice(1)])).toThrow(/bad item/);
    expect(() => again(packed, [rest[0]!.replace(/\]$/, ',1]'), ...rest.slice(1)])).toThrow(/bad item/);
  });

  it('refuses an entry written by the format before this one (v5: each item as its own JSON)', () => {
    expect(unpackEntry(V5_ENTRY)).toBeUndefined();
    expect(unpackEntry(V5_ENTRY, { positions: false })).toBeUndefined();
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
    // Written as their numbers in a row (a quarter of the bytes), each read back as its own object.
    expect(text.split('\n').at(-2)).toBe(
      JSON.stringify(checklist.items[1]!.check!.expectAt!.flatMap((p) => [p.line, p.column])),
    );
    expect(whole.items[1]!.check!.expectAt![0]).not.toBe(whole.items[2]!.check!.expectAt![0]);
    // Positions of any other form are kept as they are.
    const odd = structuredClone(checklist);
    (odd.items[0]!.check as { expectAt: unknown }).expectAt = [
      { column: 3, line: 2 },
      { line: 4, column: 5, file: 'b.yaml' },
    ];
    (odd.items[1]!.check as { expectAt: unknown }).expectAt = [];
    const oddBack = unpackEntry(packEntry({ checklist: odd, valid: true }))!.checklist;
    expect(JSON.stringify(oddBack)).toBe(JSON.stringify(odd));
    // A check object with no field written is not the same shape as no check object.
    const bare = structuredClone(checklist);
    bare.items[0]!.check = null;
    bare.items[1]!.check = {} as (typeof bare.items)[1]['check'];
    const bareBack = unpackEntry(packEntry({ checklist: bare, valid: true }))!.checklist;
    expect(bareBack.items.slice(0, 2).map((i) => i.check)).toEqual([null, {}]);
    // A checklist that failed validation is validated again from its entry: its positions are built.
    const invalid = unpackEntry(packEntry({ checklist, valid: false }), { positions: false })!.checklist;
    expect(invalid.items[1]!.check!.expectAt).toEqual(checklist.items[1]!.check!.expectAt);
  });
});
