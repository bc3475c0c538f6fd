/// <reference lib="dom" />

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  haveChromium,
  type Json,
  SEED_004,
  useSeededDashboard,
} from './seeded-dashboard-support.js';

/**
 * The launch owner's steering aids in headless Chromium: seed 004's reasons linked to their items, the
 * status filter without JavaScript, the sections that block opened first; the GO banner; a run's own page
 * and the audit log's details.
 */

const dash = useSeededDashboard();

describe.skipIf(!haveChromium)('a launch owner steering seed 004', () => {
  it('links every reason to its item, filters without JavaScript, and opens failing sections first', async () => {
    const page = await dash.open({ javaScriptEnabled: false });
    await page.goto(`${dash.url}${SEED_004}`);
    const links = await page
      .locator('ol.reasons a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(links.length).toBeGreaterThan(50);
    for (const href of links.slice(0, 20)) {
      expect(href).toMatch(/^#item-/);
      await expect(page.locator(`[id="${href.slice(1)}"]`).count()).resolves.toBe(1);
    }

    // One section made clear through the API: it is collapsed and listed after the sections that block.
    const model = (await dash.api('GET', '/checklists/004-production-checklist')).json;
    const first = model.items[0];
    const section = model.items.filter((i: Json) => i.section.join() === first.section.join());
    for (const item of section)
      if (item.kind !== 'signoff')
        await dash.api('POST', '/checklists/004-production-checklist/waivers', {
          item: item.id,
          reason: 'accepted for the test',
          owner: 'qa',
          expires: '3d',
        });
    await page.goto(`${dash.url}${SEED_004}`);
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

    await page.goto(`${dash.url}${SEED_004}?status=waived`);
    const statuses = await page
      .locator('li.item')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
    expect(statuses.length).toBe(section.filter((i: Json) => i.kind !== 'signoff').length);
    expect(new Set(statuses)).toEqual(new Set(['waived']));
    await expect(page.locator('select[name=status]').inputValue()).resolves.toBe('waived');
    await page.context().close();
  });

  it('names active waivers and sign-offs in the GO banner', async () => {
    const page = await dash.open();
    await page.goto(`${dash.url}/checklists/go-launch`);
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('GO');
    const banner = await page.locator('[data-go-banner]').textContent();
    expect(banner).toMatch(/1 active waiver: Pager rota set \(owner sre, expires in (6d 23h|7d 0h)\)/);
    expect(banner).toMatch(/Signed off: engineering by lead \(/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-go-banner.png') });
    await page.context().close();
  });

  it('shows a run on its own page, linked from run history, and audit details as key: value lines', async () => {
    const page = await dash.open();
    await page.goto(`${dash.url}/runs?checklist=003-mvp-go-live`);
    await page.getByRole('link', { name: `#${dash.runId}` }).click();
    await page.waitForURL(`${dash.url}/checklists/003-mvp-go-live/runs/${dash.runId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(
      `Run #${dash.runId} of MVP Go-Live Checklist`,
    );
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('NO-GO');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run.png') });
    await page.goto(`${dash.url}/checklists/003-mvp-go-live/runs/999999`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Run not found');

    await page.goto(`${dash.url}/audit`);
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
