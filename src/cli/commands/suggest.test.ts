import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../../test-support/cli.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

const SEEDS = [
  '000-enterprise-go-live.md',
  '001-post-launch-90-day-program.md',
  '002-partner-center-go-no-go.md',
  '003-mvp-go-live.md',
  '004-production-checklist.md',
];
const seedPath = (name: string) => join(SHARED, 'seeds', name);

const dir = blockTempDir('gonogo-suggest-');

describe('gonogo suggest', () => {
  it.each(SEEDS)('proposes bindings for %s that lint with exit 0', async (name) => {
    const out = join(dir, `${name}.yaml`);
    const r = await runCli(['suggest', seedPath(name), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\d+ of \d+ items have a suggestion; \d+ are human work/m);
    const lint = await runCli(['lint', seedPath(name), '--bind', out]);
    expect(lint.code, lint.stderr).toBe(0);
  });

  it('prints to stdout without --out and refuses to replace a file unless --force', async () => {
    const seed = seedPath('004-production-checklist.md');
    const printed = await runCli(['suggest', seed]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('# backtick-command: "npm test" in line 92');
    const out = join(dir, 'existing.yaml');
    await writeFile(out, 'mine: true\n');
    const refused = await runCli(['suggest', seed, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exists; pass --force');
    expect(await readFile(out, 'utf8')).toBe('mine: true\n');
    expect((await runCli(['suggest', seed, '--out', out, '--force'])).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(printed.stdout);
  });

  it('keeps the bindings of --bind and appends proposals for the other items only', async () => {
    const seed = seedPath('000-enterprise-go-live.md');
    const mine = join(dir, 'mine.yaml');
    await writeFile(mine, '5-observability/api-health-live-200:\n  http: https://example.com/live\n');
    const out = join(dir, 'merged.yaml');
    const r = await runCli(['suggest', seed, '--bind', mine, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 already have a check');
    const merged = await readFile(out, 'utf8');
    expect(merged).toMatch(/^5-observability\/api-health-live-200:\n {2}http: https:\/\/example.com\/live\n/);
    expect(merged.match(/api-health-live-200:/g)).toHaveLength(1);
    expect((await runCli(['lint', seed, '--bind', out])).code).toBe(0);
  });

  it('gonogo lint counts the items that look automatable but have no check', async () => {
    const seed = seedPath('000-enterprise-go-live.md');
    const text = await runCli(['lint', seed]);
    // The hint wraps at the width, its continuation indented.
    expect(text.stdout.replace(/\n {2}/g, ' ')).toContain(
      `7 items look automatable but have no check: run gonogo suggest ${seed}`,
    );
    const json = JSON.parse((await runCli(['lint', seed, '--format', 'json'])).stdout);
    expect(json.automatable_unbound).toBe(7);
  });
});

describe('suggested checks on seed 000 against a local target', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // Serves what seed 000 names: the two health endpoints with 200, X-Request-Id on every response.
    server = createServer((req, res) => {
      res.setHeader('X-Request-Id', 'req-1');
      const known = ['/', '/api/health/live', '/api/health/ready'];
      res.writeHead(known.includes(req.url ?? '') ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs the suggested http and env checks, and they pass', async () => {
    const seed = seedPath('000-enterprise-go-live.md');
    const bindings = join(dir, 'suggested.yaml');
    expect((await runCli(['suggest', seed, '--out', bindings, '--force'])).code).toBe(0);
    const r = await runCli(
      ['run', seed, '--bind', bindings, '--format', 'json', '--db', join(dir, 'run.db')],
      {
        env: {
          BASE_URL: base,
          SLACK_BILLING_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
          MAINTENANCE_MODE_DEFAULT: 'false',
          RATE_LIMIT_LOGIN_PER_MIN: '10',
        },
      },
    );
    expect(r.code, r.stderr).toBe(1); // NO-GO: the human items are still pending
    const report = JSON.parse(r.stdout) as { items: { id: string; status: string; message: string }[] };
    const status = new Map(report.items.map((i) => [i.id, `${i.status} ${i.message}`]));
    for (const id of [
      '5-observability/api-health-live-200',
      '5-observability/api-health-ready-200-db-scheduler-disk-ok',
      '5-observability/x-request-id-header-response-ta',
      '2-secrets-config/slack-billing-webhook-url-prod-set',
      '2-secrets-config/maintenance-mode-default-false',
      '2-secrets-config/rate-limit-degerleri-prod-icin-ayarli',
    ]) {
      expect(status.get(id), id).toMatch(/^pass/);
    }
  });
});
