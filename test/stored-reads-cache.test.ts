import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store, TokenRole } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * Pages and viewers' preflights share the store reads behind a verdict until the next state change.
 * With reads kept for a whole minute here, a write through the server must still show at once, and
 * time passing (an attestation's validity) must still count at every request.
 */

const dir = blockTempDir('gonogo-stored-reads-');
let store: Store;
let server: RunningServer;
const tokens: Record<string, string> = {};
let clock = Date.parse('2026-11-20T10:00:00Z');
let cookie = '';

async function preflight() {
  const r = await fetch(`${server.url}/api/v1/checklists/launch/preflight?env=default`, {
    headers: { authorization: `Bearer ${tokens.viewer}` },
  });
  expect(r.status).toBe(200);
  return (await r.json()) as { verdict: string; items: { id: string; status: string }[] };
}

const page = async () => (await fetch(`${server.url}/checklists/launch`, { headers: { cookie } })).text();

beforeAll(async () => {
  await writeFile(
    join(dir, 'launch.md'),
    '---\nid: launch\n---\n# Launch\n## Ops\n- [ ] Backups restored in a drill\n',
  );
  store = await openStore(join(dir, 'gonogo.db'));
  for (const role of ['viewer', 'operator'] as TokenRole[]) {
    tokens[role] = `gng_sr_${role}_${Math.random().toString(36).slice(2)}`;
    await store.createToken({ name: role, role, signoffRoles: [], hash: hashToken(tokens[role]!) }, 'test');
  }
  server = await startServer(
    {
      checklists: dir,
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      config: { preflightCacheMs: 60_000 },
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(clock),
    },
  );
  const login = await fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ token: tokens.viewer! }).toString(),
  });
  expect(login.status).toBe(303);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
});

afterAll(async () => {
  await server?.close();
});

describe('stored reads shared between requests', () => {
  it('show an attestation recorded through the server at once, then its expiry when the time comes', async () => {
    expect((await preflight()).items[0]!.status).toBe('pending');
    expect(await page()).not.toContain('drill OPS-7');

    const r = await fetch(`${server.url}/api/v1/checklists/launch/attestations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        env: 'default',
        item: 'ops/backups-restored-in-a-drill',
        evidence: 'drill OPS-7',
        valid_for: '1h',
      }),
    });
    expect(r.status).toBe(201);
    const after = await preflight();
    expect(after.items[0]!.status).toBe('pass');
    expect(after.verdict).toBe('GO');
    expect(await page()).toContain('drill OPS-7');

    // Two hours later the attestation has lapsed: decided at the current time, not when it was read.
    clock += 2 * 3_600_000;
    const later = await preflight();
    expect(later.items[0]!.status).not.toBe('pass');
    expect(later.verdict).toBe('NO-GO');
  });
});
