import { describe, expect, it } from 'vitest';
import { StateSignal } from '../usecases/index.js';
import { type KeptEntry, KeptPromises } from './kept-promises.js';

interface Entry extends KeptEntry<number> {
  until: number;
}

/** A kept value of `key` made by counting makes, holding until `now` reaches its `until`. */
function harness(opts: Partial<ConstructorParameters<typeof KeptPromises<number, Entry>>[0]> = {}) {
  const kept = new KeptPromises<number, Entry>({ max: 10, ...opts });
  let made = 0;
  let now = 0;
  const get = (key: string, value: Promise<number> = Promise.resolve(made + 1)) =>
    kept.get(
      key,
      (e) => now < e.until,
      () => {
        made += 1;
        return { until: now + 100, value };
      },
    ).value;
  return {
    kept,
    get,
    made: () => made,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

describe('KeptPromises', () => {
  it('makes one value for concurrent callers and keeps it while it holds', async () => {
    const h = harness();
    expect(await Promise.all([h.get('a'), h.get('a'), h.get('a')])).toEqual([1, 1, 1]);
    h.tick(99);
    expect(await h.get('a')).toBe(1);
    h.tick(1);
    expect(await h.get('a')).toBe(2);
    expect(await h.get('b')).toBe(3);
    expect(h.made()).toBe(3);
  });

  it('forgets a value whose promise failed, and only that one', async () => {
    const h = harness();
    await expect(h.get('a', Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await h.get('a')).toBe(2);
    expect(h.made()).toBe(2);
  });

  it('drops everything at a state change', async () => {
    const changes = new StateSignal();
    const h = harness({ changes });
    await h.get('a');
    await h.get('b');
    changes.emit({ type: 'waiver.granted', checklist: 'x' });
    expect(await h.get('a')).toBe(3);
    expect(await h.get('b')).toBe(4);
  });

  it('drops only the entries a change names when told which', async () => {
    const changes = new StateSignal();
    const h = harness({ changes, drops: (change, key) => key.startsWith(`${change.checklist}/`) });
    await h.get('x/1');
    await h.get('y/1');
    changes.emit({ type: 'waiver.granted', checklist: 'x' });
    expect(await h.get('x/1')).toBe(3);
    expect(await h.get('y/1')).toBe(2);
  });

  it('makes room past `max`: all forgotten by default, or as `evict` chooses', async () => {
    const all = harness({ max: 2 });
    await all.get('a');
    await all.get('b');
    await all.get('c');
    expect(await all.get('c')).toBe(3);
    expect(await all.get('a')).toBe(4);

    const oldest = harness({ max: 2, evict: (entries) => entries.delete(entries.keys().next().value!) });
    await oldest.get('a');
    await oldest.get('b');
    await oldest.get('c');
    expect(await oldest.get('b')).toBe(2);
    expect(await oldest.get('a')).toBe(4);
  });

  it('peeks without making, and keeps what it is given in place of the kept one', async () => {
    const kept = new KeptPromises<number, Entry>({ max: 10 });
    expect(kept.peek('a', () => true)).toBeUndefined();
    kept.keep('a', { until: 1, value: Promise.resolve(1) });
    kept.keep('a', { until: 2, value: Promise.resolve(2) });
    expect(await kept.peek('a', () => true)?.value).toBe(2);
    expect(kept.peek('a', (e) => e.until > 5)).toBeUndefined();
    kept.clear();
    expect(kept.peek('a', () => true)).toBeUndefined();
  });
});
