import { describe, expect, it } from 'vitest';
import type { Sample } from '../engine/store.js';
import { perTest, storeBackends } from './test-support/backends.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const tick = (i: number) => new Date(T0 + 3_000 * i).toISOString();
/** More items than one window read holds (100), as a tick of the watch loop stores them. */
const ITEMS = Array.from({ length: 230 }, (_, i) => `s${i % 7}/item-${i}`);
const tickOf = (i: number): Sample[] =>
  ITEMS.map((item, n) => ({
    checklist: 'launch',
    environment: 'production',
    item,
    at: tick(i),
    ok: (n + i) % 11 !== 0,
    ...((n + i) % 11 === 0 ? { message: `status 50${i}` } : {}),
  }));

describe.each(await storeBackends())('window samples on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)('reads every item of a checklist as listSamples reads each', async () => {
    const { store } = await fresh.store(`window_samples_${name}`);
    for (let i = 0; i < 6; i++) await store.addSamples(tickOf(i));
    await store.addSamples([{ ...tickOf(3)[0]!, checklist: 'other' }]);
    // Two starts among the items, and an item nothing was stored for.
    const since = new Map(ITEMS.map((item, n) => [item, tick(n % 3 === 0 ? 0 : 4)]));
    since.set('s0/not-sampled', tick(0));
    const windows = await store.listWindowSamples('launch', 'production', since);
    expect([...windows.keys()]).toEqual([...since.keys()]);
    for (const [item, from] of since) {
      const one = await store.listSamples('launch', 'production', item, from);
      expect(windows.get(item)).toEqual(one);
      expect(one).toEqual(
        [0, 1, 2, 3, 4, 5].flatMap((i) => tickOf(i).filter((s) => s.item === item && s.at >= from)),
      );
    }
    expect(windows.get('s0/not-sampled')).toEqual([]);
    expect(await store.listWindowSamples('launch', 'production', new Map())).toEqual(new Map());
  });
});
