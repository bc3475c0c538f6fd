import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { MAX_DEPTH } from '../src/markdown/limits.js';
import { hashToken, type Logger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * `gonogo serve` listens before its checklists are read: `/health/live` answers at once, `/health/ready`
 * and the routes that need the checklists answer 503 (with Retry-After) until the first load ends, then
 * everything is served. The server runs in this process, as `gonogo serve` starts it (in the background).
 */

const dir = blockTempDir('gonogo-startup-');
let server: RunningServer | undefined;
const token = `gng_startup_${Math.random().toString(36).slice(2)}`;
const events: string[] = [];
const logger: Logger = {
  info: (msg) => events.push(msg),
  warn: (msg) => events.push(msg),
  error: (msg) => events.push(msg),
};
/** The first load has ended: the catalog logs this in the same step that makes its checklists visible. */
const loaded = () => events.includes('checklists loaded');

/** A checklist of 96 KB whose items nest as deep as the limit allows: slow to parse, but legal. */
function deepChecklist(id: string): string {
  const lines = ['---', `id: ${id}`, '---', `# ${id}`, ''];
  while (lines.join('\n').length < 96 * 1024) {
    for (let d = 0; d < MAX_DEPTH - 2; d++) lines.push(`${'  '.repeat(d)}- [ ] level ${d} of a deep item`);
  }
  return `${lines.join('\n')}\n`;
}

const get = (path: string, auth = false) =>
  fetch(`${server!.url}${path}`, auth ? { headers: { authorization: `Bearer ${token}` } } : {});

afterAll(async () => {
  await server?.close();
});

describe('serve at start-up', () => {
  it('answers live at once and 503 on ready and the API until the first load ends, then serves', async () => {
    // Read in name order: the slow ones first, so the load is long under way when launch.md would be.
    await writeFile(join(dir, 'a-deep.md'), deepChecklist('a-deep'));
    await writeFile(join(dir, 'b-deep.md'), deepChecklist('b-deep'));
    await writeFile(join(dir, 'launch.md'), '---\nid: launch\n---\n# Launch\n- [ ] a\n');
    const store: Store = await openStore(join(dir, 'gonogo.db'));
    await store.createToken(
      { name: 'viewer', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
      'test',
    );
    server = await startServer(
      {
        checklists: dir,
        host: '127.0.0.1',
        port: 0,
        logger,
        background: true,
        config: { requestsPerMinute: 0 },
      },
      {
        io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date(),
        cacheDir: () => undefined,
      },
    );
    // Answers given while the first load ran (known so because it had not ended when they came back).
    let during = 0;
    while (!loaded()) {
      const live = await get('/health/live');
      const ready = await get('/health/ready');
      const one = await get('/api/v1/checklists/launch', true);
      const all = await get('/api/v1/checklists', true);
      const bodies = [await live.text(), await ready.text(), await one.text(), await all.text()];
      if (loaded()) break;
      during++;
      expect(live.status).toBe(200);
      expect(ready.status).toBe(503);
      expect(JSON.parse(bodies[1]!)).toMatchObject({
        status: 'unavailable',
        checks: { store: 'ok', checklists: 'loading' },
        detail: expect.stringMatching(/^loading checklists \(\d of 3 read\)/),
      });
      for (const [r, body] of [
        [one, bodies[2]!],
        [all, bodies[3]!],
      ] as const) {
        // Not a 404 for a checklist simply not read yet: come back shortly.
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('1');
        expect(r.headers.get('content-type')).toBe('application/problem+json');
        expect(JSON.parse(body)).toMatchObject({
          status: 503,
          detail: expect.stringMatching(/^loading checklists/),
        });
      }
    }
    expect(during).toBeGreaterThan(0);
    await server.loaded;
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { checklists: 'ok' } });
    const one = await get('/api/v1/checklists/launch', true);
    expect(one.status).toBe(200);
    const all = (await (await get('/api/v1/checklists', true)).json()) as {
      checklists: { id: string; error?: string }[];
    };
    expect(all.checklists.map((c) => [c.id, c.error])).toEqual([
      ['a-deep', undefined],
      ['b-deep', undefined],
      ['launch', undefined],
    ]);
    expect((await get('/api/v1/checklists/missing', true)).status).toBe(404);
  });
});
