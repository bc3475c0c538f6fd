import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * A form body the server cannot read (a broken multipart body, a multipart type without a boundary)
 * is bad input: a readable 400 page on every form route, never a 500, and nothing written.
 */

const CHECKLIST = `---
id: launch
environments:
  production: {}
---
# Launch
## Ops
- [ ] Backups tested
`;

const BROKEN = [
  {
    what: 'a multipart body cut short',
    type: 'multipart/form-data; boundary=XyZ',
    body: (csrf: string) =>
      `--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--XyZ\r\nContent-Disposition: form-da`,
  },
  {
    what: 'a multipart type without a boundary',
    type: 'multipart/form-data',
    body: (csrf: string) =>
      `--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--XyZ--\r\n`,
  },
  {
    what: 'a body that is not multipart at all',
    type: 'multipart/form-data; boundary=XyZ',
    body: () => '\u0000\u0001 not a form',
  },
];

describe('the dashboard answers an unreadable form with a 400 page', () => {
  const dir = blockTempDir('gonogo-bad-forms-');
  let store: Store;
  let server: RunningServer;
  let cookie = '';
  let csrf = '';
  const token = `gng_test_forms_${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    await writeFile(join(dir, 'launch.md'), CHECKLIST);
    store = await openStore(join(dir, 'gonogo.db'));
    await store.createToken(
      { name: 'approver', role: 'approver', signoffRoles: [], hash: hashToken(token) },
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
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(login.status).toBe(303);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = await (await fetch(`${server.url}/checklists/launch`, { headers: { cookie } })).text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(csrf).not.toBe('');
  });

  afterAll(async () => {
    await server?.close();
  });

  const ROUTES = ['/checklists/launch/waive', '/checklists/launch/attest', '/login'];
  const cases = BROKEN.flatMap((b) => ROUTES.map((route) => ({ ...b, route })));

  it.each(cases)('$what to $route: 400 with a readable page', async ({ route, type, body }) => {
    const res = await fetch(`${server.url}${route}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: server.url, 'content-type': type },
      body: body(csrf),
    });
    const html = await res.text();
    expect(res.status, html).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('Form not readable');
  });

  it('wrote nothing', async () => {
    const types = (await store.listAudit({ after: 0 })).map((e) => e.type);
    expect(types.filter((t) => t !== 'token.created' && t !== 'checklist.imported')).toEqual([]);
  });
});
