import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import { binaryAvailable, waitFor } from '../src/checks/test-support/binaries.js';
import {
  PROMETHEUS,
  type RunningPrometheus,
  startPrometheus,
} from '../src/checks/test-support/prometheus.js';
import { type Running, startHttpServer } from '../src/checks/test-support/servers.js';
import type { Store } from '../src/engine/store.js';
import { silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { ROOT } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * gonogo as a Prometheus target, checked with the ecosystem's own tools: `promtool check metrics` on a
 * real scrape, `promtool check rules` / `test rules` on the shipped alert rules, and a real Prometheus
 * scraping a running service and answering queries about its scheduler, samples and notifications.
 */

const PROMTOOL = '/usr/bin/promtool';
const RULES = join(ROOT, 'deploy/prometheus/gonogo-rules.yaml');
const RULE_TESTS = join(ROOT, 'deploy/prometheus/gonogo-rules.test.yaml');
const haveProm = await binaryAvailable(PROMETHEUS, 'prometheus');
const havePromtool = await binaryAvailable(PROMTOOL, 'prometheus');

function promtool(args: string[], stdin?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(stdin ?? '');
  });
}

describe.skipIf(!havePromtool)('the shipped alert rules', () => {
  it('pass promtool check rules', async () => {
    const r = await promtool(['check', 'rules', RULES]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('fire as their unit tests expect (leader missing, backlog, NO-GO, audit verify)', async () => {
    const r = await promtool(['test', 'rules', RULE_TESTS]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});

describe.skipIf(!haveProm || !havePromtool)('a running service scraped by Prometheus', () => {
  const dir = blockTempDir('gonogo-metrics-');
  let store: Store;
  let server: RunningServer;
  let target: Running;
  let hook: Running;
  let prometheus: RunningPrometheus | undefined;
  let hookCalls = 0;
  const SECRET = 'metrics-hook-secret';

  beforeAll(async () => {
    target = await startHttpServer((_req, res) => res.writeHead(200).end());
    // The receiver fails its first call, so a retry is counted before the delivery succeeds.
    hook = await startHttpServer((req, res) => {
      req.resume().on('end', () => {
        hookCalls += 1;
        res.writeHead(hookCalls === 1 ? 503 : 204).end();
      });
    });
    await writeFile(
      join(dir, 'metered.md'),
      `---
id: metered
schedule: 1s
notify:
  - webhook: ${hook.url}/hook
    secret: \${HOOK_SECRET}
---
# Metered
## Health
- [ ] API stays healthy
  \`\`\`check
  http: ${target.url}/health
  hold: 2s
  every: 250ms
  \`\`\`
`,
    );
    store = await openStore(join(dir, 'gonogo.db'));
    server = await startServer(
      { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
      {
        io: {
          stdout: process.stdout,
          stderr: process.stderr,
          isTTY: false,
          env: { HOOK_SECRET: SECRET, GONOGO_NOTIFY_RETRY_DELAY: '100ms' },
          cwd: dir,
        },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date(),
      },
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
    await Promise.all([target?.close(), hook?.close()]);
  });

  const scrape = async () => (await fetch(`${server.url}/metrics`)).text();

  it('exposes a scrape promtool accepts, with Node, process and gonogo series', async () => {
    // A run, samples and a delivered webhook (after one retry) have happened, and the window has held: on a
    // loaded machine the first delivery can come while the window is still pending (NO-GO), so the scrape
    // waits for the GO it asserts below as well.
    await waitFor(
      'a delivered webhook and the window held (GO)',
      async () => {
        const text = await scrape();
        return /gonogo_notification_deliveries_total\{[^}]*outcome="delivered"[^}]*\} [1-9]/.test(text) &&
          text.includes('gonogo_verdict{checklist="metered",environment="default"} 1')
          ? true
          : undefined;
      },
      60_000,
    );
    const text = await scrape();
    const lint = await promtool(['check', 'metrics'], text);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
    for (const series of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds_bucket',
      'nodejs_active_handles{type=',
      'gonogo_scheduler_leader{holder=',
      'gonogo_scheduler_lease_renewals_total',
      'gonogo_scheduler_slots_total{what="run",outcome="run"}',
      'gonogo_samples_total{checklist="metered",environment="default",result="pass"}',
      'gonogo_windows{checklist="metered",environment="default",state=',
      'gonogo_notification_retries_total{event="verdict.changed",target_kind="webhook"} 1',
      'gonogo_notification_oldest_undelivered_age_seconds',
      'gonogo_audit_head_seq',
      'gonogo_audit_append_duration_seconds_bucket',
      'gonogo_audit_verify_ok 1',
      'gonogo_parse_cache_total{result=',
      'gonogo_verdict{checklist="metered",environment="default"} 1',
      'gonogo_windows{checklist="metered",environment="default",state="pass"} 1',
    ]) {
      expect(text).toContain(series);
    }
    // Item ids never become labels.
    expect(text).not.toContain('api-stays-healthy');
  }, 90_000);

  it('answers PromQL about the scheduler, samples, deliveries and the audit chain', async () => {
    prometheus = await startPrometheus({ scrape: [new URL(server.url).host] });
    const query = async (q: string) => {
      const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
      const v = body.data?.result?.[0]?.value[1];
      return v === undefined ? undefined : Number(v);
    };
    const expectations: [string, (v: number) => boolean][] = [
      ['sum(gonogo_scheduler_leader{job="gonogo"})', (v) => v === 1],
      ['sum(gonogo_samples_total{job="gonogo",checklist="metered"})', (v) => v > 0],
      ['sum(gonogo_runs_total{job="gonogo",checklist="metered",trigger="scheduler"})', (v) => v > 0],
      ['sum(gonogo_notification_deliveries_total{job="gonogo",outcome="delivered"})', (v) => v >= 1],
      ['gonogo_audit_head_seq{job="gonogo"}', (v) => v > 0],
      ['gonogo_audit_verify_ok{job="gonogo"}', (v) => v === 1],
      ['process_resident_memory_bytes{job="gonogo"}', (v) => v > 0],
    ];
    for (const [q, ok] of expectations) {
      const v = await waitFor(
        q,
        async () => {
          const value = await query(q);
          return value !== undefined && ok(value) ? value : undefined;
        },
        60_000,
      );
      expect(ok(v)).toBe(true);
    }
  }, 120_000);
});
