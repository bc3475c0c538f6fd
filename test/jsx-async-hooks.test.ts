import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * Rendering a page must not switch on Node's async hooks for the rest of the process (hono/jsx's
 * AsyncLocalStorage, src/server/dashboard/jsx-async-context.ts), and the pages must be the same bytes
 * as when hono/jsx has its storage. Each case is a process of its own (async hooks, once on, stay on
 * for the process; and hono looks for its storage once), serving this run's build over HTTP.
 */

const DIST = join(dirname(inject('gonogoBin')), '..', 'dist');
const tmp = blockTempDir('gonogo-jsx-hooks-');

// The child: start the server, open pages, then tell whether a promise reaction gets an async id of
// its own (hooks on) or runs in its caller's (off).
const CHILD = `
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executionAsyncId } from 'node:async_hooks';
const dist = process.argv[1];
if (process.argv[2] === 'storage') {
  // hono/jsx then finds its AsyncLocalStorage whatever the server does (an accessor is left alone).
  const builtin = process.getBuiltinModule;
  Object.defineProperty(process, 'getBuiltinModule', { get: () => builtin, configurable: true });
}
const { startServer } = await import(join(dist, 'app/serve.js'));
const { loadRegistry } = await import(join(dist, 'checks/registry.js'));
const { openStore } = await import(join(dist, 'store/index.js'));
// Its own folder in the test's temp dir, which the test removes.
const dir = process.argv[3];
await mkdir(dir);
await writeFile(join(dir, 'launch.md'), '---\\nid: launch\\n---\\n# Launch\\n- [ ] Backups restored\\n');
const store = await openStore(join(dir, 'gonogo.db'));
const running = await startServer(
  { checklists: dir, host: '127.0.0.1', port: 0 },
  {
    io: { stdout: process.stdout, stderr: { write: () => true }, isTTY: false, env: {}, cwd: dir },
    openStore: async () => store,
    registry: loadRegistry,
    now: () => new Date('2026-12-01T10:00:00Z'),
  },
);
const pages = {};
for (const path of ['/login', '/checklists/launch']) {
  const res = await fetch(running.url + path, { headers: { accept: 'text/html' } });
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
  const body = await res.text();
  pages[path] = { status: res.status, body: nonce ? body.replaceAll(nonce, 'NONCE') : body };
}
const reactionIds = [];
for (let i = 0; i < 2; i++) reactionIds.push(await Promise.resolve().then(() => executionAsyncId()));
await running.close();
console.log(JSON.stringify({ pages, hooksOn: reactionIds[0] !== reactionIds[1] }));
process.exit(0);
`;

async function serveIn(mode: 'plain' | 'storage') {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', CHILD, DIST, mode, join(tmp, mode)],
    { cwd: DIST },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    pages: Record<string, { status: number; body: string }>;
    hooksOn: boolean;
  };
}

describe('pages without async hooks', () => {
  it('leaves async hooks off after pages are rendered, and renders the same bytes as with the storage', async () => {
    const [plain, storage] = await Promise.all([serveIn('plain'), serveIn('storage')]);
    // The probe tells one from the other: with the storage, hooks are on.
    expect(storage.hooksOn).toBe(true);
    expect(plain.hooksOn).toBe(false);
    expect(plain.pages['/login']!.status).toBe(200);
    expect(plain.pages['/login']!.body).toContain('<form');
    // Not logged in: the checklist page sends to the login page, which says where to after.
    expect(plain.pages['/checklists/launch']!.body).toContain('<form');
    expect(plain.pages).toEqual(storage.pages);
  });
});
