import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * What a `--checklists` directory can make the server read and show: a link to /etc/passwd is refused,
 * and neither the API nor the dashboard names a path on the server.
 */

const dir = blockTempDir('gonogo-paths-');
let store: Store;
let server: RunningServer;
const token = `gng_paths_${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
  await writeFile(
    join(dir, 'launch.md'),
    '---\nid: launch\nname: Payments launch\n---\n# Launch\n## Ops\n- [ ] a\n',
  );
  await writeFile(join(dir, 'broken.md'), '---\nenvironments: [\n---\n# Broken\n- [ ] a\n');
  await symlink('/etc/passwd', join(dir, 'passwd.md'));
  store = await openStore(join(dir, 'gonogo.db'));
  await store.createToken(
    { name: 'viewer', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
    'test',
  );
  server = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
});

afterAll(async () => {
  await server?.close();
});

describe('checklist files as the server shows them', () => {
  it('lists files relative to the directory and refuses a link to /etc/passwd without loading it', async () => {
    const r = await fetch(`${server.url}/api/v1/checklists`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await r.text();
    expect(r.status).toBe(200);
    const byFile = Object.fromEntries(
      (JSON.parse(text).checklists as { file: string }[]).map((c) => [c.file, c]),
    );
    expect(Object.keys(byFile).sort()).toEqual(['broken.md', 'launch.md', 'passwd.md']);
    expect(byFile['passwd.md']).toMatchObject({
      id: 'passwd',
      error: expect.stringMatching(/symbolic link that leads outside the checklists directory is refused/),
    });
    expect(byFile['broken.md']).toMatchObject({ error: expect.stringMatching(/^broken\.md:2:\d+: /) });
    expect(text).not.toContain(dir);
    expect(text).not.toContain('/etc/passwd');
    expect(text).not.toMatch(/root:/);

    const refused = await fetch(`${server.url}/api/v1/checklists/passwd`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const detail = await refused.text();
    expect(refused.status).toBe(409);
    expect(detail).not.toContain(dir);
    expect(detail).not.toContain('/etc/passwd');
  });

  it('shows no server path on the dashboard', async () => {
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ token }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${server.url}/`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Payments launch');
    expect(html).toContain('passwd.md');
    expect(html).not.toContain(dir);
    expect(html).not.toContain('/etc/passwd');
  });
});
