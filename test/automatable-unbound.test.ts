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
 * The service says what `gonogo lint` says: how many items a `gonogo suggest` rule recognises that have
 * no check, in the API model (`automatable_unbound`) and as a line on the checklist page naming the
 * file as the checklists directory names it.
 */

const FRONT = (id: string) => `---
id: ${id}
environments:
  production: { BASE_URL: "http://127.0.0.1:9" }
---
# Launch ${id}
## Operations
`;
const HUMAN = '- [ ] Support team trained on the new flow\n';
const UNBOUND = `${FRONT('unbound')}- [ ] \`/api/health/live\` → 200\n${HUMAN}`;
const BOUND = `${FRONT('bound')}- [ ] \`/api/health/live\` → 200
  \`\`\`check
  http: \${BASE_URL}/api/health/live
  expect: ['status == 200']
  \`\`\`
${HUMAN}`;

const dir = blockTempDir('gonogo-automatable-');
let server: RunningServer;
let cookie: string;
const token = `gng_test_viewer_${Math.random().toString(36).slice(2)}`;

async function get(path: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers });
}

beforeAll(async () => {
  await writeFile(join(dir, 'unbound.md'), UNBOUND);
  await writeFile(join(dir, 'bound.md'), BOUND);
  const store: Store = await openStore(join(dir, 'gonogo.db'));
  await store.createToken(
    { name: 'viewer', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
    'test',
  );
  server = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
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
});

afterAll(async () => {
  await server?.close();
});

describe('automatable but unbound items', () => {
  it.each([
    ['an endpoint item without a check', 'unbound', 1],
    ['the same item with its check', 'bound', 0],
  ])('GET /api/v1/checklists/{id} counts %s', async (_what, id, count) => {
    const res = await get(`/api/v1/checklists/${id}`, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { automatable_unbound?: number }).automatable_unbound).toBe(count);
  });

  it('the checklist page says how many and which file to run gonogo suggest on', async () => {
    const res = await get('/checklists/unbound', { cookie });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('1 item looks automatable but has no check');
    expect(page).toContain('<code>gonogo suggest unbound.md</code>');
    // The server's own path never shows.
    expect(page).not.toContain(dir);
  });

  it('the checklist page has no such line when every automatable item is bound', async () => {
    const page = await (await get('/checklists/bound', { cookie })).text();
    expect(page).toContain('Launch bound');
    expect(page).not.toContain('automatable');
  });

  it('the OpenAPI document lists automatable_unbound on the checklist model', async () => {
    const doc = (await (await get('/api/v1/openapi.json', {})).json()) as {
      components: { schemas: { Checklist: { properties: Record<string, unknown> } } };
    };
    expect(doc.components.schemas.Checklist.properties).toHaveProperty('automatable_unbound');
  });
});
