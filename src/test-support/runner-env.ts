import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, runCli } from './cli.js';
import { endChild, endWithTest } from './end-child.js';

/**
 * Processes for runner tests: a spawned `gonogo serve` and spawned `gonogo runner`s, each a real
 * process (exit codes and signals are the real ones). One started in a test is stopped when that test
 * finishes, whether it passed or failed midway (end-child.ts); one started in `beforeAll`, by the file's
 * `afterAll`; one that fails to start, at once.
 */

/** A spawned gonogo process and what it printed so far. */
export interface Spawned {
  child: ChildProcess;
  /** Its standard output and error, interleaved as they came. */
  output(): string;
  /** Its standard error alone (the JSON log lines). */
  stderr(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

/** Spawn the CLI, under a wrapper command (`prefix`: `ip netns exec NAME`) if given. */
function spawnCli(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  prefix: string[] = [],
): Spawned {
  const merged = { ...process.env, NO_COLOR: '1', ...env } as Record<string, string>;
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const [command, ...before] = [...prefix, process.execPath];
  const child = spawn(command!, [...before, ...CLI, ...args], { cwd, env: merged });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  endWithTest(child);
  return { child, output: () => out, stderr: () => err, exited };
}

/** `ready`'s value; if it throws, `s` is ended before the error goes on, so no process is left behind. */
async function orEnd<T>(s: Spawned, ready: Promise<T>): Promise<T> {
  try {
    return await ready;
  } catch (err) {
    await endChild(s.child);
    throw err;
  }
}

/** Wait until `ok()` holds (polling), or throw naming `what` after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Start `gonogo serve` on a free port over `db`, serving the checklists in `cwd`; resolves once it
 * prints its URL (the checklists may still be loading: `checklistsLoaded` waits for them).
 */
export async function startServe(
  cwd: string,
  db: string,
  host = '127.0.0.1',
): Promise<Spawned & { url: string }> {
  const s = spawnCli(['serve', '--checklists', '.', '--port', '0', '--host', host], cwd, { GONOGO_DB: db });
  let url: string | undefined;
  const ready = Promise.race([
    until(() => {
      url = /on (http:\/\/\S+) /.exec(s.output())?.[1];
      return url !== undefined;
    }, 'gonogo serve printing its URL'),
    s.exited.then((code) => {
      throw new Error(`gonogo serve exited with ${code}: ${s.output()}`);
    }),
  ]);
  await orEnd(s, ready);
  return { ...s, url: url! };
}

/** Start `gonogo runner` for `labels`; resolves once it says it is taking jobs. */
export async function startRunner(
  cwd: string,
  opts: {
    url: string;
    /** Given as `--token`; without it, the test gives the token another way (`env`, `args`). */
    token?: string;
    labels: string;
    name: string;
    concurrency?: number;
    env?: Record<string, string>;
    prefix?: string[];
    args?: string[];
  },
): Promise<Spawned> {
  const args = [
    'runner',
    '--server',
    opts.url,
    ...(opts.token === undefined ? [] : ['--token', opts.token]),
    ...(opts.args ?? []),
    '--labels',
    opts.labels,
    '--name',
    opts.name,
  ];
  if (opts.concurrency !== undefined) args.push('--concurrency', String(opts.concurrency));
  const s = spawnCli(args, cwd, { ...opts.env }, opts.prefix);
  await orEnd(
    s,
    until(() => s.output().includes('taking jobs'), `runner ${opts.name} starting`),
  );
  return s;
}

/** Create a token with the CLI; returns the token text. */
export async function createToken(cwd: string, db: string, args: string[]): Promise<string> {
  const r = await runCli(['token', 'create', ...args], { cwd, env: { GONOGO_DB: db } });
  if (r.code !== 0) throw new Error(`token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Stop a spawned process (SIGTERM) and wait for it. */
export async function stop(s: Spawned | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  await s.exited;
}
