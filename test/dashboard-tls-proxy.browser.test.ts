/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';
import { haveNginx, NGINX, startTlsProxy, type TlsProxy } from './nginx-support.js';

/**
 * The dashboard as deployed: headless Chromium speaks HTTPS to nginx, which terminates TLS and proxies
 * to `gonogo serve` with GONOGO_TRUST_PROXY=1. Logging in must land on the dashboard, not back on /login.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const missing = [haveChromium ? '' : CHROMIUM, haveNginx ? '' : NGINX].filter(Boolean);
if (missing.length > 0)
  console.warn(
    `skipping dashboard-behind-TLS-proxy tests: ${missing.join(' and ')} not installed (apt-get install chromium nginx)`,
  );

const dir = blockTempDir('gonogo-tls-dash-');
let store: Store;
let server: RunningServer;
let proxy: TlsProxy;
let browser: Browser;
const token = `gng_tls_${Math.random().toString(36).slice(2)}`;

describe.skipIf(missing.length > 0)('dashboard behind a TLS-terminating nginx', () => {
  beforeAll(async () => {
    await writeFile(
      join(dir, 'launch.md'),
      '---\nid: launch\nname: Payments launch\n---\n# Payments launch\n## Ops\n- [ ] Backups restored\n',
    );
    store = await openStore(join(dir, 'gonogo.db'));
    await store.createToken(
      { name: 'lead', role: 'approver', signoffRoles: [], hash: hashToken(token) },
      'test',
    );
    server = await startServer(
      { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
      {
        io: {
          stdout: process.stdout,
          stderr: process.stderr,
          isTTY: false,
          env: { GONOGO_TRUST_PROXY: '1' },
          cwd: dir,
        },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date(),
      },
    );
    proxy = await startTlsProxy(server.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await server?.close();
  });

  it('logs in over HTTPS with a __Host- cookie and shows the dashboard, then logs out', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${proxy.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForLoadState();

    expect(new URL(page.url()).pathname).toBe('/');
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(['__Host-gonogo_session']);
    expect(cookies[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    await expect(page.locator('body').textContent()).resolves.toContain('Payments launch');

    // A page behind the session opens too (the cookie is read back under the name it was set with).
    await page.goto(`${proxy.url}/checklists/launch`);
    expect(new URL(page.url()).pathname).toBe('/checklists/launch');

    await page.getByRole('button', { name: /log out/i }).click();
    await page.waitForURL(/\/login$/);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
