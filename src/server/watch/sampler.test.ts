import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CheckFailure, defineCheck } from '../../engine/check.js';
import { checklistOf, itemWith, registryOf } from '../../engine/test-support/kinds.js';
import { MemoryStore } from '../../engine/test-support/memory-store.js';
import { sampleItems } from './sampler.js';

/** A probed system that echoes a setting back in its error, as a misconfigured service does. */
const echoKind = defineCheck({
  kind: 'echo',
  summary: 'fails with the value of an environment variable in its message',
  target: z.string(),
  options: z.strictObject({}),
  variables: { ok: { type: 'bool', description: 'ok' } },
  defaultExpect: ['ok'],
  async run(name: string, _o, ctx) {
    throw new CheckFailure(`login refused for ${ctx.env[name] ?? ''}`, { ok: false });
  },
});

describe('sampleItems', () => {
  it('redacts the values of the checklist’s front-matter secrets in stored samples', async () => {
    const secret = 'plain-setting-value-4f9a1c';
    const store = new MemoryStore();
    // PLAIN_SETTING is no secret by its name: only the front matter's `secrets:` list marks it.
    const item = itemWith('ops/login', { kind: 'echo', target: 'PLAIN_SETTING', hold: '1m', every: '10s' });
    const checklist = checklistOf([item], { secrets: ['PLAIN_SETTING'] });
    const samples = await sampleItems(
      {
        registry: registryOf(echoKind),
        store,
        now: () => new Date('2026-12-01T09:00:00Z'),
        env: { PLAIN_SETTING: secret },
        baseDir: () => '.',
      },
      checklist,
      'production',
      [item],
    );
    expect(samples).toHaveLength(1);
    expect(samples[0]!.ok).toBe(false);
    expect(samples[0]!.message).toContain('login refused for');
    expect(JSON.stringify(store.samples)).not.toContain(secret);
  });

  /** A kind that counts how often its target is parsed (prepared) and records what each run got. */
  function probe() {
    const state = { prepared: 0, ran: [] as string[] };
    const kind = defineCheck({
      kind: 'probe',
      summary: 'passes unless its target is "down"',
      target: z.string().transform((t) => {
        state.prepared++;
        return t;
      }),
      options: z.strictObject({}),
      variables: { ok: { type: 'bool', description: 'ok' } },
      defaultExpect: ['ok'],
      async run(target: string) {
        state.ran.push(target);
        return { ok: target !== 'down' };
      },
    });
    return { state, registry: registryOf(kind) };
  }
  const sampling = (
    registry: ReturnType<typeof registryOf>,
    store: MemoryStore,
    env: Record<string, string> = {},
  ) => ({ registry, store, now: () => new Date('2026-12-01T09:00:00Z'), env, baseDir: () => '.' });

  it('prepares a check once per checklist version, environment and process environment', async () => {
    const { state, registry } = probe();
    const store = new MemoryStore();
    const item = itemWith('ops/up', { kind: 'probe', target: '${TARGET}', hold: '1m', every: '10s' });
    const v1 = checklistOf([item], {
      environments: { production: { TARGET: 'one' }, staging: { TARGET: 'st' } },
    });
    const deps = sampling(registry, store);
    for (let i = 0; i < 3; i++) await sampleItems(deps, v1, 'production', [item]);
    expect(state.ran).toEqual(['one', 'one', 'one']);
    expect(state.prepared).toBe(1);
    // Another environment of the same version: its own block.
    await sampleItems(deps, v1, 'staging', [item]);
    expect(state.ran.at(-1)).toBe('st');
    // A new version (the catalog reads a changed file into a new checklist), the same item objects.
    const v2 = { ...v1, environments: { production: { TARGET: 'two' } } };
    await sampleItems(deps, v2, 'production', [item]);
    expect(state.ran.at(-1)).toBe('two');
    // The old version, still sampled by a loop that has not seen the change yet, keeps its own.
    await sampleItems(deps, v1, 'production', [item]);
    expect(state.ran.at(-1)).toBe('one');
    expect(state.prepared).toBe(3);
  });

  it('prepares again for another process environment, and fails a check that cannot be prepared every time', async () => {
    const { state, registry } = probe();
    const store = new MemoryStore();
    const fromEnv = itemWith('ops/env', {
      kind: 'probe',
      target: '${PROBE_TARGET}',
      hold: '1m',
      every: '10s',
    });
    const unset = itemWith('ops/unset', {
      kind: 'probe',
      target: '${NOT_SET_ANYWHERE}',
      hold: '1m',
      every: '10s',
    });
    const c = checklistOf([fromEnv, unset]);
    await sampleItems(sampling(registry, store, { PROBE_TARGET: 'a' }), c, 'production', [fromEnv, unset]);
    await sampleItems(sampling(registry, store, { PROBE_TARGET: 'b' }), c, 'production', [fromEnv, unset]);
    expect(state.ran).toEqual(['a', 'b']);
    const failed = store.samples.filter((s) => s.item === 'ops/unset');
    expect(failed).toHaveLength(2);
    for (const s of failed) {
      expect(s.ok).toBe(false);
      expect(s.message).toContain('NOT_SET_ANYWHERE');
    }
  });

  it('stores every sample of a batch, the one that fails midway included', async () => {
    const { registry } = probe();
    const store = new MemoryStore();
    const items = ['up', 'down', 'up'].map((t, i) =>
      itemWith(`ops/item-${i}`, { kind: 'probe', target: t, hold: '1m', every: '10s' }),
    );
    const c = checklistOf(items);
    const samples = await sampleItems(sampling(registry, store), c, 'production', items);
    expect(samples).toHaveLength(3);
    const byItem = new Map(store.samples.map((s) => [s.item, s.ok]));
    expect(byItem).toEqual(
      new Map([
        ['ops/item-0', true],
        ['ops/item-1', false],
        ['ops/item-2', true],
      ]),
    );
  });
});
