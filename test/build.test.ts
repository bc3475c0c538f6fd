import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../src/test-support/cli.js';

/**
 * The built CLI (tsc, then scripts/bundle.mjs) must keep one file per source module, so the command
 * dispatcher, the output formats and the kind registry still find their plugins by reading their
 * directories: a plugin added as a file is found without a list to edit, in the build as in the sources.
 */

const modulesIn = (dir: string) =>
  readdirSync(join(ROOT, 'src', dir))
    .filter((f) => /^[a-z][a-z-]*\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => f.replace(/\.tsx?$/, ''))
    .sort();

const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;

describe('the built CLI finds its plugins from the files', () => {
  it('every source module has its own file in dist', () => {
    for (const dir of ['cli/commands', 'cli/format', 'checks']) {
      const built = readdirSync(join(ROOT, 'dist', dir))
        .filter((f) => f.endsWith('.js'))
        .map((f) => f.slice(0, -3))
        .sort();
      expect(built, dir).toEqual(modulesIn(dir));
    }
  });

  it('lists every command of src/cli/commands', async () => {
    const r = await runCli(['--help']);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(modulesIn('cli/commands'));
  });

  it('registers every kind of src/checks', async () => {
    const { loadRegistry } = (await import(dist('checks/registry.js'))) as {
      loadRegistry(): Promise<{ names(): string[] }>;
    };
    const kinds = modulesIn('checks').filter((n) => n !== 'registry');
    expect((await loadRegistry()).names()).toEqual(kinds);
  });

  it('offers every format of src/cli/format', async () => {
    const { FORMAT_NAMES } = (await import(dist('cli/format/index.js'))) as { FORMAT_NAMES: string[] };
    const formats = modulesIn('cli/format').filter((n) => n !== 'index' && n !== 'formatter');
    expect([...FORMAT_NAMES]).toEqual(formats);
  });
});
