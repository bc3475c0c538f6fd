/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { ROOT } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * The dashboard in headless Chromium (Debian's `chromium`), as a launch team uses it: log in with a
 * token, read the verdict, attest through the form, watch the item turn green, run the checks, sign off.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing (install the Debian package chromium)`);
if (!haveChromium)
  console.warn(`skipping dashboard browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`);

const ARTIFACTS = join(ROOT, 'artifacts');
const PASS_GREEN = 'rgb(26, 127, 55)';

const dir = blockTempDir('gonogo-dash-');
let store: Store;
let server: RunningServer;
let target: Server;
let browser: Browser;
const tokens: Record<string, string> = {};

const CHECKLIST = (baseUrl: string) => `---
id: launch
name: Payments launch
launch: 2026-12-01
environments:
  production: { BASE_URL: "${baseUrl}" }
  staging: { BASE_URL: "${baseUrl}" }
policy:
  signoffs: [engineering, security]
---
# Payments launch
## Operations
- [ ] Backups restored in a drill

  Restore last night's snapshot into a scratch database and compare row counts.

  Remedy: re-run \`scripts/restore-drill.sh\` and attach the log.
- [ ] RTO: ______
- [ ] Health endpoint answers
  \`\`\`check
  http: \${BASE_URL}/health
  expect: ['status == 200']
  \`\`\`
- [ ] Health stays green for an hour
  \`\`\`check
  http: \${BASE_URL}/health
  hold: 1h
  every: 1m
  blocking: false
  \`\`\`
- [ ] Legacy status endpoint retired
  \`\`\`check
  http: \${BASE_URL}/legacy-status
  expect: ['status == 410']
  blocking: false
  \`\`\`
- [ ] Status page linked from the app (optional)
## Sign-Off
- [ ] Engineering Lead: ____ Date: ____
- [ ] Security Lead: ____ Date: ____
`;

async function login(page: Page, token: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login$/);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${server.url}/`);
}

describe.skipIf(!haveChromium)('dashboard in a browser', () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    target = createHttpServer((req, res) => {
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{"db":"ok"}');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    await writeFile(
      join(dir, 'launch.md'),
      CHECKLIST(`http://127.0.0.1:${(target.address() as AddressInfo).port}`),
    );
    await writeFile(
      join(dir, 'mobile-app.md'),
      '---\nid: mobile-app\nname: Mobile app release\n---\n# Mobile app release\n## Store\n- [ ] Screenshots approved\n- [x] Privacy labels filled\n',
    );
    store = await openStore(join(dir, 'gonogo.db'));
    for (const [name, role, roles] of [
      ['lead', 'approver', ['engineering', 'security']],
      ['viewer', 'viewer', []],
    ] as const) {
      const token = `gng_browser_${name}_${Math.random().toString(36).slice(2)}`;
      await store.createToken({ name, role, signoffRoles: [...roles], hash: hashToken(token) }, 'test');
      tokens[name] = token;
    }
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
    await new Promise((r) => target?.close(r));
  });

  it('logs in, attests, runs the checks, signs off and reaches GO', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await login(page, tokens.lead!);

    // The session cookie is HttpOnly and SameSite=Strict; the token itself is never stored in the browser.
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies[0]!.value).not.toContain(tokens.lead);

    const card = page.locator('a.env-card[data-env="production"]').first();
    await expect(card.locator('[data-verdict]').textContent()).resolves.toBe('NO-GO');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-overview.png'), fullPage: true });

    await card.click();
    await page.waitForURL(/\/checklists\/launch\?env=production/);
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('NO-GO');

    const backups = page.locator('li[data-item="operations/backups-restored-in-a-drill"]');
    await expect(backups.getAttribute('data-status')).resolves.toBe('pending');
    await backups.locator('summary', { hasText: /^Attest$/ }).click();
    await backups.getByLabel('Evidence').fill('restore drill OPS-7: row counts match');
    await backups.getByRole('button', { name: 'Attest' }).click();
    await page.waitForLoadState();
    await expect(page.locator('.notice.ok').textContent()).resolves.toContain(
      'Attested operations/backups-restored-in-a-drill',
    );
    const chip = page.locator('li[data-item="operations/backups-restored-in-a-drill"] .chip');
    await expect(chip.textContent()).resolves.toBe('pass');
    await expect(chip.evaluate((el) => getComputedStyle(el).color)).resolves.toBe(PASS_GREEN);

    const rto = page.locator('li[data-item="operations/rto"]');
    await rto.locator('summary', { hasText: /^Attest$/ }).click();
    await rto.getByLabel('Value').fill('4h');
    await rto.getByLabel('Evidence').fill('DR runbook v3');
    await rto.getByRole('button', { name: 'Attest' }).click();
    await page.waitForLoadState();
    await expect(page.locator('li[data-item="operations/rto"]').getAttribute('data-status')).resolves.toBe(
      'pass',
    );

    await page.getByRole('button', { name: 'Run checks now' }).click();
    await page.waitForLoadState();
    await expect(
      page.locator('li[data-item="operations/health-endpoint-answers"]').getAttribute('data-status'),
    ).resolves.toBe('pass');

    // A failed check shows what it observed; a windowed check shows its samples as a chart.
    const legacy = page.locator('li[data-item="operations/legacy-status-endpoint-retired"]');
    await expect(legacy.getAttribute('data-status')).resolves.toBe('fail');
    await expect(legacy.locator('.msg').textContent()).resolves.toMatch(/status == 410.*404/);
    const window = page.locator('li[data-item="operations/health-stays-green-for-an-hour"]');
    await expect(window.getAttribute('data-status')).resolves.toBe('pending');
    await expect(window.locator('svg.chart').getAttribute('aria-label')).resolves.toBe(
      'window 1h: 1 samples, 0 failed',
    );

    await page.getByRole('button', { name: 'Sign off as engineering' }).click();
    await page.waitForLoadState();
    await page.getByRole('button', { name: 'Sign off as security' }).click();
    await page.waitForLoadState();
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('GO');
    await expect(page.locator('[data-role="security"] .chip').textContent()).resolves.toBe('pass');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-checklist.png'), fullPage: true });

    // Staging is a separate gate: still NO-GO. The kept page comes as gzip (Chromium takes it) with
    // its nonce spliced in, and that nonce is the CSP's.
    const staging = await page.goto(`${server.url}/checklists/launch?env=staging`);
    expect(staging?.headers()['content-encoding']).toBe('gzip');
    // The stylesheet applies (body{margin:0}; 8px without it).
    await expect(page.evaluate(() => getComputedStyle(document.body).margin)).resolves.toBe('0px');
    await expect(page.locator('.verdict.big').textContent()).resolves.toBe('NO-GO');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-checklist-nogo.png'), fullPage: true });
    await context.close();
  });

  it('shows waivers, runs and the audit log, and verifies the chain', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await login(page, tokens.lead!);
    await page.goto(`${server.url}/checklists/launch?env=staging`);
    const health = page.locator('li[data-item="operations/health-endpoint-answers"]');
    await health.locator('summary', { hasText: /^Waive$/ }).click();
    await health.getByLabel('Reason').fill('probe host moves next week');
    await health.getByLabel('Owner').fill('sre');
    await health.getByLabel('Expires (date or days)').fill('45d');
    await health.getByRole('button', { name: 'Grant waiver' }).click();
    await page.waitForLoadState();
    // Refused: the form stays open with what was typed and the error beside it; fix the expiry only.
    await expect(health.getByRole('alert').textContent()).resolves.toContain('30 days');
    await health.getByLabel('Expires (date or days)').fill('14d');
    await health.getByRole('button', { name: 'Grant waiver' }).click();
    await page.waitForLoadState();
    await expect(health.getAttribute('data-status')).resolves.toBe('waived');

    await page.getByRole('link', { name: 'Waivers' }).click();
    await expect(page.locator('table').first().textContent()).resolves.toMatch(/in 13d 23h|in 14d/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-waivers.png'), fullPage: true });

    await page.getByRole('link', { name: 'Runs' }).click();
    await expect(page.locator('table').textContent()).resolves.toContain('api:lead');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await expect(page.locator('table').textContent()).resolves.toContain('waiver.granted');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect(page.locator('[data-audit]').getAttribute('data-audit')).resolves.toBe('intact');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-audit.png'), fullPage: true });
    await context.close();
  });

  it('shows a refused waiver’s error beside its open form, in view, keeping what was typed', async () => {
    // A short window: the item is far below the fold, where a jump to the page's top notice would lose it.
    const context = await browser.newContext({ viewport: { width: 1024, height: 500 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await login(page, tokens.lead!);
    await page.goto(`${server.url}/checklists/launch?env=staging`);
    const legacy = page.locator('li[data-item="operations/legacy-status-endpoint-retired"]');
    await legacy.locator('summary', { hasText: /^Waive$/ }).click();
    await legacy.getByLabel('Reason').fill('old clients still poll it until the app update ships');
    await legacy.getByLabel('Owner').fill('mobile-team');
    await legacy.getByLabel('Expires (date or days)').fill('45d');
    await legacy.getByRole('button', { name: 'Grant waiver' }).click();
    await page.waitForURL(/#refused-/);

    const alert = legacy.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/^Waiver refused: .*30 days/);
    // In the viewport, not scrolled away; focused, so a screen reader reads it out.
    const box = await alert.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: window.innerHeight };
    });
    expect(box.top).toBeGreaterThanOrEqual(-1); // sub-pixel rounding of a scrolled page
    expect(box.bottom).toBeLessThanOrEqual(box.height);
    await expect(alert.evaluate((el) => document.activeElement === el)).resolves.toBe(true);
    // Beside the form, which is open, with the reason, owner and expiry as typed.
    const form = legacy.locator('form[action$="/waive"]');
    await expect(form.isVisible()).resolves.toBe(true);
    const formTop = await form.evaluate((el) => el.getBoundingClientRect().top);
    expect(formTop - box.bottom).toBeGreaterThanOrEqual(0);
    expect(formTop - box.bottom).toBeLessThan(100);
    await expect(legacy.getByLabel('Reason').inputValue()).resolves.toBe(
      'old clients still poll it until the app update ships',
    );
    await expect(legacy.getByLabel('Owner').inputValue()).resolves.toBe('mobile-team');
    await expect(legacy.getByLabel('Expires (date or days)').inputValue()).resolves.toBe('45d');
    // The error is shown once, beside the form, not also in the page's top notice.
    await expect(page.locator('main > .notice').count()).resolves.toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-waiver-refused.png') });
    await context.close();
  });

  it('is readable on a phone', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await login(page, tokens.viewer!);
    await page.goto(`${server.url}/checklists/launch?env=production`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // A viewer sees the state but no forms.
    await expect(page.locator('form.act').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /Run checks now|Sign off/ }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-checklist-phone.png'), fullPage: true });
    await context.close();
  });

  it('refuses forms without the session CSRF token or from another origin, and pages without a session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await login(page, tokens.lead!);
    const form = { env: 'staging', item: 'operations/rto', evidence: 'x', value: '1h' };
    const noToken = await context.request.post(`${server.url}/checklists/launch/attest`, {
      form,
      headers: { origin: server.url },
      maxRedirects: 0,
    });
    expect(noToken.status()).toBe(403);
    const foreign = await context.request.post(`${server.url}/checklists/launch/attest`, {
      form: { ...form, _csrf: 'guess' },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(403);
    await context.close();

    const anonymous = await browser.newContext();
    const res = await anonymous.request.get(`${server.url}/waivers`, { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers().location).toBe('/login');
    await anonymous.close();
  });
});
