/// <reference lib="dom" />

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { ROOT } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * Every dashboard page in headless Chromium against axe-core's WCAG 2.1 AA rules, plus what axe cannot
 * see: sideways scrolling on a phone, the focus ring, the skip link, names of the per-item disclosures,
 * the dark scheme and the page language; and the launch owner's steering aids on seed 004.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const ARTIFACTS = join(ROOT, 'artifacts');
const SEEDS = join(ROOT, 'test/shared/seeds');
// biome-ignore lint/suspicious/noExplicitAny: API answers of many shapes, read field by field
type Json = any;

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const GO_LAUNCH = `---
id: go-launch
name: Go launch
policy:
  signoffs: [engineering]
---
# Go launch
## Ops
- [ ] Backups restored
- [ ] Pager rota set
## Sign-Off
- [ ] Engineering Lead: ____
`;

const dir = blockTempDir('gonogo-a11y-');
let store: Store;
let server: RunningServer;
let browser: Browser;
let axeSource: string;
let lead: string;
let runId: number;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${lead}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

async function open(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Token').fill(lead);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'none') stays in force.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the evaluated source defines
    (tags) => (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS,
  );
  return (
    violations as { violations: { id: string; help: string; nodes: { target: string[] }[] }[] }
  ).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`);
}

const SEED_004 = '/checklists/004-production-checklist';
const SEED_003 = '/checklists/003-mvp-go-live';

beforeAll(async () => {
  if (!haveChromium) return;
  await mkdir(ARTIFACTS, { recursive: true });
  for (const seed of [
    '000-enterprise-go-live.md',
    '001-post-launch-90-day-program.md',
    '003-mvp-go-live.md',
    '004-production-checklist.md',
  ])
    await copyFile(join(SEEDS, seed), join(dir, seed));
  await writeFile(join(dir, 'go-launch.md'), GO_LAUNCH);
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  store = await openStore(join(dir, 'gonogo.db'));
  lead = `gng_a11y_${Math.random().toString(36).slice(2)}`;
  await store.createToken(
    { name: 'lead', role: 'approver', signoffRoles: ['engineering'], hash: hashToken(lead) },
    'test',
  );
  server = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  // A runner calls in (the SQLite store has no queue: 503, yet the Runners page lists it).
  const runnerToken = `gng_a11y_runner_${Math.random().toString(36).slice(2)}`;
  await store.createToken(
    { name: 'vpc', role: 'runner', signoffRoles: [], hash: hashToken(runnerToken), labels: ['prod-vpc'] },
    'test',
  );
  await fetch(`${server.url}/api/v1/runner/jobs:claim`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${runnerToken}`,
      'content-type': 'application/json',
      'x-gonogo-runner': 'vpc-1',
    },
    body: JSON.stringify({ labels: ['prod-vpc'], wait: 0 }),
  });
  // State for every page to show: a run, attestations, waivers, sign-offs, audit events.
  const run = await api('POST', '/checklists/003-mvp-go-live/runs', {});
  runId = run.json.run;
  expect(
    (
      await api('POST', '/checklists/go-launch/attestations', {
        item: 'ops/backups-restored',
        evidence: 'drill',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await api('POST', '/checklists/go-launch/waivers', {
        item: 'ops/pager-rota-set',
        reason: 'rota starts Monday',
        owner: 'sre',
        expires: '7d',
      })
    ).status,
  ).toBe(201);
  expect((await api('POST', '/checklists/go-launch/signoffs', { role: 'engineering' })).status).toBe(201);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!haveChromium)('dashboard accessibility', () => {
  it('has no axe-core WCAG 2.1 AA violations on any page, light or dark', async () => {
    const login = await browser.newPage();
    await login.goto(`${server.url}/login`);
    const found: Record<string, string[]> = { '/login': await axeViolations(login) };
    await login.close();
    const pages = [
      '/',
      SEED_004,
      `${SEED_004}?status=pending`,
      SEED_003,
      '/checklists/000-enterprise-go-live',
      '/checklists/go-launch',
      '/waivers',
      '/runs',
      `/checklists/003-mvp-go-live/runs/${runId}`,
      '/audit',
      '/audit?verify=1',
      '/program',
      '/notifications',
      '/runners',
    ];
    // Dark colours are checked on the pages that use every colour pair (statuses, verdicts, forms, tables).
    const dark = new Set(['/', SEED_004, '/checklists/go-launch', '/audit?verify=1', '/waivers']);
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open({ colorScheme: scheme });
      for (const path of pages.filter((p) => scheme === 'light' || dark.has(p))) {
        await page.goto(`${server.url}${path}`);
        const v = await axeViolations(page);
        if (v.length > 0) found[`${path} (${scheme})`] = v;
      }
      // Collapsed content is skipped by axe: open every disclosure (forms, observed values) and look again.
      await page.goto(`${server.url}${SEED_004}`);
      await page.evaluate(() => {
        for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
      });
      const v = await axeViolations(page);
      if (v.length > 0) found[`${SEED_004} all open (${scheme})`] = v;
      await page.context().close();
    }
    expect(found).toEqual({ '/login': [] });
  }, 180_000);

  it('would see a violation (the axe run is real)', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('img')));
    expect((await axeViolations(page)).join('\n')).toMatch(/^image-alt/m);
    await page.close();
  });

  it.each([SEED_003, SEED_004, '/', '/audit', '/runs', '/waivers', '/runners'])(
    '%s does not scroll sideways at 375 px',
    async (path) => {
      const page = await open({ viewport: { width: 375, height: 800 }, isMobile: true });
      await page.goto(`${server.url}${path}`);
      await page.evaluate(() => {
        for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
      });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      if (path === SEED_003) await page.screenshot({ path: join(ARTIFACTS, 'dashboard-003-375.png') });
      await page.context().close();
    },
  );

  it('starts with a skip link and shows a real focus ring on dark buttons', async () => {
    const page = await open();
    await page.goto(`${server.url}${SEED_004}`);
    await page.keyboard.press('Tab');
    const first = page.locator(':focus');
    await expect(first.textContent()).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');

    const button = page.getByRole('button', { name: 'Run checks now' });
    await button.focus();
    // Keyboard focus (not a click) is what :focus-visible shows.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await button.evaluate((el) => {
      const s = getComputedStyle(el);
      return {
        width: s.outlineWidth,
        style: s.outlineStyle,
        color: s.outlineColor,
        bg: getComputedStyle(document.querySelector('.card')!).backgroundColor,
      };
    });
    expect(ring.style).toBe('solid');
    expect(Number.parseFloat(ring.width)).toBeGreaterThanOrEqual(2);
    expect(contrast(ring.color, ring.bg)).toBeGreaterThanOrEqual(3);
    await page.context().close();
  });

  it('names every per-item disclosure after its item, uniquely', async () => {
    const page = await open();
    await page.goto(`${server.url}${SEED_004}`);
    const names = await page.evaluate(() =>
      Array.from(document.querySelectorAll('li.item summary')).map(
        (s) => s.getAttribute('aria-label') ?? s.textContent,
      ),
    );
    expect(names.length).toBeGreaterThan(60);
    expect(names.filter((n) => /^(Attest|Waive)$/.test(n ?? ''))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    await expect(
      page
        .locator('li.item summary', { hasText: /^Attest$/ })
        .first()
        .getAttribute('aria-label'),
    ).resolves.toMatch(/^Attest: \S/);
    await page.context().close();
  });

  it('honours prefers-color-scheme: dark', async () => {
    const page = await open({ colorScheme: 'dark' });
    await page.goto(`${server.url}${SEED_004}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(luminance(bg)).toBeLessThan(0.05);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-004-dark.png') });
    await page.context().close();
    const light = await open({ colorScheme: 'light' });
    await light.goto(`${server.url}${SEED_004}`);
    expect(
      luminance(await light.evaluate(() => getComputedStyle(document.body).backgroundColor)),
    ).toBeGreaterThan(0.8);
    await light.screenshot({ path: join(ARTIFACTS, 'dashboard-004-light.png') });
    await light.setViewportSize({ width: 375, height: 800 });
    await light.screenshot({ path: join(ARTIFACTS, 'dashboard-004-375.png') });
    await light.context().close();
  });

  it.each([
    ['/checklists/000-enterprise-go-live', 'tr'],
    ['/checklists/001-post-launch-90-day-program', 'tr'],
    [SEED_003, 'en'],
    [SEED_004, 'en'],
    ['/', 'en'],
  ])('serves %s with lang="%s"', async (path, lang) => {
    const page = await open();
    await page.goto(`${server.url}${path}`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
    await page.context().close();
  });
});

describe.skipIf(!haveChromium)('a launch owner steering seed 004', () => {
  it('links every reason to its item, filters without JavaScript, and opens failing sections first', async () => {
    const page = await open({ javaScriptEnabled: false });
    await page.goto(`${server.url}${SEED_004}`);
    const links = await page
      .locator('ol.reasons a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(links.length).toBeGreaterThan(50);
    for (const href of links.slice(0, 20)) {
      expect(href).toMatch(/^#item-/);
      await expect(page.locator(`[id="${href.slice(1)}"]`).count()).resolves.toBe(1);
    }

    // One section made clear through the API: it is collapsed and listed after the sections that block.
    const model = (await api('GET', '/checklists/004-production-checklist')).json;
    const first = model.items[0];
    const section = model.items.filter((i: Json) => i.section.join() === first.section.join());
    for (const item of section)
      if (item.kind !== 'signoff')
        await api('POST', '/checklists/004-production-checklist/waivers', {
          item: item.id,
          reason: 'accepted for the test',
          owner: 'qa',
          expires: '3d',
        });
    await page.goto(`${server.url}${SEED_004}`);
    const sections = await page.locator('details.section').evaluateAll((ds) =>
      ds.map((d) => ({
        open: (d as HTMLDetailsElement).open,
        items: d.querySelectorAll('li.item').length,
        clear: d.querySelector('summary')!.textContent!.includes('clear'),
      })),
    );
    const firstClear = sections.findIndex((s) => s.clear);
    expect(firstClear).toBeGreaterThan(0);
    expect(sections.slice(0, firstClear).every((s) => s.open && !s.clear)).toBe(true);
    expect(sections.slice(firstClear).every((s) => !s.open && s.clear)).toBe(true);

    await page.goto(`${server.url}${SEED_004}?status=waived`);
    const statuses = await page
      .locator('li.item')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
    expect(statuses.length).toBe(section.filter((i: Json) => i.kind !== 'signoff').length);
    expect(new Set(statuses)).toEqual(new Set(['waived']));
    await expect(page.locator('select[name=status]').inputValue()).resolves.toBe('waived');
    await page.context().close();
  });

  it('names active waivers and sign-offs in the GO banner', async () => {
    const page = await open();
    await page.goto(`${server.url}/checklists/go-launch`);
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('GO');
    const banner = await page.locator('[data-go-banner]').textContent();
    expect(banner).toMatch(/1 active waiver: Pager rota set \(owner sre, expires in (6d 23h|7d 0h)\)/);
    expect(banner).toMatch(/Signed off: engineering by lead \(/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-go-banner.png') });
    await page.context().close();
  });

  it('shows a run on its own page, linked from run history, and audit details as key: value lines', async () => {
    const page = await open();
    await page.goto(`${server.url}/runs?checklist=003-mvp-go-live`);
    await page.getByRole('link', { name: `#${runId}` }).click();
    await page.waitForURL(`${server.url}/checklists/003-mvp-go-live/runs/${runId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Run #${runId} of MVP Go-Live Checklist`);
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('NO-GO');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run.png') });
    await page.goto(`${server.url}/checklists/003-mvp-go-live/runs/999999`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Run not found');

    await page.goto(`${server.url}/audit`);
    const waiver = page.locator('tr', { hasText: 'waiver.granted' }).first();
    await expect(waiver.locator('dl.kv').textContent()).resolves.toMatch(/reason:\s*accepted for the test/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-audit-kv.png') });
    await expect(
      waiver
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td).whiteSpace),
    ).resolves.toBe('nowrap');
    await page.context().close();
  });
});

function rgb(css: string): number[] {
  return (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
}

function luminance(css: string): number {
  const [r, g, b] = rgb(css).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
