import type { Checklist } from '../model/checklist.js';

/**
 * The parse cache's entry format. A long checklist's items mostly have one shape (the same fields in the
 * same order) and, field by field, many of the same values (kind, flags, phase, timeouts, heading path,
 * conditions, file): written as each item's JSON they were ~370 bytes an item (18 MB at 50,000), every
 * byte read, MAC-checked, decoded and scanned again by each run. So an item is written by its shape: the
 * header lists each shape once (the item's keys and its check's keys, in order, with the value of every
 * field the shape's items all have alike), and an item's line holds its shape's index and the rest of its
 * values in order (`[0,"bench/endpoint-0-answers","Endpoint 0 answers",8,1,"${BASE_URL}/item/0",9,3]`).
 * Read back, an item is its shape's template copied (`{...template}`, one copy of every field in order)
 * with its own values put in their place; v3 rebuilt every object key by key from arrays, which cost more
 * than parsing the keys, and v4–v5 wrote each item's own JSON.
 * Heading paths, conditions and the check's file are written once in `shared` and pointed at by index, so
 * the items read back share one array each (the model never mutates these), as the checks without options
 * share one frozen empty object. Nothing else changes: the checklist read back is the one written, every
 * object's fields in the same order (a test compares them).
 */

/** A cache entry: the parsed checklist, and whether it passed validation. */
export interface Entry {
  checklist: Checklist;
  valid: boolean;
}

const VERSION = 6;

/**
 * A field of a shape: `[key]` when each item's line gives its value, `[key, value]` when every item of the
 * shape has that value (a shared field's index, a check's options as `{}`).
 */
type Field = [key: string] | [key: string, value: unknown];

interface Shape {
  item: Field[];
  /** The check's fields; null when the items have no check object (their `check` field is then a value). */
  check: Field[] | null;
}

/**
 * The entry's first line: the checklist without its items (`items` empty, keeping the fields' order),
 * how many items follow, the shared values they point at and their shapes. Then one line per item (a
 * JSON array: its shape, its values), then one line per item with its check's condition positions
 * (`expectAt`, or null). Lines, so an entry is read and built a line at a time (cache-seal.ts
 * `readSealed`): a 50,000-item entry is never held whole as bytes or as text. The positions come last,
 * apart, so a run, which never reads them (only validation does), does not build them (~0.2 KB an item)
 * only to let them go. JSON.stringify writes no raw newline, so a line is one JSON text.
 */
interface Header {
  v: number;
  valid: boolean;
  items: number;
  checklist: Checklist;
  shared: unknown[];
  shapes: Shape[];
}

/** How a field's value is written: as it is, by index into `shared`, a check's options, a check's `expectAt`. */
type How = 0 | 1 | 2 | 3;
const PLAIN: How = 0;
const SHARED: How = 1;
const OPTIONS: How = 2;
const POSITIONS: How = 3;

function howOf(key: string, inCheck: boolean): How {
  if (!inCheck) return key === 'section' ? SHARED : PLAIN;
  if (key === 'expect' || key === 'file') return SHARED;
  if (key === 'options') return OPTIONS;
  return key === 'expectAt' ? POSITIONS : PLAIN;
}

/** The options of every check that gives none, read back from an entry (never mutated, frozen). */
const NO_OPTIONS: Record<string, unknown> = Object.freeze({});

function isEmptyRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const _key in value) return false;
  return true;
}

/** What the items of one shape are written with, while an entry is packed. */
interface Packing {
  at: number;
  keys: string[];
  /** Where the check's fields start in `keys`; undefined when the items have no check object. */
  checkFrom: number | undefined;
  first: unknown[];
  alike: boolean[];
}

/** The text of an entry: lines of JSON. */
export function packEntry({ checklist, valid }: Entry): string {
  const shared: unknown[] = [];
  const index = new Map<string, number>();
  const ref = (value: unknown): number => {
    const key = JSON.stringify(value);
    let i = index.get(key);
    if (i === undefined) {
      i = shared.length;
      shared.push(value);
      index.set(key, i);
    }
    return i;
  };
  // As JSON.stringify writes an object: the fields whose value is not undefined, in order.
  const written = (record: object): string[] =>
    Object.keys(record).filter((k) => (record as Record<string, unknown>)[k] !== undefined);
  const packings = new Map<string, Packing>();
  const rows: { packing: Packing; values: unknown[] }[] = [];
  for (const item of checklist.items) {
    const check = typeof item.check === 'object' && item.check !== null ? item.check : undefined;
    const keys = written(item);
    const checkFrom = keys.length;
    if (check) keys.push(...written(check));
    const values = keys.map((key, j) => {
      const inCheck = j >= checkFrom;
      const value = ((inCheck ? check : item) as unknown as Record<string, unknown>)[key];
      if (!inCheck && key === 'check' && check) return null; // the check object, built from its own fields
      const how = howOf(key, inCheck);
      if (how === SHARED) return ref(value);
      if (how === POSITIONS) return 0; // kept in its place, so the check read back has its fields in order
      return how === OPTIONS && isEmptyRecord(value) ? NO_OPTIONS : value;
    });
    // The item's keys, then its check's (an empty check object is a shape apart from no check object).
    const name = `${keys.slice(0, checkFrom).join('\0')}${check ? `\u0001${keys.slice(checkFrom).join('\0')}` : '\u0002'}`;
    let packing = packings.get(name);
    if (!packing) {
      packing = {
        at: packings.size,
        keys,
        checkFrom: check ? checkFrom : undefined,
        first: values,
        alike: [],
      };
      packings.set(name, packing);
    }
    const { first, alike } = packing;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      // Alike only as a value the items may share: not an object of their own (options given, a window...).
      alike[j] =
        alike[j] !== false && v === first[j] && (v === null || typeof v !== 'object' || v === NO_OPTIONS);
    }
    rows.push({ packing, values });
  }
  const shapes: Shape[] = [...packings.values()].map(({ keys, checkFrom, first, alike }) => {
    const field = (j: number): Field => (alike[j] ? [keys[j]!, first[j]] : [keys[j]!]);
    const fields = keys.map((_, j) => field(j));
    return {
      item: checkFrom === undefined ? fields : fields.slice(0, checkFrom),
      check: checkFrom === undefined ? null : fields.slice(checkFrom),
    };
  });
  const lines = rows.map(({ packing, values }) =>
    JSON.stringify([packing.at, ...values.filter((_, j) => !packing.alike[j])]),
  );
  const positions = checklist.items.map((item) => JSON.stringify(packPositions(item.check?.expectAt)));
  // The checklist's items are written in their place, so the checklist read back has its fields in order.
  const header: Header = {
    v: VERSION,
    valid,
    items: lines.length,
    checklist: { ...checklist, items: [] },
    shared,
    shapes,
  };
  return [JSON.stringify(header), ...lines, ...positions].join('\n');
}

/**
 * A check's condition positions as written: a list of `{ line, column }` (those two fields, numbers, in
 * that order) as its numbers in a row, `[11,12,11,27]` (a quarter of the bytes: ~3 MB less of a
 * 50,000-item entry that every run reads and checks); anything else as `{ "as": value }`; none as null.
 */
function packPositions(expectAt: unknown): unknown {
  if (expectAt === undefined || expectAt === null) return null;
  const pairs =
    Array.isArray(expectAt) &&
    expectAt.every(
      (p: unknown) =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as { line?: unknown }).line === 'number' &&
        typeof (p as { column?: unknown }).column === 'number' &&
        Object.keys(p).join() === 'line,column',
    );
  return pairs
    ? (expectAt as { line: number; column: number }[]).flatMap((p) => [p.line, p.column])
    : { as: expectAt };
}

/** The positions `packPositions` wrote, as they were. */
function unpackPositions(written: unknown): unknown {
  if (!Array.isArray(written)) return (written as { as?: unknown }).as;
  if (written.length % 2 !== 0) throw new Error('cache entry: bad positions');
  const positions: { line: unknown; column: unknown }[] = [];
  for (let i = 0; i < written.length; i += 2) positions.push({ line: written[i], column: written[i + 1] });
  return positions;
}

/** What builds an entry from its lines, fed one at a time (`line`), then asked for it (`entry`). */
export interface EntryReader {
  line(text: string): void;
  /** The entry; undefined for anything not written by `packEntry` of this version. */
  entry(): Entry | undefined;
}

/** An object's fields as read back: a template to copy, and the fields each item's line gives, in order. */
interface Part {
  template: Record<string, unknown>;
  keys: string[];
  hows: How[];
}

/** A shape as read back: its item's part, its check's (when it has one), and how long its items' lines are. */
interface ReadShape {
  item: Part;
  check: Part | undefined;
  width: number;
}

/**
 * An entry built a line at a time. `positions: false` (a run) leaves every check's `expectAt` undefined
 * (the key kept, as `dropConditionPositions` does) and never parses the positions' lines, unless the
 * entry is of a checklist that failed validation (validated again, its messages need them).
 * Throws on a shape or an item it cannot read, or one that points at no shared value.
 */
export function entryReader({ positions = true }: { positions?: boolean } = {}): EntryReader {
  let header: Header | undefined;
  let shapes: ReadShape[] = [];
  let wrong = false;
  let read = 0;
  const items: Record<string, unknown>[] = [];
  const at = (i: unknown): unknown => {
    const shared = header!.shared;
    if (typeof i !== 'number' || !Object.hasOwn(shared, i)) throw new Error('cache entry: bad shared index');
    return shared[i];
  };
  const resolve = (how: How, value: unknown): unknown => {
    if (how === SHARED) return at(value);
    if (how === OPTIONS) return isEmptyRecord(value) ? NO_OPTIONS : value;
    return how === POSITIONS ? undefined : value;
  };
  const part = (fields: unknown, inCheck: boolean): Part => {
    if (!Array.isArray(fields)) throw new Error('cache entry: bad shape');
    // A template whose fields are all in the object (as JSON.parse makes it), so its copies are too.
    const template = JSON.parse(JSON.stringify(Object.fromEntries(fields.map((f) => [f?.[0], 0])))) as Record<
      string,
      unknown
    >;
    const keys: string[] = [];
    const hows: How[] = [];
    for (const f of fields as unknown[]) {
      if (!Array.isArray(f) || typeof f[0] !== 'string' || f.length < 1 || f.length > 2) {
        throw new Error('cache entry: bad shape');
      }
      const how = howOf(f[0], inCheck);
      if (f.length === 2) template[f[0]] = resolve(how, f[1]);
      else {
        keys.push(f[0]);
        hows.push(how);
      }
    }
    if (Object.keys(template).length !== fields.length) throw new Error('cache entry: bad shape');
    return { template, keys, hows };
  };
  const readShape = (shape: unknown): ReadShape => {
    const s = shape as Partial<Shape> | null;
    if (typeof s !== 'object' || s === null) throw new Error('cache entry: bad shape');
    const item = part(s.item, false);
    const check = s.check === null ? undefined : part(s.check, true);
    if (check && !Object.hasOwn(item.template, 'check')) throw new Error('cache entry: bad shape');
    return { item, check, width: 1 + item.keys.length + (check ? check.keys.length : 0) };
  };
  /** `target` with the values of `line` from `from` on put in the fields `part` lists; where it stopped. */
  const fill = (
    target: Record<string, unknown>,
    { keys, hows }: Part,
    line: unknown[],
    from: number,
  ): number => {
    for (let j = 0; j < keys.length; j++) {
      const how = hows[j]!;
      const value = line[from + j];
      target[keys[j]!] = how === PLAIN ? value : resolve(how, value);
    }
    return from + keys.length;
  };
  const item = (text: string): void => {
    const line = JSON.parse(text) as unknown[];
    const shape = Array.isArray(line) && typeof line[0] === 'number' ? shapes[line[0]] : undefined;
    if (shape === undefined || line.length !== shape.width) throw new Error('cache entry: bad item');
    const it = { ...shape.item.template };
    const next = fill(it, shape.item, line, 1);
    if (shape.check) {
      const check = { ...shape.check.template };
      fill(check, shape.check, line, next);
      it.check = check;
    }
    items.push(it);
  };
  const place = (text: string, i: number): void => {
    const check = items[i]!.check as Record<string, unknown> | null | undefined;
    const expectAt = JSON.parse(text) as unknown;
    if (check && expectAt !== null && Object.hasOwn(check, 'expectAt'))
      check.expectAt = unpackPositions(expectAt);
  };
  return {
    line(text) {
      if (wrong) return;
      read++;
      if (header === undefined) {
        const h = JSON.parse(text) as Partial<Header>;
        const ok =
          h.v === VERSION &&
          typeof h.checklist === 'object' &&
          h.checklist !== null &&
          Array.isArray(h.shared) &&
          Array.isArray(h.shapes) &&
          Number.isSafeInteger(h.items) &&
          (h.items as number) >= 0;
        if (ok) {
          header = h as Header;
          shapes = header.shapes.map(readShape);
        } else wrong = true;
        // A checklist that failed validation is validated again, and its messages point at conditions.
        if (header && header.valid !== true) positions = true;
      } else if (read <= header.items + 1) item(text);
      else if (read <= 2 * header.items + 1) {
        if (positions) place(text, read - header.items - 2);
      } else wrong = true;
    },
    entry() {
      if (wrong || header === undefined || read !== 2 * header.items + 1) return undefined;
      const checklist = header.checklist;
      (checklist as { items: unknown }).items = items;
      return { checklist, valid: header.valid === true };
    },
  };
}

/** The entry a text holds (all its lines); undefined for anything not written by `packEntry` of this version. */
export function unpackEntry(text: string, opts: { positions?: boolean } = {}): Entry | undefined {
  const reader = entryReader(opts);
  for (const line of text.split('\n')) reader.line(line);
  return reader.entry();
}
