import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

/**
 * Vitest's globalSetup: builds the current sources once per test run (scripts/build.mjs, ~1 s) into a
 * temporary folder laid out as the package is (bin/gonogo, dist/, package.json, node_modules), and hands
 * its bin/gonogo to the tests (cli.ts's CLI), so every spawned CLI starts from JavaScript instead of
 * transpiling TypeScript, and never from a stale dist/. Watch mode builds again before each rerun.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** bin/gonogo of this run's build of the sources. */
    gonogoBin: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-test-build-'));
  // Node resolves the drivers the build leaves external from the package's node_modules, and the parse
  // cache finds the code's folder (dist/) as the one under package.json.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/gonogo'), join(dir, 'bin/gonogo'));
  const build = () =>
    promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', join(dir, 'dist')], {
      cwd: ROOT,
    });
  await build();
  project.onTestsRerun(async () => {
    await build();
  });
  project.provide('gonogoBin', join(dir, 'bin/gonogo'));
  return () => rmSync(dir, { recursive: true, force: true });
}
