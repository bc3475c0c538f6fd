import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checklistsLoaded, runCli } from '../../test-support/cli.js';
import { startServe, until } from '../../test-support/runner-env.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

/** `gonogo serve` as a process: prints its URL, serves, and drains in-flight requests on SIGTERM. */

const dir = blockTempDir('gonogo-serve-');
let target: Server;
let hits = 0;
let release: (() => void) | undefined;

beforeAll(async () => {
  // A slow target: the check's request is held until the test releases it.
  target = createServer((_req, res) => {
    hits += 1;
    release = () => {
      release = undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    };
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  await writeFile(
    join(dir, 'launch.md'),
    `---\nid: launch\nenvironments:\n  production: { BASE_URL: "${base}" }\n---\n# Launch\n## Ops\n- [ ] Health\n  \`\`\`check\n  http: \${BASE_URL}/health\n  timeout: 30s\n  \`\`\`\n`,
  );
});

afterAll(async () => {
  release?.();
  await new Promise((r) => target.close(r));
});

describe('gonogo serve', () => {
  it('prints its URL, answers health, and on SIGTERM finishes the in-flight request before exiting 0', async () => {
    const token = (
      await runCli(['token', 'create', '--name', 'ci', '--role', 'operator'], {
        cwd: dir,
        env: { GONOGO_DB: join(dir, 'db.sqlite') },
      })
    ).stdout.trim();
    expect(token).toMatch(/\S{20,}/);
    const { child, url, stderr, exited } = await startServe(dir, join(dir, 'db.sqlite'));
    // The URL is printed before the checklists are in; ready turns 200 once they are.
    await checklistsLoaded(url);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const inFlight = fetch(`${url}/api/v1/checklists/launch/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"env":"production"}',
    });
    await until(() => hits === 1, 'the check reaching the target', 15_000);
    child.kill('SIGTERM');
    await until(() => stderr().includes('shutting down'), 'serve saying it shuts down', 15_000);
    // New connections are refused while the old request drains.
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    release!();
    const res = await inFlight;
    expect(res.status).toBe(201);
    const report = (await res.json()) as { items: { status: string }[] };
    expect(report.items[0]!.status).toBe('pass');
    expect(await exited).toBe(0);
    // JSON access logs, never the token.
    const lines = stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'request' && l.route === '/api/v1/checklists/:id/runs')).toBe(true);
    expect(stderr()).not.toContain(token);
  });

  it.each([
    [['--port', 'http'], /--port "http" is not a port/],
    [['--port', '70000'], /not a port/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await runCli(['serve', ...args], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
