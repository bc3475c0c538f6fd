import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { MAX_DEPTH } from '../src/markdown/limits.js';
import { hashToken, type Logger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * `serve` loads and reloads its checklists without holding the event loop: a long or hostile checklist
 * dropped into `--checklists` is parsed in a worker while `/health/live` keeps answering. The server runs
 * in this very process, so had a load blocked its thread, no request of this test could be answered
 * until the load ended.
 */

const dir = blockTempDir('gonogo-loading-');
let server: RunningServer;
let store: Store;
const token = `gng_loading_${Math.random().toString(36).slice(2)}`;

/** The checklists the API lists, by id. */
async function listed(): Promise<Record<string, { error?: string; items?: number }>> {
  const r = await fetch(`${server.url}/api/v1/checklists`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { checklists: { id: string; error?: string; items?: number }[] };
  return Object.fromEntries(body.checklists.map((c) => [c.id, c]));
}
/** Every log line, in order. */
const events: { msg: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = {
  info: (msg, fields) => events.push({ msg, ...(fields ? { fields } : {}) }),
  warn: (msg, fields) => events.push({ msg, ...(fields ? { fields } : {}) }),
  error: (msg, fields) => events.push({ msg, ...(fields ? { fields } : {}) }),
};
const count = (msg: string) => events.filter((e) => e.msg === msg).length;

async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; !(await ok()); i++) {
    if (i > 6000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A checklist of 96 KB whose items nest as deep as the limit allows: slow to parse, but legal. */
function deepChecklist(): string {
  const lines = ['---', 'id: deep', '---', '# Deep', ''];
  while (lines.join('\n').length < 96 * 1024) {
    for (let d = 0; d < MAX_DEPTH - 2; d++) lines.push(`${'  '.repeat(d)}- [ ] level ${d} of a deep item`);
  }
  return `${lines.join('\n')}\n`;
}

/** Ask `/health/live` again and again while `during()` holds; how many answers came back meanwhile. */
async function answersWhile(during: () => boolean): Promise<number> {
  let answered = 0;
  while (during()) {
    const r = await fetch(`${server.url}/health/live`);
    await r.text();
    if (r.status === 200 && during()) answered++;
  }
  return answered;
}

beforeAll(async () => {
  await writeFile(join(dir, 'launch.md'), '---\nid: launch\n---\n# Launch\n- [ ] a\n');
  store = await openStore(join(dir, 'gonogo.db'));
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
      // The test asks many times a second; the rate limit is not what it is about.
      config: { requestsPerMinute: 1_000_000 },
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
      cacheDir: () => undefined,
    },
  );
});

afterAll(async () => {
  await server?.close();
});

describe('serve while checklists load', () => {
  it('refuses a checklist nested past the limit with a located error, answering meanwhile', async () => {
    const hostile = `# Hostile\n${Array.from({ length: 1000 }, (_, d) => `${'  '.repeat(d)}- x`).join('\n')}\n`;
    await writeFile(join(dir, 'hostile.md'), hostile.padEnd(1024 * 1024, '\n'));
    let error: string | undefined;
    await until('the hostile checklist to be listed', async () => {
      error = (await listed()).hostile?.error;
      return error !== undefined;
    });
    expect(error).toMatch(/^hostile\.md:\d+:\d+: lists and block quotes are nested \d+ levels deep/);
    const r = await fetch(`${server.url}/health/live`);
    expect(r.status).toBe(200);
  });
  it('answers /health/live while a long, deeply nested checklist is being parsed, then serves it', async () => {
    const loading = count('checklists loading');
    const read = () => events.some((e) => e.msg === 'checklist read' && e.fields?.file === 'deep.md');
    await writeFile(join(dir, 'deep.md'), deepChecklist());
    // The watcher starts a reload; deep.md is the first file it reads (by name), so from the reload's
    // first log line to the line saying deep.md was read, its parse is in progress or about to start.
    await until('the reload to start', () => count('checklists loading') > loading);
    const answered = await answersWhile(() => !read());
    // Had the parse held the event loop, only the few moments before it (a directory listing, a file
    // read) could have let an answer through.
    expect(answered).toBeGreaterThanOrEqual(20);
    // Then it is served, once the reload ends.
    await until('deep.md to be listed', async () => (await listed()).deep !== undefined);
    expect((await listed()).deep?.error).toBeUndefined();
  });
});
