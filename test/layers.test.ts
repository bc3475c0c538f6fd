import { execFile } from 'node:child_process';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * The layer rules of .dependency-cruiser.cjs, proved against real violations: a copy of src/ gets one
 * offending file per case, dependency-cruiser runs once over it with the repository's config, and every
 * case must be reported under its rule. The repository's own src/ must pass.
 */

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** [file to add, its import, the rule that must name it]. */
const INJECTED: [string, string, string][] = [
  ['engine/x-engine-to-markdown.ts', '../markdown/index.js', 'layer-engine'],
  ['engine/x-engine-to-usecases.ts', '../usecases/x-target.js', 'layer-engine'],
  ['engine/x-engine-to-checks.ts', '../checks/registry.js', 'layer-engine'],
  ['server/x-server-to-markdown.ts', '../markdown/index.js', 'layer-server'],
  ['server/x-server-to-app.ts', '../app/config.js', 'layer-server'],
  ['server/x-server-to-cli.ts', '../cli/context.js', 'layer-server'],
  ['server/x-server-to-store.ts', '../store/index.js', 'layer-server'],
  ['cli/x-cli-to-app.ts', '../app/config.js', 'layer-cli'],
  ['cli/x-cli-to-server.ts', '../server/index.js', 'layer-cli'],
  ['cli/x-cli-to-markdown.ts', '../markdown/index.js', 'layer-cli'],
  ['checks/x-checks-to-store.ts', '../store/index.js', 'layer-checks'],
  ['checks/x-checks-to-usecases.ts', '../usecases/x-target.js', 'layer-checks'],
  ['store/x-store-to-checks.ts', '../checks/registry.js', 'layer-store'],
  ['model/x-model-to-engine.ts', '../engine/check.js', 'layer-model'],
  ['markdown/x-markdown-to-engine.ts', '../engine/check.js', 'layer-markdown'],
  ['usecases/x-usecases-to-server.ts', '../server/index.js', 'layer-usecases'],
  ['usecases/x-usecases-to-markdown.ts', '../markdown/index.js', 'layer-usecases'],
  ['engine/x-engine-to-test-support.ts', './test-support/kinds.js', 'no-test-support-in-production'],
  ['server/x-server-to-test-support.ts', '../test-support/cli.js', 'no-test-support-in-production'],
  ['model/x-model-fs.ts', 'node:fs', 'model-no-io'],
  ['model/x-model-os.ts', 'os', 'model-no-io'],
  ['markdown/x-markdown-fs.ts', 'node:fs/promises', 'markdown-no-io'],
  ['markdown/x-markdown-spawn.ts', 'node:child_process', 'markdown-no-io'],
];

const run = promisify(execFile);
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Violations dependency-cruiser finds in `cwd`'s src/ with the repository's config. */
async function cruise(cwd: string): Promise<Violation[]> {
  const args = [DEPCRUISE, 'src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'];
  // Exit code 1 means "violations found"; the JSON on stdout says which.
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 64 << 20 }).catch(
    (err: { stdout?: string }) => {
      if (!err.stdout) throw err;
      return { stdout: err.stdout };
    },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const dir = blockTempDir('gonogo-layers-');
let injected: Violation[];
let clean: Violation[];

beforeAll(async () => {
  await cp(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  await cp(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // A clean use-cases module for injections to point at (the layer may not exist yet in this tree).
  await mkdir(join(dir, 'src/usecases'), { recursive: true });
  await writeFile(
    join(dir, 'src/usecases/x-target.ts'),
    "export type { Checklist } from '../model/checklist.js';\n",
  );
  for (const [file, target] of INJECTED) {
    await mkdir(dirname(join(dir, 'src', file)), { recursive: true });
    await writeFile(join(dir, 'src', file), `import '${target}';\n`);
  }
  [injected, clean] = await Promise.all([cruise(dir), cruise(ROOT)]);
});

describe('.dependency-cruiser.cjs', () => {
  it('passes the repository as it is', () => {
    expect(clean.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it.each(INJECTED)('src/%s importing %s fails %s', (file, _target, rule) => {
    const found = injected.filter((v) => v.from === `src/${file}`).map((v) => v.rule.name);
    expect(found).toEqual([rule]);
  });

  it('reports nothing but the injected files', () => {
    const files = new Set(INJECTED.map(([file]) => `src/${file}`));
    expect(injected.filter((v) => !files.has(v.from))).toEqual([]);
  });
});
