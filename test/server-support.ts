import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store, TokenRole } from '../src/engine/store.js';
import type { ServerConfig } from '../src/server/deps.js';
import { hashToken, type Logger, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';

/** Helpers of the tests that run the server in the test's own process, over a SQLite store in a temp dir. */

/** A server started by startInProcess, and what it was started with. */
export interface InProcessServer {
  dir: string;
  /** The store the server reads and writes (as given by `wrap`, when one is). */
  store: Store;
  server: RunningServer;
  /** The token text of each token asked for, by name. */
  tokens: Record<string, string>;
  /** Close the server and remove the temp dir. */
  close(): Promise<void>;
}

/**
 * Write `files` into a new temp dir, open a SQLite store there with a token per entry of `tokens`, and
 * start the server on it in this process, its clock `now`.
 * @example const s = await startInProcess({ prefix: 'gonogo-x-', files: { 'launch.md': md }, now: () => new Date(clock) });
 */
export async function startInProcess(opts: {
  /** Of the temp dir's name. */
  prefix: string;
  /** Files to write (name → text); a function of the dir when their text names it. */
  files: Record<string, string> | ((dir: string) => Record<string, string>);
  tokens?: { name: string; role: TokenRole; signoffRoles?: string[]; labels?: string[] }[];
  now: () => Date;
  logger?: Logger;
  config?: Partial<ServerConfig>;
  /** The store the server gets, made from the real one (tokens are created on the real one). */
  wrap?: (real: Store) => Store;
}): Promise<InProcessServer> {
  const dir = await mkdtemp(join(tmpdir(), opts.prefix));
  const files = typeof opts.files === 'function' ? opts.files(dir) : opts.files;
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const real = await openStore(join(dir, 'gonogo.db'));
  const tokens: Record<string, string> = {};
  for (const { name, role, signoffRoles = [], labels } of opts.tokens ?? []) {
    const token = `gng_${name}_${Math.random().toString(36).slice(2)}`;
    tokens[name] = token;
    await real.createToken(
      { name, role, signoffRoles, hash: hashToken(token), ...(labels ? { labels } : {}) },
      'test',
    );
  }
  const store = opts.wrap ? opts.wrap(real) : real;
  const server = await startServer(
    {
      checklists: dir,
      host: '127.0.0.1',
      port: 0,
      logger: opts.logger ?? silentLogger,
      ...(opts.config ? { config: opts.config } : {}),
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: opts.now,
    },
  );
  return {
    dir,
    store,
    server,
    tokens,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Log in to the dashboard at `url` with `token`; returns the session's cookie (`name=value`). */
export async function login(url: string, token: string): Promise<string> {
  const r = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(r.status).toBe(303);
  return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
}
