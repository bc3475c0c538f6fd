import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI, checklistsLoaded, serverPid } from '../src/test-support/cli.js';
import { endChild, endWithTest } from '../src/test-support/end-child.js';

/** Helpers of the watch tests: real `gonogo serve` processes and local HTTP targets. */

/** A running `gonogo serve` child process. */
export interface ServeProcess {
  child: ChildProcess;
  /** The server's process: the one gonogo's launcher started (app/respawn.ts), whose pid its lease names. */
  pid: number;
  url: string;
  /** stderr so far (JSON log lines). */
  log(): string;
  /** Graceful stop (SIGTERM), resolved when the process has exited. */
  stop(): Promise<void>;
  /** Crash it (SIGKILL): no lease release, no cleanup. */
  kill(): Promise<void>;
}

/**
 * Start `gonogo serve` (this run's build, see CLI) on a free port and wait until it says where it serves
 * and its checklists are in. Started in a test, it is stopped when that test finishes, passed or failed
 * (end-child.ts); in `beforeAll`, by the file's `afterAll`; if it fails to start, at once.
 * @example const s = await startServe({ dir, db, env: { GONOGO_WATCH_TICK: '100ms' } });
 */
export function startServe(opts: {
  dir: string;
  db: string;
  env?: Record<string, string>;
}): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [...CLI, 'serve', '--checklists', opts.dir, '--port', '0', '--db', opts.db],
    { cwd: opts.dir, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  endWithTest(child);
  const handle = (url: string): ServeProcess => ({
    child,
    pid: serverPid(child.pid!),
    url,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      // The server itself, not its launcher (after which it would stop gracefully); the launcher then ends
      // by the same signal.
      if (child.exitCode === null && child.signalCode === null)
        process.kill(serverPid(child.pid!), 'SIGKILL');
      await exited;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gonogo serve did not start within 30s:\n${stderr}`));
    }, 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d) => {
      stdout += d;
      const m = / on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        // It listens before its checklists are read: wait for the first load to end.
        const url = m[1]!;
        checklistsLoaded(url).then(
          () => resolve(handle(url)),
          (err) => endChild(child).then(() => reject(err)),
        );
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gonogo serve exited with ${code}:\n${stderr}`));
    });
  });
}

/** A local HTTP target whose answer the test controls: `status()` gives the code of each request. */
export async function startTarget(
  status: () => number,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.statusCode = status();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: res.statusCode === 200 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Wait until `probe` returns a value (not undefined), polling; fail after `timeoutMs` with `what`.
 * @example const run = await waitFor(() => latestPass(), 'a passing run', 20_000);
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
