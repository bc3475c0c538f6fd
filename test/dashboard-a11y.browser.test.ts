/// <reference lib="dom" />

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  haveChromium,
  SEED_003,
  SEED_004,
  useSeededDashboard,
} from './seeded-dashboard-support.js';

/**
 * Every dashboard page in headless Chromium against axe-core's WCAG 2.1 AA rules, plus what axe cannot
 * see: sideways scrolling on a phone, the focus ring, the skip link, names of the per-item disclosures,
 * the dark scheme and the page language. (The launch owner's steering aids on seed 004:
 * test/dashboard-steering.browser.test.ts.)
 */

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const dash = useSeededDashboard();
let axeSource: string;

beforeAll(async () => {
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
});

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

describe.skipIf(!haveChromium)('dashboard accessibility', () => {
  it('has no axe-core WCAG 2.1 AA violations on any page, light or dark', async () => {
    const login = await dash.browser.newPage();
    await login.goto(`${dash.url}/login`);
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
      `/checklists/003-mvp-go-live/runs/${dash.runId}`,
      '/audit',
      '/audit?verify=1',
      '/program',
      '/notifications',
      '/runners',
    ];
    // Dark colours are checked on the pages that use every colour pair (statuses, verdicts, forms, tables).
    const dark = new Set(['/', SEED_004, '/checklists/go-launch', '/audit?verify=1', '/waivers']);
    for (const scheme of ['light', 'dark'] as const) {
      const page = await dash.open({ colorScheme: scheme });
      for (const path of pages.filter((p) => scheme === 'light' || dark.has(p))) {
        await page.goto(`${dash.url}${path}`);
        const v = await axeViolations(page);
        if (v.length > 0) found[`${path} (${scheme})`] = v;
      }
      // Collapsed content is skipped by axe: open every disclosure (forms, observed values) and look again.
      await page.goto(`${dash.url}${SEED_004}`);
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
    const page = await dash.browser.newPage();
    await page.goto(`${dash.url}/login`);
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('img')));
    expect((await axeViolations(page)).join('\n')).toMatch(/^image-alt/m);
    await page.close();
  });

  it.each([SEED_003, SEED_004, '/', '/audit', '/runs', '/waivers', '/runners'])(
    '%s does not scroll sideways at 375 px',
    async (path) => {
      const page = await dash.open({ viewport: { width: 375, height: 800 }, isMobile: true });
      await page.goto(`${dash.url}${path}`);
      await page.evaluate(() => {
        for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
      });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      if (path === SEED_003) await page.screenshot({ path: join(ARTIFACTS, 'dashboard-003-375.png') });
      await page.context().close();
    },
  );

  it('starts with a skip link and shows a real focus ring on dark buttons', async () => {
    const page = await dash.open();
    await page.goto(`${dash.url}${SEED_004}`);
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
    const page = await dash.open();
    await page.goto(`${dash.url}${SEED_004}`);
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
    const page = await dash.open({ colorScheme: 'dark' });
    await page.goto(`${dash.url}${SEED_004}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(luminance(bg)).toBeLessThan(0.05);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-004-dark.png') });
    await page.context().close();
    const light = await dash.open({ colorScheme: 'light' });
    await light.goto(`${dash.url}${SEED_004}`);
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
    const page = await dash.open();
    await page.goto(`${dash.url}${path}`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
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
