import { describe, expect, it } from 'vitest';
import { dropCheckSpec, type Item } from '../model/checklist.js';
import type { CheckDefinition } from './check.js';
import { type RunOptions, runChecklist } from './run-checklist.js';
import { checklistOf, dbKind, itemWith, manualItem, registryOf, webKind } from './test-support/kinds.js';
import { MemoryStore } from './test-support/memory-store.js';

/** `gonogo run` lets go of each check spec once prepared (dropSpecs); what it reports stays the same. */

const registry = registryOf(
  webKind as CheckDefinition<unknown, unknown>,
  dbKind as CheckDefinition<unknown, unknown>,
);
const fixedNow = new Date('2026-12-01T10:00:00.000Z');

/** A fresh checklist each time: passes, a failure, an error while preparing, a window, manual and skipped items. */
function items(): Item[] {
  return [
    itemWith('api/ready', { kind: 'web', target: 'api.example/ready', expect: ['status == 200'] }),
    itemWith('api/body', { kind: 'web', target: 'api.example/body', expect: ['body.target == "nope"'] }),
    itemWith('db/up', { kind: 'db', target: 'db.example:5432' }, { blocking: false }),
    itemWith('api/unset', { kind: 'web', target: '${STATUS_URL}/ready' }),
    itemWith('api/held', { kind: 'web', target: 'api.example/held', hold: '1h', every: '1m' }),
    itemWith('api/skip', { kind: 'web', target: 'api.example/skip' }, { skip: 'not yet' }),
    manualItem('ops/2fa', { checked: true }),
    manualItem('ops/pager'),
  ];
}

async function run(dropSpecs: boolean) {
  const checklist = checklistOf(items());
  const store = new MemoryStore();
  const opts: RunOptions = {
    checklist,
    environment: 'production',
    registry,
    store,
    now: () => fixedNow,
    env: {},
    baseDir: '/tmp',
    trigger: 'cli',
    ...(dropSpecs ? { dropSpecs: true } : {}),
  };
  const result = await runChecklist(opts);
  // Durations are measured; everything else must match to the byte.
  const same = (text: string) => text.replace(/"durationMs":\d+/g, '"durationMs":0');
  return {
    checklist,
    report: same(JSON.stringify(result.report)),
    run: same(JSON.stringify(result.run)),
    samples: JSON.stringify(store.samples),
    audit: JSON.stringify(store.audit.map((e) => ({ ...e, at: undefined, hash: undefined }))),
  };
}

describe('a run that lets go of its check specs (gonogo run)', () => {
  it('reports, stores and samples exactly what a run keeping them does', async () => {
    const kept = await run(false);
    const dropped = await run(true);
    expect(dropped.report).toBe(kept.report);
    expect(dropped.run).toBe(kept.run);
    expect(dropped.samples).toBe(kept.samples);
    expect(dropped.audit).toBe(kept.audit);
    // The cases are all there: a pass, a failed condition, an error, an error while preparing, a window.
    const statuses = JSON.parse(kept.report).items.map((i: { status: string }) => i.status);
    expect(statuses).toEqual(['pass', 'fail', 'error', 'error', 'pending', 'skipped', 'pass', 'pending']);
  });

  it('leaves no target, option or condition behind on the items it ran; the server keeps them', async () => {
    const { checklist } = await run(true);
    const byId = new Map(checklist.items.map((i) => [i.id, i]));
    for (const id of ['api/ready', 'api/body', 'db/up', 'api/unset', 'api/held']) {
      const check = byId.get(id)!.check!;
      expect(check.target).toBeUndefined();
      expect(check.expect).toEqual([]);
      expect(Object.isFrozen(check)).toBe(true);
    }
    expect(byId.get('db/up')!.check!.kind).toBe('db');
    // Not run (skipped): kept as written; manual items have none.
    expect(byId.get('api/skip')!.check!.target).toBe('api.example/skip');
    expect(byId.get('ops/2fa')!.check).toBeNull();

    const server = await run(false);
    expect(server.checklist.items[0]!.check!.target).toBe('api.example/ready');
    expect(server.checklist.items[0]!.check!.expect).toEqual(['status == 200']);
  });

  it('shares one stand-in per kind and leaves an item without a check alone', () => {
    const a = itemWith('a', { kind: 'web', target: 'x/1', hold: '1h', every: '1m' });
    const b = itemWith('b', { kind: 'web', target: 'x/2' });
    const c = itemWith('c', { kind: 'db', target: 'db:1' });
    const none = manualItem('m');
    for (const item of [a, b, c, none]) dropCheckSpec(item);
    expect(a.check).toBe(b.check);
    expect(a.check).not.toBe(c.check);
    expect(a.check.window).toBeUndefined();
    expect(c.check.kind).toBe('db');
    expect(none.check).toBeNull();
  });
});
