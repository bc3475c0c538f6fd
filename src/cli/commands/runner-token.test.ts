import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

/**
 * Where `gonogo runner` takes its token from: `--token-file PATH`, `GONOGO_RUNNER_TOKEN` or `--token T`,
 * exactly one. Refusals happen before any connection (the server URL below answers nothing), exit 2,
 * and never print the token. Taking jobs with the env variable and the file is in runner.test.ts.
 */

const TOKEN = 'gng_runner-token-must-never-show-0123456789';
const base = ['runner', '--server', 'http://127.0.0.1:9', '--labels', 'a'];

describe('gonogo runner token sources', () => {
  const dir = blockTempDir('gonogo-runner-token-');
  beforeAll(async () => {
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    await writeFile(join(dir, 'empty'), '\n  \n');
  });

  const refused = async (args: string[], env: Record<string, string | undefined>, message: RegExp) => {
    const r = await runCli([...base, ...args], { cwd: dir, env: { GONOGO_RUNNER_TOKEN: undefined, ...env } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    return r;
  };

  it.each([
    [
      '--token and GONOGO_RUNNER_TOKEN',
      ['--token', TOKEN],
      { GONOGO_RUNNER_TOKEN: TOKEN },
      /2 ways \(--token, GONOGO_RUNNER_TOKEN\)/,
    ],
    [
      '--token-file and --token',
      ['--token-file', 'token', '--token', TOKEN],
      {},
      /2 ways \(--token, --token-file\)/,
    ],
    ['all three', ['--token-file', 'token', '--token', TOKEN], { GONOGO_RUNNER_TOKEN: TOKEN }, /3 ways/],
  ])('refuses a token given two ways: %s', async (_name, args, env, message) => {
    const r = await refused(args, env, message);
    expect(r.stderr).toContain('give exactly one of --token-file PATH, GONOGO_RUNNER_TOKEN or --token T');
  });

  it('refuses a runner without a token, naming the three ways to give it', async () => {
    await refused([], {}, /missing --token: .*--token-file PATH, GONOGO_RUNNER_TOKEN or --token T/);
  });

  it('refuses a token file it cannot read, or whose first line is empty, naming the path', async () => {
    await refused(
      ['--token-file', join(dir, 'absent')],
      {},
      new RegExp(`--token-file ${join(dir, 'absent')}: no such file`),
    );
    await refused(['--token-file', dir], {}, /: is a directory/);
    await refused(['--token-file', 'empty'], {}, /--token-file empty: its first line is empty/);
  });
});
