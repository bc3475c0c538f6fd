import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, perBlock, postgresBackend } from '../../store/test-support/backends.js';
import { runCli } from '../../test-support/cli.js';
import {
  createToken,
  type Spawned,
  startRunner,
  startServe,
  stop,
  until,
} from '../../test-support/runner-env.js';

/**
 * A runner inside a private network, for real: a Linux network namespace whose target listens on the
 * namespace's own loopback. The runner started in the namespace reaches it (and the server, over a
 * veth pair); the server, outside, cannot.
 */

const ns = `gng${randomInt(1e6)}`;
const octet = randomInt(1, 250);
const hostIp = `10.231.${octet}.1`;
const nsIp = `10.231.${octet}.2`;

function sh(args: string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' });
}

/** Why namespaces cannot be used here, or undefined when they can (root and iproute2, tried for real). */
function netnsProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: `ip netns` needs CAP_SYS_ADMIN';
  try {
    sh(['ip', 'netns', 'add', ns]);
    sh(['ip', 'link', 'add', `${ns}h`, 'type', 'veth', 'peer', 'name', `${ns}n`]);
    sh(['ip', 'link', 'set', `${ns}n`, 'netns', ns]);
    sh(['ip', 'addr', 'add', `${hostIp}/30`, 'dev', `${ns}h`]);
    sh(['ip', 'link', 'set', `${ns}h`, 'up']);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', `${ns}n`]);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', `${ns}n`, 'up']);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    return undefined;
  } catch (err) {
    cleanupNamespace();
    return `ip netns does not work here (${(err as Error).message.split('\n')[0]})`;
  }
}

function cleanupNamespace(): void {
  try {
    sh(['ip', 'netns', 'del', ns]);
  } catch {
    // Not created.
  }
}

const pg = await postgresBackend();
const problem = pg.available ? netnsProblem() : 'PostgreSQL is not running';

describe.skipIf(problem !== undefined)(
  `a runner in a network namespace${problem ? ` (skipped: ${problem})` : ''}`,
  () => {
    // The database and dir, dropped and removed after the runner and server below have stopped.
    const shared = perBlock(pg.make);
    let db: Backend;
    let dir: string;
    let server: (Spawned & { url: string }) | undefined;
    let runner: Spawned | undefined;
    let target: ReturnType<typeof spawn> | undefined;
    const port = randomInt(20_000, 30_000);

    beforeAll(async () => {
      db = await shared.backend('runners_netns');
      dir = db.dir;
      const inside = `http://127.0.0.1:${port}/ready`;
      await writeFile(
        join(dir, 'private.md'),
        `# Private\n## Inside\n- [ ] Through the runner\n  \`\`\`check\n  http: ${inside}\n  runner: vpc\n  timeout: 30s\n  \`\`\`\n- [ ] From the server\n  \`\`\`check\n  http: ${inside}\n  timeout: 5s\n  \`\`\`\n`,
      );
      target = spawn('ip', [
        'netns',
        'exec',
        ns,
        process.execPath,
        '-e',
        `require('node:http').createServer((q, s) => s.end('inside')).listen(${port}, '127.0.0.1', () => console.log('listening'))`,
      ]);
      let out = '';
      target.stdout?.on('data', (d) => {
        out += d;
      });
      await until(() => out.includes('listening'), 'the target inside the namespace');
      server = await startServe(dir, db.url, hostIp);
      const token = await createToken(dir, db.url, ['--name', 'vpc', '--role', 'runner', '--labels', 'vpc']);
      runner = await startRunner(dir, {
        url: server.url,
        token,
        labels: 'vpc',
        name: 'in-ns',
        prefix: ['ip', 'netns', 'exec', ns],
      });
    }, 120_000);

    afterAll(async () => {
      await stop(runner);
      await stop(server);
      target?.kill('SIGTERM');
      cleanupNamespace();
    }, 60_000);

    it('reaches a target listening only inside the namespace through the runner, and not from the server', async () => {
      const r = await runCli(['run', 'private.md', '--format', 'json'], {
        cwd: dir,
        env: { GONOGO_DB: db.url },
        timeoutMs: 120_000,
      });
      const report = JSON.parse(r.stdout) as { items: { status: string; observed?: { text?: string } }[] };
      const [through, direct] = report.items;
      expect(through!.status).toBe('pass');
      expect(through!.observed?.text).toBe('inside');
      expect(direct!.status).toBe('error');
    }, 180_000);
  },
);
