import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, childPids } from '../test-support/cli.js';
import { blockTempDir } from '../test-support/temp-dir.js';
import { NODE_FLAGS_ENV, SERVER_NODE_FLAGS, serverNodeFlags } from './respawn.js';

/**
 * `gonogo serve` and `gonogo runner` as an operator starts them: node re-started with the server's flags in a
 * child, the child stopped once per signal, the launcher ending as the child ends, no child left behind.
 */

const linux = process.platform === 'linux';
const dir = blockTempDir('gonogo-respawn-');
const started: ChildProcess[] = [];

beforeAll(async () => {
  await writeFile(
    join(dir, 'launch.md'),
    '---\nid: launch\n---\n# Launch\n## Ops\n- [ ] Backups restored once\n',
  );
  // Loaded by node in the launcher and (node's flags are passed on) in the child: as a supervisor that
  // signals both processes on reading the URL line, before the process that wrote it runs on.
  await writeFile(
    join(dir, 'signal-on-url.mjs'),
    `const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const written = write(chunk, ...rest);
  if (String(chunk).startsWith('gonogo serving ')) {
    process.kill(process.pid, 'SIGTERM');
    process.kill(process.ppid, 'SIGTERM');
  }
  return written;
};
`,
  );
});

afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

interface Started {
  process: ChildProcess;
  out: () => string;
  err: () => string;
  /** How the process ended, once its output is all read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the real CLI in `dir` with a SQLite store of its own; `node` are node's own flags before the CLI. */
function start(
  args: string[],
  opts: { env?: Record<string, string>; node?: string[]; group?: boolean } = {},
) {
  const child = spawn(process.execPath, [...(opts.node ?? []), ...CLI, ...args], {
    cwd: dir,
    env: { ...process.env, GONOGO_DB: join(dir, `${args[0]}-${started.length}.sqlite`), ...opts.env },
    // A process group of its own, as a shell's job is (kill(-pid) then reaches it as Ctrl-C does).
    detached: opts.group ?? false,
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  // On 'close', its output all read: 'exit' may come first, and under load the assertions on stderr that
  // follow ran before the last lines were read. (An orphaned child holds the pipes: its end is awaited too.)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('close', (code, signal) => r({ code, signal })),
  );
  return { process: child, out: () => out, err: () => err, exited } satisfies Started;
}

/** Wait for `ok`: a deadline for a broken process, far above what a loaded machine takes (CI runs beside other work). */
async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 60s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A serve process once it printed its URL (the child prints it: the child is running then). */
async function serving(opts: Parameters<typeof start>[1] = {}) {
  const s = start(['serve', '--checklists', '.', '--port', '0'], opts);
  await until(() => /on http:\/\/\S+ /.test(s.out()) || s.process.exitCode !== null, 'the URL line');
  return { ...s, url: /on (http:\/\/\S+) /.exec(s.out())![1]! };
}

const children = childPids;

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
/** Gone, or a zombie its new parent has not reaped yet: not running either way. */
const gone = (pid: number) =>
  !existsSync(`/proc/${pid}`) || /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const shutdowns = (err: string) => err.split('\n').filter((l) => l.includes('"shutting down"')).length;

describe('serverNodeFlags', () => {
  it('starts node with the server flags unless the user chose, opted out, or runs on Windows', () => {
    expect(SERVER_NODE_FLAGS).toEqual(['--min-semi-space-size=16', '--no-memory-reducer']);
    expect(serverNodeFlags({}, ['--import', 'tsx'], 'linux')).toEqual(SERVER_NODE_FLAGS);
    expect(serverNodeFlags({}, [], 'win32')).toBeUndefined();
    // The child itself never starts another.
    expect(serverNodeFlags({ GONOGO_LAUNCHER_CHILD: '1' }, [], 'linux')).toBeUndefined();
    for (const chosen of [
      '--min-semi-space-size=8',
      '--max_semi_space_size=64',
      '--semi-space-growth-factor=4',
      '--no-memory-reducer',
      '--inspect=0',
    ]) {
      expect(serverNodeFlags({}, [chosen], 'linux')).toBeUndefined();
      expect(
        serverNodeFlags({ NODE_OPTIONS: `--max-old-space-size=900 ${chosen}` }, [], 'linux'),
      ).toBeUndefined();
    }
    expect(serverNodeFlags({ NODE_OPTIONS: '--max-old-space-size=900' }, [], 'linux')).toEqual(
      SERVER_NODE_FLAGS,
    );
    expect(serverNodeFlags({ [NODE_FLAGS_ENV]: 'none' }, [], 'linux')).toBeUndefined();
    // Blank is unset, as for every GONOGO_ variable.
    for (const blank of ['', ' ']) {
      expect(serverNodeFlags({ [NODE_FLAGS_ENV]: blank }, [], 'linux')).toEqual(SERVER_NODE_FLAGS);
    }
    expect(
      serverNodeFlags(
        { [NODE_FLAGS_ENV]: ' --min-semi-space-size=32  --max-old-space-size=2048 ' },
        [],
        'linux',
      ),
    ).toEqual(['--min-semi-space-size=32', '--max-old-space-size=2048']);
  });
});

describe.runIf(linux)('gonogo serve under its launcher', () => {
  it('runs the server in a child node with the flags; one SIGINT to the launcher stops it gracefully, exit 0', async () => {
    const s = await serving();
    const [child] = children(s.process.pid!);
    expect(child).toBeDefined();
    // The server (the process listening, which printed the URL) is the child, with the flags first.
    expect(commandLine(child!).slice(1, 1 + SERVER_NODE_FLAGS.length)).toEqual(SERVER_NODE_FLAGS);
    expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
    s.process.kill('SIGINT');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(shutdowns(s.err())).toBe(1);
    expect(s.err()).toContain('"signal":"SIGINT"');
    await until(() => gone(child!), 'the child gone');
  });

  it('counts a signal sent to both processes once: SIGTERM to each (systemd), SIGINT to the group (Ctrl-C)', async () => {
    const systemd = await serving();
    const [child] = children(systemd.process.pid!);
    systemd.process.kill('SIGTERM');
    // Sent one after the other, as systemd does: on a loaded machine the child may have stopped (on the
    // forwarded one) by then, or even ended; that copy must not count again either.
    try {
      process.kill(child!, 'SIGTERM');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    expect(await systemd.exited).toEqual({ code: 0, signal: null });
    expect(shutdowns(systemd.err())).toBe(1);

    const terminal = await serving({ group: true });
    expect(children(terminal.process.pid!)).toHaveLength(1);
    process.kill(-terminal.process.pid!, 'SIGINT');
    expect(await terminal.exited).toEqual({ code: 0, signal: null });
    expect(shutdowns(terminal.err())).toBe(1);
  });

  it('stops gracefully on a signal sent to both the moment the URL line is out', async () => {
    const s = start(['serve', '--checklists', '.', '--port', '0'], {
      node: ['--import', pathToFileURL(join(dir, 'signal-on-url.mjs')).href],
    });
    // Before, the child printed the line, then listened: the signal killed it, and the launcher with it.
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.out()).toMatch(/^gonogo serving .* on http:/);
    expect(shutdowns(s.err())).toBe(1);
  });

  it('stops the child gracefully when the launcher is killed with SIGKILL', async () => {
    const s = await serving();
    const [child] = children(s.process.pid!);
    s.process.kill('SIGKILL');
    expect((await s.exited).signal).toBe('SIGKILL');
    await until(() => gone(child!), 'the orphaned child gone');
    expect(shutdowns(s.err())).toBe(1);
    await expect(fetch(`${s.url}/health/live`)).rejects.toThrow();
  });

  it('ends as the child ends: killed by a signal, the launcher is killed by the same', async () => {
    const s = await serving();
    process.kill(children(s.process.pid!)[0]!, 'SIGKILL');
    expect(await s.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('starts no child when told not to, or when node was given a young generation flag', async () => {
    for (const opts of [{ env: { [NODE_FLAGS_ENV]: 'none' } }, { node: ['--min-semi-space-size=8'] }]) {
      const s = await serving(opts);
      expect(children(s.process.pid!)).toEqual([]);
      expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
      s.process.kill('SIGTERM');
      expect(await s.exited).toEqual({ code: 0, signal: null });
    }
    // Flags of the user's own in GONOGO_NODE_FLAGS replace the server's.
    const custom = await serving({ env: { [NODE_FLAGS_ENV]: '--max-old-space-size=300' } });
    expect(commandLine(children(custom.process.pid!)[0]!)[1]).toBe('--max-old-space-size=300');
    custom.process.kill('SIGTERM');
    expect(await custom.exited).toEqual({ code: 0, signal: null });
  });
});

describe.runIf(linux)('gonogo runner under its launcher', () => {
  it('runs in a child node with the flags and stops once on SIGTERM, exit 0', async () => {
    // A server that is not there: the runner keeps retrying until it is stopped.
    const r = start(['runner', '--server', 'http://127.0.0.1:9', '--token', 't'.repeat(32), '--labels', 'a']);
    await until(() => `${r.out()}${r.err()}`.includes('taking jobs'), 'the runner started');
    const [child] = children(r.process.pid!);
    expect(commandLine(child!).slice(1, 1 + SERVER_NODE_FLAGS.length)).toEqual(SERVER_NODE_FLAGS);
    r.process.kill('SIGTERM');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.err().match(/SIGTERM: no new jobs/g)).toHaveLength(1);
    expect(r.err()).not.toContain('again: stopping now');
    await until(() => gone(child!), 'the child gone');
  });
});
