import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentFor, lintCondition } from '../engine/conditions.js';
import { loadRegistry, registryFrom } from './registry.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('the kinds in src/checks', async () => {
  const registry = await loadRegistry();
  const kinds = registry.names();

  it('registers every kind file under its file name, and nothing else', async () => {
    const files = (await readdir(HERE))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'registry.ts' && f !== 'index.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(kinds).toEqual(files);
    for (const name of kinds) expect(registry.get(name)?.kind).toBe(name);
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

describe('loadRegistry discovery', () => {
  let dir: string;
  const kind = (name: string) =>
    `export default { kind: '${name}', summary: 's', target: null, options: null, variables: {}, defaultExpect: [], run: async () => ({}) };\n`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gonogo-registry-'));
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function folder(files: Record<string, string>): Promise<string> {
    const sub = await mkdtemp(join(dir, 'case-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(sub, name), text);
    return sub;
  }

  it('finds kinds and skips tests, maps, declarations, index and registry', async () => {
    const sub = await folder({
      'alpha.js': kind('alpha'),
      'beta.js': kind('beta'),
      'alpha.test.js': 'throw new Error("tests are not kinds")',
      'alpha.js.map': '{}',
      'alpha.d.ts': 'export {}',
      'index.js': 'throw new Error("not a kind")',
      'registry.js': 'throw new Error("not a kind")',
    });
    const registry = await loadRegistry({ dir: sub, ext: '.js' });
    expect(registry.names()).toEqual(['alpha', 'beta']);
  });

  it('refuses a kind named differently from its file, naming the file', async () => {
    const sub = await folder({ 'gamma.js': kind('delta') });
    await expect(loadRegistry({ dir: sub, ext: '.js' })).rejects.toThrow(
      `check kind module ${join(sub, 'gamma.js')} declares kind "delta"; a kind must be named after its file ("gamma")`,
    );
  });

  it('refuses a module without a default definition', async () => {
    const sub = await folder({ 'eps.js': 'export const x = 1;\n' });
    await expect(loadRegistry({ dir: sub, ext: '.js' })).rejects.toThrow(
      /eps\.js must `export default defineCheck/,
    );
  });

  it('lazily, lists every kind but imports only those loaded', async () => {
    const sub = await folder({
      'alpha.js': kind('alpha'),
      'broken.js': 'throw new Error("imported although no checklist uses it")',
    });
    const registry = await loadRegistry({ dir: sub, ext: '.js', lazy: true });
    expect(registry.names()).toEqual(['alpha', 'broken']);
    expect(() => registry.get('alpha')).toThrow('check kind "alpha" is not loaded');
    expect(registry.get('nope')).toBeUndefined();
    await registry.load?.(['alpha', 'alpha', 'nope']);
    expect(registry.get('alpha')?.kind).toBe('alpha');
    await expect(registry.load?.(['broken'])).rejects.toThrow(/broken\.js failed to load: imported although/);
  });

  it('refuses two definitions of one kind', () => {
    const def = { kind: 'a' } as Parameters<typeof registryFrom>[0][number];
    expect(() => registryFrom([def, def])).toThrow('check kind "a" is defined twice');
  });
});
