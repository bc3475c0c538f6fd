import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from './cli.js';

/** The CLI the tests spawn is this run's build of the sources (build-once.ts), never a stale dist/. */

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

describe('the CLI of the tests', () => {
  it('is bin/gonogo of a build made in a temporary folder after the sources last changed', () => {
    expect(CLI).toHaveLength(1);
    const bin = CLI[0]!;
    expect(bin.startsWith(ROOT)).toBe(false);
    const dist = join(dirname(bin), '..', 'dist');
    expect(statSync(join(dist, 'app', 'main.js')).mtimeMs).toBeGreaterThanOrEqual(newest(join(ROOT, 'src')));
  });

  it('runs as a user runs it', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `gonogo ${version}\n`, stderr: '' });
  });
});
