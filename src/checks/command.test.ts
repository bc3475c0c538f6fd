import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckContext, CheckFailure } from '../engine/check.js';
import { blockTempDir } from '../test-support/temp-dir.js';
import command from './command.js';
import { celEnvironment, holds } from './test-support/cel.js';

const dir = blockTempDir('gonogo-command-');
const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  baseDir: dir,
  env: { PATH: process.env.PATH, FROM_PROCESS: 'inherited' },
  ...over,
});

async function observe(
  target: unknown,
  options: Record<string, unknown> = {},
  over: Partial<CheckContext> = {},
) {
  try {
    return {
      observed: await command.run(command.target.parse(target), command.options.parse(options), ctx(over)),
    };
  } catch (err) {
    if (err instanceof CheckFailure) return { failure: err.message, observed: err.partial };
    throw err;
  }
}

/** A process that is gone, or a zombie nobody has reaped yet, no longer runs anything. */
async function isGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe('command kind', () => {
  beforeAll(async () => {
    await mkdir(join(dir, 'scripts'));
  });

  it.each([
    {
      name: 'a passing shell line',
      target: 'echo ready',
      options: {},
      want: { exit_code: 0, stdout: 'ready' },
      passes: true,
    },
    {
      name: 'a failing shell line keeps its stderr',
      target: 'echo "migrations pending" >&2; exit 3',
      options: {},
      want: { exit_code: 3, stdout: '', stderr: 'migrations pending' },
      passes: false,
    },
    {
      name: 'an unknown program inside a shell line is exit 127, a failure not an error',
      target: 'gonogo-no-such-program-xyz',
      options: {},
      want: { exit_code: 127 },
      passes: false,
    },
    {
      name: 'an argv list runs without a shell: no expansion, spaces kept',
      target: ['printf', '%s|%s', '$HOME', 'two words'],
      options: {},
      want: { exit_code: 0, stdout: '$HOME|two words' },
      passes: true,
    },
    {
      name: 'an argv list through the shell when asked',
      target: ['echo', '$FROM_PROCESS'],
      options: { shell: true },
      want: { stdout: 'inherited' },
      passes: true,
    },
    {
      name: 'env is merged over the process environment',
      target: 'echo "$FROM_PROCESS $GREETING"',
      options: { env: { GREETING: 'hello' } },
      want: { stdout: 'inherited hello' },
      passes: true,
    },
    {
      name: 'cwd is relative to the checklist',
      target: 'pwd',
      options: { cwd: 'scripts' },
      want: { stdout: '' }, // filled in below: the real directory
      passes: true,
    },
    {
      name: 'all trailing newlines are trimmed, inner ones kept',
      target: 'printf "a\\n\\nb\\n\\n"',
      options: {},
      want: { stdout: 'a\n\nb' },
      passes: true,
    },
    {
      name: 'killed by a signal reads as 128 + N, like a shell',
      target: 'kill -TERM $$',
      options: {},
      want: { exit_code: 143 },
      passes: false,
    },
  ])('$name', async ({ target, options, want, passes }) => {
    const { observed, failure } = await observe(target, options);
    expect(failure).toBeUndefined();
    const expected = target === 'pwd' ? { ...want, stdout: join(dir, 'scripts') } : want;
    expect(observed).toMatchObject(expected);
    expect(observed.duration_ms).toBeGreaterThan(0);
    expect(Object.keys(observed).sort()).toEqual(Object.keys(command.variables).sort());
    expect(holds(command, command.defaultExpect, observed)).toBe(passes);
  });

  it('keeps the first 1 MB of a huge output and still finishes', async () => {
    const { observed } = await observe("head -c 3000000 /dev/zero | tr '\\0' x");
    expect((observed.stdout as string).length).toBe(1024 * 1024);
    expect(observed.exit_code).toBe(0);
  });

  it.each([
    {
      target: ['gonogo-no-such-program-xyz'],
      options: {},
      message: /cannot run "gonogo-no-such-program-xyz".*ENOENT.*PATH/,
    },
    { target: 'ls -l', options: { shell: false }, message: /without a shell a string is one program path/ },
    { target: 'true', options: { cwd: 'nowhere' }, message: /working directory .*nowhere does not exist/ },
  ])('could not run: $message', async ({ target, options, message }) => {
    const { failure, observed } = await observe(target, options);
    expect(failure).toMatch(message);
    expect(observed).toEqual({});
  });

  it('a timeout kills the whole process group, background children included', async () => {
    const { failure, observed } = await observe(
      'sleep 30 & echo $!; wait',
      {},
      {
        signal: AbortSignal.timeout(300),
        timeoutMs: 300,
      },
    );
    expect(failure).toMatch(/did not finish within 300 ms and was killed/);
    // What it printed before the timeout is kept, but no exit code: `exit_code == 0` cannot be judged.
    expect(observed).not.toHaveProperty('exit_code');
    const sleeper = Number(observed.stdout);
    expect(sleeper).toBeGreaterThan(0);
    await expect.poll(() => isGone(sleeper), { timeout: 5000 }).toBe(true);
  });

  it('a cancelled check does not start the command', async () => {
    const marker = join(dir, 'started');
    const { failure } = await observe(`touch ${marker}`, {}, { signal: AbortSignal.abort() });
    expect(failure).toMatch(/not started/);
    await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['exit_code == 0'],
    ['exit_code in [0, 1]', 'stdout.contains("ok")', 'stderr == ""'],
    ['stdout.matches("^v[0-9]+\\\\.")', 'duration_ms < 5000'],
    ['int(stdout) >= 3'],
  ])('typical expectations type-check: %s', (...conditions: string[]) => {
    for (const c of [...command.defaultExpect, ...conditions]) {
      expect(celEnvironment(command).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    }
    expect(celEnvironment(command).check('status == 0').valid).toBe(false);
  });

  it('validates target and options', () => {
    expect(command.target.safeParse('').success).toBe(false);
    expect(command.target.safeParse([]).success).toBe(false);
    expect(command.target.safeParse(42).success).toBe(false);
    expect(command.options.safeParse({ env: { A: 1 } }).success).toBe(false);
    expect(command.options.safeParse({ timeout: '5s' }).success).toBe(false);
  });
});
