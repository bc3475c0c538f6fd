import { afterEach, describe, expect, it } from 'vitest';
import type { SlotClaim, Store } from '../engine/store.js';
import { openStore } from './index.js';
import { type Backend, storeBackends } from './test-support/backends.js';

const SLOT = '2026-03-01T10:00:00.000Z';
const claim = (what: string, holder: string, slot = SLOT): SlotClaim => ({
  checklist: 'launch',
  environment: 'production',
  what,
  slot,
  holder,
  at: slot,
});

/**
 * A tick's claims go as one INSERT of a JSON array, first without RETURNING (SQLite): these are the
 * cases that form must answer exactly as one claim at a time would.
 */
describe.each(await storeBackends())('a tick of slot claims on $name', ({ name, available, make }) => {
  let backend: Backend | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await backend?.cleanup();
    backend = undefined;
  });
  /** Two replicas: two stores on one database (on SQLite, two connections to one file). */
  async function replicas(): Promise<[Store, Store]> {
    backend = await make(`claim_statement_${name}`);
    const a = await openStore(backend.url);
    const b = await openStore(backend.url);
    stores.push(a, b);
    return [a, b];
  }

  it.skipIf(!available)('answers a tick of thousands with some slots another replica won first', async () => {
    const [a, b] = await replicas();
    const items = Array.from({ length: 2500 }, (_, i) => `section-${i % 13}/check-${i}`);
    const held = new Set([0, 999, 1000, 1001, 2499].map((i) => items[i]!));
    for (const what of held) expect(await b.claimSlot(claim(what, 'b'))).toBe(true);
    // Nothing of an attempt that could not win every slot stays: each slot is won exactly once.
    expect(await a.claimSlots(items.map((w) => claim(w, 'a')))).toEqual(items.map((w) => !held.has(w)));
    expect(await b.claimSlots(items.map((w) => claim(w, 'b')))).toEqual(items.map(() => false));
    // A whole tick nobody holds: every slot won, then none again.
    const next = items.map((w) => claim(w, 'a', '2026-03-01T10:00:03.000Z'));
    expect(await a.claimSlots(next)).toEqual(items.map(() => true));
    expect(await a.claimSlots(next)).toEqual(items.map(() => false));
    for (const what of held) expect(await a.claimSlot(claim(what, 'a'))).toBe(false);
  });

  it.skipIf(!available)('holds item names JSON escapes, each as a claim of its own holds it', async () => {
    const [a, b] = await replicas();
    // Quotes, backslashes, controls, line separators, astral characters, a lone UTF-16 surrogate (a
    // checklist's YAML can write one): each is the slot one claim of it names, on both replicas.
    const names = [
      'q"uote',
      'back\\slash',
      'tab\there',
      'nl\nx',
      'ls\u2028x',
      '🚀/launch',
      'é',
      'a\ud800b',
      '\\ud800',
    ];
    expect(await a.claimSlots(names.map((w) => claim(w, 'a')))).toEqual(names.map(() => true));
    for (const what of names) expect(await b.claimSlot(claim(what, 'b'))).toBe(false);
    // Other slots: one of their names claimed alone first, the tick then answered as asked around it
    // (SQLite: the INSERT that says which rows it wrote).
    for (const [slot, taken] of [
      ['2026-03-01T10:00:03.000Z', 'a\ud800b'],
      ['2026-03-01T10:00:06.000Z', 'q"uote'],
    ] as const) {
      expect(await b.claimSlot(claim(taken, 'b', slot))).toBe(true);
      expect(await a.claimSlots(names.map((w) => claim(w, 'a', slot)))).toEqual(
        names.map((w) => w !== taken),
      );
    }
  });
});
