import type { Checklist, Item } from '../model/checklist.js';

/**
 * The parse cache's entry format. Most items of a long checklist repeat the same heading path, the same
 * conditions and the same source file; written out per item they made a 5,000-item entry 2.6 MB, and
 * read back they were as many copies in memory. So each distinct `section`, check `expect` and check
 * `file` is written once in `shared` and items point at it by index; read back, items share one array
 * (the model never mutates these). And the items' field names are written once per shape: an object is
 * `[shape + 1, ...values]` with its keys in `shapes`, an array `[0, ...elements]`. Nothing else changes:
 * the checklist read back is the one written (a test compares them).
 */

/** A cache entry: the parsed checklist, and whether it passed validation. */
export interface Entry {
  checklist: Checklist;
  valid: boolean;
}

const VERSION = 3;

interface Packed {
  v: number;
  valid: boolean;
  checklist: Checklist;
  shared: unknown[];
  shapes: string[][];
  items: unknown[];
}

/** Encode plain JSON data with each object's keys written once per shape (see the file's comment). */
function encoder(): { encode(value: unknown): unknown; shapes: string[][] } {
  const shapes: string[][] = [];
  const ids = new Map<string, number>();
  const encode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return [0, ...value.map(encode)];
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    const name = keys.join('\u0000');
    let id = ids.get(name);
    if (id === undefined) {
      id = shapes.length;
      shapes.push(keys);
      ids.set(name, id);
    }
    const out: unknown[] = [id + 1];
    for (const k of keys) out.push(encode((value as Record<string, unknown>)[k]));
    return out;
  };
  return { encode, shapes };
}

function decoder(shapes: string[][]): (value: unknown) => unknown {
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (!Array.isArray(value) || typeof value[0] !== 'number') throw new Error('cache entry: bad value');
    const tag = value[0];
    if (tag === 0) {
      const list = new Array<unknown>(value.length - 1);
      for (let i = 1; i < value.length; i++) list[i - 1] = decode(value[i]);
      return list;
    }
    const keys = shapes[tag - 1];
    if (!keys || keys.length !== value.length - 1) throw new Error('cache entry: bad shape');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = decode(value[i + 1]);
    return out;
  };
  return decode;
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
  const { encode, shapes } = encoder();
  // `items: []` holds the field's place, so the checklist read back has its fields in the same order.
  const rest = { ...checklist, items: [] };
  const entry: Packed = { v: VERSION, valid, checklist: rest, shared, shapes, items: items.map(encode) };
  return JSON.stringify(entry);
}

/** The entry a JSON text holds; undefined for anything not written by `packEntry` of this version. */
export function unpackEntry(json: string): Entry | undefined {
  const e = JSON.parse(json) as Partial<Packed>;
  if (e.v !== VERSION || typeof e.checklist !== 'object' || e.checklist === null) return undefined;
  if (!Array.isArray(e.shared) || !Array.isArray(e.items) || !Array.isArray(e.shapes)) return undefined;
  const shared = e.shared;
  const decode = decoder(e.shapes);
  const at = (i: unknown): unknown => {
    if (typeof i !== 'number' || !Object.hasOwn(shared, i)) throw new Error('cache entry: bad shared index');
    return shared[i];
  };
  const items = e.items.map((encoded) => {
    // Fresh objects: the shared parts are put back in place, keeping the fields' order.
    const item = decode(encoded) as Record<string, unknown>;
    item.section = at(item.section);
    const check = item.check as Record<string, unknown> | null | undefined;
    if (check) {
      check.expect = at(check.expect);
      if (check.file !== undefined) check.file = at(check.file);
    }
    return item as unknown as Item;
  });
  return { checklist: { ...e.checklist, items } as Checklist, valid: e.valid === true };
}
