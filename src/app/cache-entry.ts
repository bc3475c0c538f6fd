import type { Checklist, Item } from '../model/checklist.js';

/**
 * The parse cache's entry format. Most items of a long checklist repeat the same heading path, the same
 * conditions and the same source file; written out per item they made a 5,000-item entry 2.6 MB, and
 * read back they were as many copies in memory. So each distinct `section`, check `expect` and check
 * `file` is written once in `shared` and items point at it by index; read back, items share one array
 * (the model never mutates these). Nothing else changes: the checklist read back is the one written.
 */

/** A cache entry: the parsed checklist, and whether it passed validation. */
export interface Entry {
  checklist: Checklist;
  valid: boolean;
}

const VERSION = 2;

interface Packed {
  v: number;
  valid: boolean;
  checklist: Omit<Checklist, 'items'>;
  shared: unknown[];
  items: Record<string, unknown>[];
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
      const { expect, file, ...check } = item.check;
      packed.check = { ...check, expect: ref(expect), ...(file === undefined ? {} : { file: ref(file) }) };
    }
    return packed;
  });
  const { items: _, ...rest } = checklist;
  const entry: Packed = { v: VERSION, valid, checklist: rest, shared, items };
  return JSON.stringify(entry);
}

/** The entry a JSON text holds; undefined for anything not written by `packEntry` of this version. */
export function unpackEntry(json: string): Entry | undefined {
  const e = JSON.parse(json) as Partial<Packed>;
  if (e.v !== VERSION || typeof e.checklist !== 'object' || e.checklist === null) return undefined;
  if (!Array.isArray(e.shared) || !Array.isArray(e.items)) return undefined;
  const shared = e.shared;
  const at = (i: unknown): unknown => {
    if (typeof i !== 'number' || !Object.hasOwn(shared, i)) throw new Error('cache entry: bad shared index');
    return shared[i];
  };
  const items = e.items.map((packed) => {
    const item = { ...packed, section: at(packed.section) } as Record<string, unknown>;
    const check = packed.check as Record<string, unknown> | null | undefined;
    if (check) {
      item.check = {
        ...check,
        expect: at(check.expect),
        ...(check.file === undefined ? {} : { file: at(check.file) }),
      };
    }
    return item as unknown as Item;
  });
  return { checklist: { ...e.checklist, items } as Checklist, valid: e.valid === true };
}
