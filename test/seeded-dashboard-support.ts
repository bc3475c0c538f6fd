import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ROOT } from '../src/test-support/cli.js';
import { type InProcessServer, startInProcess } from './server-support.js';

/**
 * The set-up of the browser tests of the seeded dashboard (test/dashboard-a11y.browser.test.ts,
 * test/dashboard-steering.browser.test.ts): seeds 000, 001, 003 and 004 plus a small checklist that is GO,
 * with a run, an attestation, a waiver, a sign-off and a runner that called in, served to headless Chromium.
 */

const CHROMIUM = '/usr/bin/chromium';
/** The tests are skipped on a machine without Chromium. */
export const haveChromium = existsSync(CHROMIUM);
/** Where the tests leave their screenshots. */
export const ARTIFACTS = join(ROOT, 'artifacts');
const SEEDS = join(ROOT, 'test/shared/seeds');
// biome-ignore lint/suspicious/noExplicitAny: API answers of many shapes, read field by field
export type Json = any;

export const SEED_004 = '/checklists/004-production-checklist';
export const SEED_003 = '/checklists/003-mvp-go-live';

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

/** The served dashboard and the browser, once started. */
export interface SeededDashboard {
  readonly url: string;
  readonly browser: Browser;
  /** The run made on seed 003 at the start. */
  readonly runId: number;
  /** A call to the API as the lead (an approver who signs off engineering). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }>;
  /** A new browser context at 1280×900 (or as `options` say), logged in as the lead, on the home page. */
  open(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * Start the seeded dashboard and Chromium before the enclosing file's tests, and stop them after.
 * @example const dash = useSeededDashboard(); it('…', async () => { const page = await dash.open(); });
 */
export function useSeededDashboard(): SeededDashboard {
  let running: InProcessServer | undefined;
  let browser: Browser | undefined;
  let runId = 0;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the seeded dashboard is not started (no Chromium?)');
    return value;
  };

  const dash: SeededDashboard = {
    get url() {
      return started(running).server.url;
    },
    get browser() {
      return started(browser);
    },
    get runId() {
      return runId;
    },
    async api(method, path, body) {
      const res = await fetch(`${dash.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${started(running).tokens.lead}`,
          'content-type': 'application/json',
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: await res.json() };
    },
    async open(options = {}) {
      const context = await dash.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${dash.url}/login`);
      await page.getByLabel('Token').fill(started(running).tokens.lead!);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${dash.url}/`);
      return page;
    },
  };

  beforeAll(async () => {
    if (!haveChromium) return;
    await mkdir(ARTIFACTS, { recursive: true });
    const files: Record<string, string> = { 'go-launch.md': GO_LAUNCH };
    for (const seed of [
      '000-enterprise-go-live.md',
      '001-post-launch-90-day-program.md',
      '003-mvp-go-live.md',
      '004-production-checklist.md',
    ])
      files[seed] = await readFile(join(SEEDS, seed), 'utf8');
    running = await startInProcess({
      prefix: 'gonogo-a11y-',
      files,
      tokens: [
        { name: 'lead', role: 'approver', signoffRoles: ['engineering'] },
        { name: 'vpc', role: 'runner', labels: ['prod-vpc'] },
      ],
      now: () => new Date(),
    });
    // A runner calls in (the SQLite store has no queue: 503, yet the Runners page lists it).
    await fetch(`${dash.url}/api/v1/runner/jobs:claim`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${running.tokens.vpc}`,
        'content-type': 'application/json',
        'x-gonogo-runner': 'vpc-1',
      },
      body: JSON.stringify({ labels: ['prod-vpc'], wait: 0 }),
    });
    // State for every page to show: a run, attestations, waivers, sign-offs, audit events.
    const run = await dash.api('POST', '/checklists/003-mvp-go-live/runs', {});
    runId = run.json.run;
    expect(
      (
        await dash.api('POST', '/checklists/go-launch/attestations', {
          item: 'ops/backups-restored',
          evidence: 'drill',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await dash.api('POST', '/checklists/go-launch/waivers', {
          item: 'ops/pager-rota-set',
          reason: 'rota starts Monday',
          owner: 'sre',
          expires: '7d',
        })
      ).status,
    ).toBe(201);
    expect((await dash.api('POST', '/checklists/go-launch/signoffs', { role: 'engineering' })).status).toBe(
      201,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      timeout: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });
  return dash;
}
