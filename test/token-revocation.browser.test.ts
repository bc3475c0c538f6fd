import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';
import { createToken, personActor } from '../src/usecases/index.js';

/**
 * In headless Chromium: a person logged in to the dashboard, whose token an admin revokes with
 * `gonogo token revoke`, is sent to the login page by their next click after a second, and cannot log in
 * again.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const dir = blockTempDir('gonogo-revoke-browser-');
let store: Store;
let server: RunningServer;
let browser: Browser;

describe.skipIf(!haveChromium)('a revoked token in the browser', () => {
  beforeAll(async () => {
    await writeFile(join(dir, 'launch.md'), '---\nid: launch\n---\n# Launch\n## Ops\n- [ ] Backups tested\n');
    store = await openStore(join(dir, 'gonogo.db'));
    server = await startServer(
      { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
      {
        io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date(),
      },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('ends the session at the next page and says why at the next login', async () => {
    const { token } = await createToken({ store, now: () => new Date() }, personActor('admin'), {
      name: 'kim-laptop',
      role: 'viewer',
      signoffRoles: [],
      person: 'Kim',
    });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.goto(`${server.url}/checklists/launch`);
    expect(page.url()).toBe(`${server.url}/checklists/launch`);

    const r = await runCli(['token', 'revoke', 'kim-laptop', '--db', join(dir, 'gonogo.db')], {
      cwd: dir,
      env: { GONOGO_USER: 'admin' },
    });
    expect(r.code).toBe(0);

    // The server trusts a looked-up token for at most a second: a reload after that goes to the login page.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.url();
        },
        { timeout: 10_000, interval: 300 },
      )
      .toMatch(/\/login$/);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.textContent('body')).toMatch(/token "kim-laptop" was revoked at /);
  }, 60_000);
});
