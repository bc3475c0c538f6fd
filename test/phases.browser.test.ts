/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { SHARED } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * Phases in the dashboard, in headless Chromium: seed 004's checklist page keeps the program after launch
 * apart, and seed 001's program page shows every track and window, overdue first, with the recurring
 * reviews and their next due date. The clock is day 20 after the launch written into both copies.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const dir = blockTempDir('gonogo-phases-dash-');
let store: Store;
let server: RunningServer;
let browser: Browser;
const token = `gng_browser_phases_${Math.random().toString(36).slice(2)}`;

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login$/);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}${path}`);
  return page;
}

describe.skipIf(!haveChromium)('phases in the dashboard', () => {
  beforeAll(async () => {
    for (const [id, name] of [
      ['production', '004-production-checklist.md'],
      ['program', '001-post-launch-90-day-program.md'],
    ] as const) {
      const text = await readFile(`${SHARED}seeds/${name}`, 'utf8');
      await writeFile(join(dir, `${id}.md`), `---\nid: ${id}\nlaunch: 2027-03-01\n---\n${text}`);
    }
    store = await openStore(join(dir, 'gonogo.db'));
    await store.createToken(
      { name: 'viewer', role: 'viewer', signoffRoles: [], hash: hashToken(token) },
      'test',
    );
    server = await startServer(
      { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
      {
        io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date('2027-03-21T10:00:00Z'),
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

  it('the checklist page of seed 004 lists the 29 post-launch items apart, none among the reasons', async () => {
    const page = await open('/checklists/production?env=default');
    const after = page.locator('section#after-launch');
    await expect(after.locator('h2').textContent()).resolves.toBe('After launch');
    await expect(after.locator('li.item').count()).resolves.toBe(29);
    await expect(page.locator('li.item').count()).resolves.toBe(140);
    await expect(after.locator('.sub').first().textContent()).resolves.toMatch(/29 items .*, 23 overdue/);
    const firstWeek = after.locator('li[data-item="first-week/review-all-metrics-dashboards"]');
    await expect(firstWeek.textContent()).resolves.toContain('overdue since 2027-03-08');
    const reasons = (await page.locator('ol.reasons li').allTextContents()).join('\n');
    expect(reasons).not.toContain('first-week/');
    expect(reasons).not.toContain('ongoing/');
    await page.context().close();
  });

  it('the program page of seed 001 shows every track and window, overdue first, and the recurring reviews', async () => {
    const page = await open('/program?checklist=program');
    const tracks = (await page.locator('main section h2').allTextContents()).map((t) => t.split(' ')[0]);
    expect(tracks.slice(0, 6).sort()).toEqual(['A)', 'Acil', 'B)', 'C)', 'D)', 'Yönetim'].sort());
    const captions = await page.locator('caption').allTextContents();
    expect(captions.filter((c) => c.startsWith('0–14 Gün (P0)'))).toHaveLength(4);
    expect(captions.filter((c) => c.startsWith('15–90 Gün (P1)'))).toHaveLength(4);
    expect(captions.filter((c) => c.startsWith('Recurring'))).toHaveLength(1);
    await expect(page.locator('tr[data-overdue="true"]').count()).resolves.toBe(18);
    // Overdue first: every track with overdue items comes before those without.
    const overdueByTrack = await page
      .locator('main section')
      .evaluateAll((sections) => sections.map((s) => s.querySelectorAll('tr[data-overdue="true"]').length));
    const firstClean = overdueByTrack.indexOf(0);
    if (firstClean >= 0) expect(overdueByTrack.slice(firstClean).every((n) => n === 0)).toBe(true);
    const next = await page
      .locator('td[data-next-due]')
      .evaluateAll((cells) => cells.map((c) => [c.getAttribute('data-next-due'), c.textContent]));
    expect(next).toEqual([
      ['2027-03-08', 'next 2027-03-08 · every 7d'],
      ['2027-03-15', 'next 2027-03-15 · every 14d'],
      ['2027-03-31', 'next 2027-03-31 · every 30d'],
    ]);
    await expect(page.locator('main').textContent()).resolves.toContain('day 20');
    await page.context().close();
  });
});
