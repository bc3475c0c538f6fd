import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/** The program view and the delivery log, as a logged-in launch owner sees them in the dashboard. */

const PROGRAM = `---
id: program
launch: 2026-01-01
---
# Post-launch program (90 days)

## A) Reliability track

### 0–14 days (P0)
- [ ] SLO dashboard <!-- owner: sre -->
- [x] Incident playbook

### 15–90 days (P1)
- [ ] Capacity reporting

## B) Security track

### First week
- [ ] Rotate test secrets
`;

describe('dashboard pages of the watch loop', () => {
  const dir = blockTempDir('gonogo-watch-dashboard-');
  let store: Store;
  let server: RunningServer;
  let cookie = '';
  const token = `gng_test_owner_${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    await writeFile(join(dir, 'program.md'), PROGRAM);
    store = await openStore(join(dir, 'gonogo.db'));
    await store.createToken(
      { name: 'owner', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
      'test',
    );
    await store.commitWatchState(
      'notify/program/default',
      '{}',
      0,
      [
        {
          eventId: 'e1',
          event: 'item.overdue',
          checklist: 'program',
          environment: 'default',
          target: 'webhook:0123456789abcdef',
          targetLabel: 'webhook hooks.example.com',
          payload: '{}',
          at: '2026-01-21T00:00:00.000Z',
        },
      ],
      new Date('2026-01-21T00:00:00Z'),
    );
    server = await startServer(
      { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
      {
        io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date('2026-01-21T00:00:00Z'),
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

  const page = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
    return { status: res.status, html: await res.text() };
  };

  it('asks for a login first', async () => {
    const res = await fetch(`${server.url}/program`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });

  it('shows the program by track and window, overdue first, at day 20', async () => {
    const { status, html } = await page('/program');
    expect(status).toBe(200);
    expect(html).toContain('Launch 2026-01-01, day 20.');
    expect(html).toMatch(/1 of 4 done, <strong>2 overdue<\/strong>/);
    // Tracks and windows in order; the overdue item before the done one.
    const order = [
      'A) Reliability track',
      '0–14 days (P0)',
      'overdue 6d',
      'SLO dashboard',
      'Incident playbook',
      '15–90 days (P1)',
      'B) Security track',
      'First week',
      'Rotate test secrets',
    ];
    const positions = order.map((text) => html.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain('href="/program" aria-current="page"');
  });

  it('lists notification deliveries without their URLs', async () => {
    const { status, html } = await page('/notifications');
    expect(status).toBe(200);
    expect(html).toContain('item.overdue');
    expect(html).toContain('webhook hooks.example.com');
    expect(html).toContain('pending');
    expect(html).not.toContain('0123456789abcdef');
  });
});
