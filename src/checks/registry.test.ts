import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import { environmentFor, lintCondition } from '../engine/conditions.js';
import { expectIndexMatchesFolder } from '../test-support/plugin-index.js';
import { type KindModule, kinds as kindIndex } from './kinds.js';
import { loadRegistry, registryFrom } from './registry.js';

describe('the kinds in src/checks', async () => {
  const registry = await loadRegistry();
  const kinds = registry.names();

  it('lists every kind file in kinds.ts under its file name, and nothing else', async () => {
    await expectIndexMatchesFolder({
      index: kindIndex,
      folder: new URL('./', import.meta.url),
      notPlugins: ['kinds', 'registry'],
      nameOf: (def) => (def as { kind?: unknown }).kind,
    });
    expect(kinds).toEqual(Object.keys(kindIndex).sort());
  });

  it.each(kinds)('%s has a summary, typed variables and a default expectation that type-checks', (name) => {
    const def = registry.get(name)!;
    expect(def.summary.trim().length).toBeGreaterThan(0);
    expect(Object.keys(def.variables).length).toBeGreaterThan(0);
    for (const [variable, decl] of Object.entries(def.variables)) {
      expect(decl.description.trim().length, `${name}.${variable} needs a description`).toBeGreaterThan(0);
    }
    // Registering the variables fails on a type CEL does not know.
    expect(() => environmentFor(def)).not.toThrow();
    expect(def.defaultExpect.length).toBeGreaterThan(0);
    for (const expr of def.defaultExpect)
      expect(lintCondition(def, expr), `${name}: ${expr}`).toBeUndefined();
    expect(typeof def.target.safeParse).toBe('function');
    expect(typeof def.options.safeParse).toBe('function');
  });
});

describe('loadRegistry', () => {
  const kind = (name: string) =>
    ({
      kind: name,
      summary: 's',
      target: null,
      options: null,
      variables: {},
      defaultExpect: [],
      run: async () => ({}),
    }) as unknown as CheckDefinition;
  const index = (defs: Record<string, () => unknown>) =>
    Object.fromEntries(
      Object.entries(defs).map(([name, make]) => [name, async () => ({ default: make() })]),
    ) as unknown as Record<string, KindModule>;

  it('lists the kinds of its index, sorted', async () => {
    const registry = await loadRegistry({
      index: index({ beta: () => kind('beta'), alpha: () => kind('alpha') }),
    });
    expect(registry.names()).toEqual(['alpha', 'beta']);
    expect(registry.get('beta')?.kind).toBe('beta');
  });

  it('refuses a kind named differently from its entry, naming both', async () => {
    await expect(loadRegistry({ index: index({ gamma: () => kind('delta') }) })).rejects.toThrow(
      'check kind module of "gamma" declares kind "delta"; a kind must be named after its file (gamma.ts)',
    );
  });

  it('refuses a module without a default definition', async () => {
    await expect(loadRegistry({ index: index({ eps: () => ({ x: 1 }) }) })).rejects.toThrow(
      /"eps" must `export default defineCheck/,
    );
  });

  it('lazily, lists every kind but imports only those loaded', async () => {
    const registry = await loadRegistry({
      index: index({
        alpha: () => kind('alpha'),
        broken: () => {
          throw new Error('imported although no checklist uses it');
        },
      }),
      lazy: true,
    });
    expect(registry.names()).toEqual(['alpha', 'broken']);
    expect(() => registry.get('alpha')).toThrow('check kind "alpha" is not loaded');
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.get('toString')).toBeUndefined();
    await registry.load?.(['alpha', 'alpha', 'nope']);
    expect(registry.get('alpha')?.kind).toBe('alpha');
    await expect(registry.load?.(['broken'])).rejects.toThrow(/"broken" failed to load: imported although/);
  });

  it('refuses two definitions of one kind', () => {
    const def = { kind: 'a' } as Parameters<typeof registryFrom>[0][number];
    expect(() => registryFrom([def, def])).toThrow('check kind "a" is defined twice');
  });
});
