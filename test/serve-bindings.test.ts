import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../src/app/project-file.js';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * `serve` sees a bound third-party document as the CLI does: `--checklists DIR` pairs `NAME.md` with
 * `NAME.gonogo.yaml`, a project file's checklists are served with their bindings, and the CLI, the API
 * and the dashboard show the same digest. The Notifications page lists a target the service cannot use.
 */

const DOC = '# Vendor go-live\n## Operations\n- [ ] Health endpoint answers\n- [ ] Backups restore tested\n';
const BIND = `id: vendor
environments: { production: {} }
notify:
  - slack: \${SLACK_WEBHOOK_URL}
operations/health-endpoint-answers:
  env: HOME
`;

const root = blockTempDir('gonogo-serve-bind-');
const token = `gng_test_viewer_${Math.random().toString(36).slice(2)}`;

/** A server over `dir` with a store of its own (closed with the server) holding a viewer token. */
async function serve(dir: string, checklists: string | undefined): Promise<RunningServer> {
  const store: Store = await openStore(join(dir, 'gonogo.db'));
  await store.createToken(
    { name: 'viewer', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
    'test',
  );
  return startServer(
    { checklists, host: '127.0.0.1', port: 0, logger: silentLogger },
    {
      io: {
        stdout: process.stdout,
        stderr: process.stderr,
        isTTY: false,
        env: { GONOGO_CACHE: 'off' },
        cwd: dir,
      },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date('2026-11-20T09:00:00Z'),
      project: () => loadProject(dir),
    },
  );
}

async function login(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe.each([
  ['serve --checklists DIR', 'dir', false],
  ['serve with a project file', 'project', true],
])('%s', (_name, folder, withProject) => {
  let dir: string;
  let server: RunningServer;
  let cookie: string;
  beforeAll(async () => {
    dir = join(root, folder);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'vendor.md'), DOC);
    await writeFile(join(dir, 'vendor.gonogo.yaml'), BIND);
    if (withProject) {
      await writeFile(
        join(dir, 'gonogo.yaml'),
        'checklists:\n  - { file: vendor.md, bind: vendor.gonogo.yaml }\n',
      );
    }
    server = await serve(dir, withProject ? undefined : dir);
    cookie = await login(server);
  });
  afterAll(() => server?.close());

  it('agrees with the CLI and the dashboard on the digest of the bound document', async () => {
    const lint = await runCli(['lint', 'vendor.md', '--bind', 'vendor.gonogo.yaml', '--format', 'json'], {
      cwd: dir,
      env: { GONOGO_CACHE: 'off' },
    });
    expect(lint.code, lint.stderr).toBe(0);
    const cli = JSON.parse(lint.stdout) as { digest: string };

    const list = (await (
      await fetch(`${server.url}/api/v1/checklists`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { checklists?: { id: string }[] } | { id: string }[];
    const ids = (Array.isArray(list) ? list : (list.checklists ?? [])).map((c) => c.id);
    // The bindings file is not itself a checklist.
    expect(ids).toEqual(['vendor']);

    const res = await fetch(`${server.url}/api/v1/checklists/vendor`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const api = (await res.json()) as { digest: string; items: { id: string; check: unknown }[] };
    expect(api.digest).toBe(cli.digest);

    const page = await (await fetch(`${server.url}/checklists/vendor`, { headers: { cookie } })).text();
    expect(page).toContain(cli.digest.slice(7, 19));
  });

  it('lists the notify target it cannot use on the Notifications page', async () => {
    const page = await (await fetch(`${server.url}/notifications`, { headers: { cookie } })).text();
    expect(page).toContain('Targets with a problem');
    expect(page).toContain('${SLACK_WEBHOOK_URL} is not set in the process environment');
    expect(page).toContain('vendor.gonogo.yaml:4');
  });
});
