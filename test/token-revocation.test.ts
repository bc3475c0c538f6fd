import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/app/serve.js';
import type { Store } from '../src/engine/store.js';
import { runCli } from '../src/test-support/cli.js';
import { createToken, personActor, revokeToken } from '../src/usecases/index.js';
import { type InProcessServer, login as loginAt, startInProcess } from './server-support.js';

/**
 * A revoked or expired token stops working everywhere at once: the API answers 401 saying when, and a
 * dashboard session logged in with it ends at its next request. Revocation comes from another process
 * (`gonogo token revoke`, as an admin does it) while the server runs; expiry from the server's clock.
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

let dir: string;
let db: string;
let store: Store;
let server: RunningServer;
let clock = Date.parse('2026-11-20T10:00:00Z');
const ctx = () => ({ store, now: () => new Date(clock) });

let running: InProcessServer | undefined;

beforeAll(async () => {
  running = await startInProcess({
    prefix: 'gonogo-token-revocation-',
    files: { 'launch.md': CHECKLIST },
    now: () => new Date(clock),
  });
  ({ dir, store, server } = running);
  db = join(dir, 'gonogo.db');
});

afterAll(async () => {
  await running?.close();
});

const api = (token: string) =>
  fetch(`${server.url}/api/v1/checklists`, { headers: { authorization: `Bearer ${token}` } });

const login = (token: string) => loginAt(server.url, token);

const page = (cookie: string) =>
  fetch(`${server.url}/checklists/launch`, { headers: { cookie }, redirect: 'manual' });

describe('revoked and expired tokens', () => {
  it('a token revoked with `gonogo token revoke` gets 401 on the API and its dashboard session ends', async () => {
    const { token } = await createToken(ctx(), personActor('ana'), {
      name: 'bo-laptop',
      role: 'viewer',
      signoffRoles: [],
      person: 'Bo Berg',
    });
    expect((await api(token)).status).toBe(200);
    const cookie = await login(token);
    expect((await page(cookie)).status).toBe(200);

    const r = await runCli(['token', 'revoke', 'bo-laptop', '--db', db], {
      cwd: dir,
      env: { GONOGO_USER: 'ana', GONOGO_NOW: new Date(clock).toISOString() },
    });
    expect(r.code).toBe(0);

    // The API and sessions trust a looked-up token for at most a second when the revocation comes from
    // another process: then the session's next request goes to the login page.
    await expect
      .poll(async () => (await page(cookie)).headers.get('location'), { timeout: 5_000, interval: 200 })
      .toBe('/login');
    // ...and the session is gone for good, not just refused once.
    expect((await page(cookie)).headers.get('location')).toBe('/login');
    await expect.poll(async () => (await api(token)).status, { timeout: 5_000, interval: 200 }).toBe(401);
    const res = await api(token);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toBe(
      'token "bo-laptop" was revoked at 2026-11-20T10:00:00.000Z; ask an admin for a new one',
    );
    // Logging in again with it says why.
    const again = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('was revoked at 2026-11-20T10:00:00.000Z');
  }, 30_000);

  it('a token revoked through the server ends its dashboard session at its next request', async () => {
    const { token } = await createToken(ctx(), personActor('ana'), {
      name: 'cy-laptop',
      role: 'viewer',
      signoffRoles: [],
    });
    const cookie = await login(token);
    // These requests keep the session's token in the server's token cache (shared with the API's).
    expect((await page(cookie)).status).toBe(200);
    expect((await api(token)).status).toBe(200);
    await revokeToken(server.server.gate.useCases, personActor('ana'), 'cy-laptop');
    const after = await page(cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
    expect((await api(token)).status).toBe(401);
  });

  it('an expired token gets 401 on the API and its session ends, as soon as the clock passes the expiry', async () => {
    const { token, record } = await createToken(ctx(), personActor('ana'), {
      name: 'contractor',
      role: 'viewer',
      signoffRoles: [],
      expires: '2d',
    });
    expect((await api(token)).status).toBe(200);
    const cookie = await login(token);
    expect((await page(cookie)).status).toBe(200);

    clock += 3 * 86_400_000;
    const res = await api(token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toBe(
      `token "contractor" expired at ${record.expiresAt}; ask an admin for a new one`,
    );
    const after = await page(cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
  });
});
