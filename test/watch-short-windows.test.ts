import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * A short schedule and a sub-second `every` (schedule 1s; hold 4s, every 250ms), with the watch loop at
 * its default 1 s tick: the window must still complete, the webhook must announce GO after the hold,
 * then NO-GO when the target starts failing. Waits on conditions with generous deadlines.
 */

const SECRET = 'short-window-secret';
const dir = blockTempDir('gonogo-short-windows-');
let store: Store;
let server: RunningServer;
let target: Server;
let hook: Server;
let healthy = true;
const received: { body: string; signature: string | undefined }[] = [];

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const verdictChanges = () =>
  received
    .map((r) => JSON.parse(r.body) as { event: string; verdict: string; previous: string })
    .filter((e) => e.event === 'verdict.changed');

beforeAll(async () => {
  target = createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 500).end();
  });
  const targetUrl = await listen(target);
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-gonogo-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  const hookUrl = await listen(hook);
  await writeFile(
    join(dir, 'fast.md'),
    `---
id: fast
schedule: 1s
notify:
  - webhook: ${hookUrl}/hook
    secret: \${HOOK_SECRET}
---
# Fast
## Health
- [ ] API stays healthy
  \`\`\`check
  http: ${targetUrl}/health
  hold: 4s
  every: 250ms
  timeout: 2s
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
});

afterAll(async () => {
  await server?.close();
  await Promise.all([target, hook].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
});

describe('a short schedule with a sub-second every', () => {
  it('completes the window, announces GO after the hold, and NO-GO when the target flaps', async () => {
    const go = await waitFor('verdict.changed to GO', () => verdictChanges().find((e) => e.verdict === 'GO'));
    expect(go).toMatchObject({ verdict: 'GO', previous: 'NO-GO' });
    const signed = received.find((r) => r.body.includes('"verdict":"GO"'))!;
    expect(signed.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(signed.body).digest('hex')}`);

    // The samples behind the GO follow `every`, not the schedule or the loop's tick.
    const samples = await store.listSamples(
      'fast',
      'default',
      'health/api-stays-healthy',
      new Date(0).toISOString(),
    );
    const times = samples.map((s) => Date.parse(s.at)).sort((a, b) => a - b);
    // More samples than one per scheduled run could give, spanning the hold before GO was announced.
    expect(times.length).toBeGreaterThan(4000 / 1000 + 2);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(4000 - 250);

    healthy = false;
    const nogo = await waitFor('verdict.changed to NO-GO', () =>
      verdictChanges().find((e) => e.verdict === 'NO-GO' && e.previous === 'GO'),
    );
    expect(nogo).toMatchObject({ verdict: 'NO-GO', previous: 'GO' });
  }, 180_000);
});
