import { describe, expect, it } from 'vitest';
import { commands, summaries } from './commands/commands.js';
import type { CliServices, Io } from './context.js';
import { dispatch } from './main.js';

function io() {
  const out = { stdout: '', stderr: '' };
  const streams: Io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    isTTY: false,
    env: {},
    cwd: '/nonexistent',
  };
  return { out, streams };
}

/** Services that must not be asked for: the answers below need none of the layers under the CLI. */
const untouched = async (): Promise<CliServices> => {
  throw new Error('services were created');
};

describe('dispatch answers without loading the services', () => {
  it('--help lists every command with its summary, in order', async () => {
    const { out, streams } = io();
    expect(await dispatch(['--help'], streams, untouched)).toBe(0);
    for (const name of Object.keys(commands)) {
      expect(out.stdout).toContain(`  ${name.padEnd(10)} ${summaries[name as keyof typeof summaries]}\n`);
    }
    const listed = [...out.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(commands).sort());
  });

  it.each([
    [['--version'], 0, 'gonogo 0.1.0\n'],
    [['-V'], 0, 'gonogo 0.1.0\n'],
    [[], 2, 'Commands:'],
    [['lint', '--help'], 0, 'usage: gonogo lint'],
    [['run', '-h'], 0, 'usage: gonogo run'],
  ])('%j exits %i and prints %j', async (argv, code, text) => {
    const { out, streams } = io();
    expect(await dispatch(argv, streams, untouched)).toBe(code);
    expect(out.stdout).toContain(text);
  });

  it('an unknown command is refused with exit 2, naming it', async () => {
    const { out, streams } = io();
    expect(await dispatch(['lnit'], streams, untouched)).toBe(2);
    expect(out.stderr).toBe('gonogo: unknown command "lnit". Run `gonogo --help` for the list.\n');
  });
});
