import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './binaries.js';
import { closedPort } from './servers.js';

/** Debian's Redis server binary (package redis-server). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A redis-server of the test's own, on a free loopback port, with the configuration it asked for. */
export interface OwnRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Start `redis-server` with `config` (command-line directives such as `['--appendonly', 'yes']`) in a
 * temp directory. Tests that depend on a server setting start their own: the machine's shared Redis
 * may be configured any way, and is never changed by a test.
 * @example const r = await startRedisServer(['--appendonly', 'no', '--save', '']); ... await r.stop();
 */
export async function startRedisServer(config: string[]): Promise<OwnRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-redis-'));
  const port = await closedPort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', ...config],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`redis-server on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      // Refused connections while the server starts are expected; connect() reports them.
      client.on('error', () => {});
      try {
        await client.connect();
        return (await client.ping()) === 'PONG' ? true : undefined;
      } finally {
        client.disconnect();
      }
    });
  } catch (err) {
    await stop();
    throw new Error(`redis-server did not start: ${(err as Error).message}\n${output}`);
  }
  return { port, url, stop };
}
