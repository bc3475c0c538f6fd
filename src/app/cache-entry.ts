import type { Checklist, Item } from '../model/checklist.js';

/**
 * The parse cache's entry format. Most items of a long checklist repeat the same heading path, the same
 * conditions and the same source file; written out per item they made a 5,000-item entry 2.6 MB, and
 * read back they were as many copies in memory. So each distinct `section`, check `expect` and check
 * `file` is written once in `shared` and items point at it by index; read back, items share one array
 * (the model never mutates these). Everything else is the checklist's own JSON, so `JSON.parse` builds
 * the items at once: only the shared references are put back in place (an earlier format also wrote each
 * object's keys once per shape, and rebuilding every object from arrays cost a warm run more than
 * parsing the keys). Nothing else changes: the checklist read back is the one written (a test compares them).
 */

/** A cache entry: the parsed checklist, and whether it passed validation. */
export interface Entry {
  checklist: Checklist;
  valid: boolean;
}

const VERSION = 4;

interface Packed {
  v: number;
  valid: boolean;
  checklist: Checklist;
  shared: unknown[];
}

/** The JSON text of an entry. */
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
  const items = checklist.items.map((item) => {
    const packed: Record<string, unknown> = { ...item, section: ref(item.section) };
    if (item.check) {
      const { expect, file } = item.check;
      packed.check = {
        ...item.check,
        expect: ref(expect),
        ...(file === undefined ? {} : { file: ref(file) }),
      };
    }
    return packed;
  });
  // Written in the checklist's place, so the checklist read back has its fields in the same order.
  const entry: Packed = {
    v: VERSION,
    valid,
    checklist: { ...checklist, items: items as unknown as Item[] },
    shared,
  };
  return JSON.stringify(entry);
}

/** The options of every check that gives none, read back from an entry (never mutated, frozen). */
const NO_OPTIONS: Record<string, unknown> = Object.freeze({});

function isEmptyRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const _key in value) return false;
  return true;
}

/** The entry a JSON text holds; undefined for anything not written by `packEntry` of this version. */
export function unpackEntry(json: string): Entry | undefined {
  const e = JSON.parse(json) as Partial<Packed>;
  if (e.v !== VERSION || typeof e.checklist !== 'object' || e.checklist === null) return undefined;
  const { shared, checklist } = e;
  if (!Array.isArray(shared) || !Array.isArray(checklist.items)) return undefined;
  const at = (i: unknown): unknown => {
    if (typeof i !== 'number' || !Object.hasOwn(shared, i)) throw new Error('cache entry: bad shared index');
    return shared[i];
  };
  for (const item of checklist.items as unknown as Record<string, unknown>[]) {
    if (typeof item !== 'object' || item === null) throw new Error('cache entry: bad item');
    // The shared parts are put back in place (assigning an existing field keeps the fields' order).
    item.section = at(item.section);
    const check = item.check as Record<string, unknown> | null | undefined;
    if (check) {
      check.expect = at(check.expect);
      if (check.file !== undefined) check.file = at(check.file);
      // Most checks give their kind no options: they share one empty object, as they share `expect`.
      if (isEmptyRecord(check.options)) check.options = NO_OPTIONS;
    }
  }
  return { checklist, valid: e.valid === true };
}
