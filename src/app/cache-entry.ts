import type { Checklist } from '../model/checklist.js';

/**
 * The parse cache's entry format. Most items of a long checklist repeat the same heading path, the same
 * conditions and the same source file; written out per item they made a 5,000-item entry 2.6 MB, and
 * read back they were as many copies in memory. So each distinct `section`, check `expect` and check
 * `file` is written once in `shared` and items point at it by index; read back, items share one array
 * (the model never mutates these). Everything else is the checklist's own JSON, so `JSON.parse` builds
 * each item at once: only the shared references are put back in place (an earlier format also wrote each
 * object's keys once per shape, and rebuilding every object from arrays cost a warm run more than
 * parsing the keys). Nothing else changes: the checklist read back is the one written (a test compares them).
 */

/** A cache entry: the parsed checklist, and whether it passed validation. */
export interface Entry {
  checklist: Checklist;
  valid: boolean;
}

const VERSION = 5;

/**
 * The entry's first line: the checklist without its items (`items` empty, keeping the fields' order),
 * how many items follow, and the shared values they point at. Then one line per item (its JSON, with the
 * shared references), then one line per item with its check's condition positions (`expectAt`, or
 * null). Lines, so an entry is read and built a line at a time (cache-seal.ts `readSealed`): a 50,000-item
 * entry (~20 MB) is never held whole as bytes or as text. The positions come last, apart, so a run, which
 * never reads them (only validation does), does not build them (~0.2 KB an item) only to let them go.
 * JSON.stringify writes no raw newline, so a line is one JSON text.
 */
interface Header {
  v: number;
  valid: boolean;
  items: number;
  checklist: Checklist;
  shared: unknown[];
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
  const positions: string[] = [];
  const items = checklist.items.map((item) => {
    const packed: Record<string, unknown> = { ...item, section: ref(item.section) };
    positions.push(JSON.stringify(item.check?.expectAt ?? null));
    if (item.check) {
      const { expect, file, expectAt } = item.check;
      packed.check = {
        ...item.check,
        expect: ref(expect),
        ...(file === undefined ? {} : { file: ref(file) }),
        // Kept in its place (0), so the check read back has its fields in the same order.
        ...(expectAt === undefined ? {} : { expectAt: 0 }),
      };
    }
    return JSON.stringify(packed);
  });
  // The checklist's items are written in their place, so the checklist read back has its fields in order.
  const header: Header = {
    v: VERSION,
    valid,
    items: items.length,
    checklist: { ...checklist, items: [] },
    shared,
  };
  return [JSON.stringify(header), ...items, ...positions].join('\n');
}

/** The options of every check that gives none, read back from an entry (never mutated, frozen). */
const NO_OPTIONS: Record<string, unknown> = Object.freeze({});

function isEmptyRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const _key in value) return false;
  return true;
}

/** What builds an entry from its lines, fed one at a time (`line`), then asked for it (`entry`). */
export interface EntryReader {
  line(text: string): void;
  /** The entry; undefined for anything not written by `packEntry` of this version. */
  entry(): Entry | undefined;
}

/**
 * An entry built a line at a time. `positions: false` (a run) leaves every check's `expectAt` undefined
 * (the key kept, as `dropConditionPositions` does) and never parses the positions' lines, unless the
 * entry is of a checklist that failed validation (validated again, its messages need them).
 * Throws on an item that is no object or points at no shared value.
 */
export function entryReader({ positions = true }: { positions?: boolean } = {}): EntryReader {
  let header: Header | undefined;
  let wrong = false;
  let read = 0;
  const items: Record<string, unknown>[] = [];
  const at = (i: unknown): unknown => {
    const shared = header!.shared;
    if (typeof i !== 'number' || !Object.hasOwn(shared, i)) throw new Error('cache entry: bad shared index');
    return shared[i];
  };
  const item = (text: string): void => {
    const it = JSON.parse(text) as Record<string, unknown>;
    if (typeof it !== 'object' || it === null || Array.isArray(it)) throw new Error('cache entry: bad item');
    // The shared parts are put back in place (assigning an existing field keeps the fields' order).
    it.section = at(it.section);
    const check = it.check as Record<string, unknown> | null | undefined;
    if (check) {
      check.expect = at(check.expect);
      if (check.file !== undefined) check.file = at(check.file);
      // Most checks give their kind no options: they share one empty object, as they share `expect`.
      if (isEmptyRecord(check.options)) check.options = NO_OPTIONS;
      if (check.expectAt !== undefined) check.expectAt = undefined;
    }
    items.push(it);
  };
  const place = (text: string, i: number): void => {
    const check = items[i]!.check as Record<string, unknown> | null | undefined;
    const expectAt = JSON.parse(text) as unknown;
    if (check && expectAt !== null && Object.hasOwn(check, 'expectAt')) check.expectAt = expectAt;
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
          Number.isSafeInteger(h.items) &&
          (h.items as number) >= 0;
        if (ok) header = h as Header;
        else wrong = true;
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
