// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the notify placeholder syntax under test
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../engine/events.js';
import type { Store } from '../../engine/store.js';
import type { Checklist } from '../../model/checklist.js';
import { perBlock, postgresBackend, sqliteBackend } from '../../store/test-support/backends.js';
import type { Logger } from '../logger.js';
import {
  type DeliveryOptions,
  deliveriesFor,
  Notifier,
  resolveTargets,
  signBody,
  slackMessage,
} from './notifier.js';

/**
 * A local webhook receiver: answers with the scripted codes in turn (then 200; 0 never answers), records
 * every request.
 */
interface Receiver {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders; body: string }[];
  codes: number[];
  close(): Promise<void>;
}

async function startReceiver(codes: number[] = []): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const code = codes.shift() ?? 200;
      if (code === 0) return;
      res.statusCode = code;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    codes,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Poll until `check` holds (bounded), driving `step` between polls. */
async function until(
  check: () => boolean | Promise<boolean>,
  step: () => Promise<unknown>,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await step();
    await new Promise((r) => setTimeout(r, 10));
  }
}

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (msg: string, f?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, msg, ...f }));
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/** What Node 20 keeps in `signal` per AbortSignal.any() made from it, never pruned (0 where there is none). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  return key ? ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[key]?.size ?? 0) : 0;
}

const SECRET = 'whsec-test-0123456789abcdef';
const SLACK_TOKEN_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

const event = (id: string, extra: Partial<WatchEvent> = {}): WatchEvent => ({
  id,
  event: 'verdict.changed',
  checklist: 'launch',
  name: 'Launch',
  environment: 'production',
  verdict: 'NO-GO',
  previous: 'GO',
  reasons: ['fail: ops/api: API health — status == 200, got 503'],
  at: '2026-03-01T10:00:00.000Z',
  items: [{ id: 'ops/api', title: 'API health', status: 'fail', message: 'got 503', due: null, owner: null }],
  ...extra,
});

function checklistFor(notify: Checklist['notify']): Checklist {
  return {
    id: 'launch',
    name: 'Launch',
    digest: 'sha256:1',
    environments: {},
    policy: { waiver_max_days: 30, signoffs: [] },
    notify,
    sections: [],
    items: [],
    signoffs: [],
    warnings: [],
  };
}

const verifies = (body: string, header: string | string[] | undefined) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
  const got = Buffer.from(String(header));
  return got.length === expected.length && timingSafeEqual(got, expected);
};

describe('resolveTargets', () => {
  it.each([
    [
      { webhook: '${HOOK_URL}', secret: '${HOOK_SECRET}' },
      { HOOK_URL: 'https://hooks.example.com/x', HOOK_SECRET: 's' },
      'webhook hooks.example.com',
      undefined,
    ],
    [{ slack: 'https://hooks.slack.com/services/T/B/C' }, {}, 'slack hooks.slack.com', undefined],
    [{ webhook: '${MISSING}', secret: 's' }, {}, undefined, /notify\[0\]\.webhook: \$\{MISSING\} is not set/],
    [
      { webhook: 'https://hooks.example.com/x' },
      {},
      undefined,
      /notify\[0\]\.secret: a webhook needs a secret/,
    ],
    [{ slack: 'ftp://example.com' }, {}, undefined, /notify\[0\]\.slack: not an http\(s\) URL/],
    [{}, {}, undefined, /notify\[0\]: give either slack/],
  ])('%j', (target, env, label, problem) => {
    const { targets, problems } = resolveTargets(checklistFor([target]), env);
    expect(targets.map((t) => t.label)).toEqual(label ? [label] : []);
    if (problem) expect(problems.join('\n')).toMatch(problem);
    else expect(problems).toEqual([]);
    // The key names the target without revealing its URL.
    for (const t of targets) expect(t.key).toMatch(/^(slack|webhook):[0-9a-f]{16}$/);
  });
});

describe('slackMessage', () => {
  it('is a Block Kit message: verdict header, reasons as bullets, a link to the dashboard', () => {
    const msg = slackMessage(event('e1'), 'https://gonogo.example.com/');
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(msg.blocks[0]!.text!.text).toBe('⛔ Launch (production): NO-GO — verdict changed');
    expect(msg.blocks[1]!.text!.text).toBe('• fail: ops/api: API health — status == 200, got 503');
    expect(JSON.stringify(msg.blocks)).toContain('was GO');
    expect(msg.blocks.at(-1)!.elements![0]!.url).toBe(
      'https://gonogo.example.com/checklists/launch?env=production',
    );
  });

  it('carries the audit head in every payload and in the Slack context line', () => {
    const head = { seq: 812, hash: 'ab'.repeat(32) };
    const { targets } = resolveTargets(
      checklistFor([{ slack: 'https://hooks.slack.com/services/T/B/C' }]),
      {},
    );
    const [d] = deliveriesFor([event('e1')], targets, head);
    expect(JSON.parse(d!.payload).audit).toEqual(head);
    const msg = slackMessage(JSON.parse(d!.payload));
    expect(JSON.stringify(msg.blocks.at(-1))).toContain(`audit head 812:${head.hash}`);
  });

  it('has no link without a public URL, and caps long reason lists', () => {
    const reasons = Array.from({ length: 40 }, (_, i) => `pending: item ${i}`);
    const msg = slackMessage(event('e1', { reasons }));
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(msg.blocks[1]!.text!.text).toContain('…and 25 more');
  });
});

describe('delivery on SQLite', () => {
  const shared = perBlock(sqliteBackend.make);
  let store: Store;
  let receiver: Receiver;
  beforeAll(async () => {
    ({ store } = await shared.store('notify'));
  });
  afterEach(async () => receiver?.close());

  async function queue(checklist: Checklist, env: Record<string, string>, events: WatchEvent[], key: string) {
    const { targets } = resolveTargets(checklist, env);
    const ok = await store.commitWatchState(key, '{}', 0, deliveriesFor(events, targets), new Date());
    expect(ok).toBe(true);
  }

  /**
   * One signed webhook on a fresh receiver answering `codes`, the events `ids` queued for it under `key`,
   * and a notifier with `opts` to send them.
   */
  async function webhookQueued(codes: number[], ids: string[], key: string, opts: Partial<DeliveryOptions>) {
    receiver = await startReceiver(codes);
    const env = { HOOK: `${receiver.url}/hook`, S: SECRET };
    const checklist = checklistFor([{ webhook: '${HOOK}', secret: '${S}' }]);
    await queue(
      checklist,
      env,
      ids.map((id) => event(id)),
      key,
    );
    return new Notifier({ store, checklist: () => checklist, env, logger: capture() }, opts);
  }

  it('signs the webhook body, retries after a 500, and logs neither the secret nor the URL', async () => {
    receiver = await startReceiver([500]);
    const env = { HOOK_URL: `${receiver.url}/hook?token=tok-very-secret-123`, HOOK_SECRET: SECRET };
    const checklist = checklistFor([{ webhook: '${HOOK_URL}', secret: '${HOOK_SECRET}' }]);
    await queue(checklist, env, [event('ev-retry')], 'k-retry');
    const logger = capture();
    const notifier = new Notifier({ store, checklist: () => checklist, env, logger }, { baseDelayMs: 50 });

    await until(
      async () =>
        (await store.listDeliveries({ checklist: 'launch' })).some(
          (d) => d.eventId === 'ev-retry' && d.status === 'delivered',
        ),
      () => notifier.deliverDue(),
    );
    expect(receiver.requests).toHaveLength(2);
    for (const r of receiver.requests) {
      expect(verifies(r.body, r.headers['x-gonogo-signature'])).toBe(true);
      expect(r.headers['x-gonogo-event']).toBe('verdict.changed');
    }
    expect(JSON.parse(receiver.requests[1]!.body)).toMatchObject({
      event: 'verdict.changed',
      checklist: 'launch',
      environment: 'production',
      verdict: 'NO-GO',
      previous: 'GO',
      reasons: [expect.stringContaining('ops/api')],
      at: '2026-03-01T10:00:00.000Z',
    });
    const row = (await store.listDeliveries({ checklist: 'launch' })).find((d) => d.eventId === 'ev-retry')!;
    expect(row).toMatchObject({
      status: 'delivered',
      attempts: 2,
      responseCode: 200,
      targetLabel: expect.stringMatching(/^webhook 127\.0\.0\.1:\d+$/),
    });
    const logs = logger.lines.join('\n');
    expect(logs).toContain('will retry');
    expect(logs).not.toContain('tok-very-secret-123');
    expect(logs).not.toContain(SECRET);
    expect(JSON.stringify(await store.listDeliveries())).not.toContain('tok-very-secret-123');
  });

  it('a signature made with another secret does not verify', () => {
    const body = JSON.stringify(event('x'));
    expect(verifies(body, signBody(body, SECRET))).toBe(true);
    expect(verifies(body, signBody(body, 'other'))).toBe(false);
    expect(verifies(`${body} `, signBody(body, SECRET))).toBe(false);
  });

  it('gives up after the last attempt and records why; a 404 is not retried', async () => {
    receiver = await startReceiver([503, 503, 503, 404]);
    const env = { A: `${receiver.url}/a`, B: `${receiver.url}/b`, S: SECRET };
    const checklist = checklistFor([
      { webhook: '${A}', secret: '${S}', events: ['verdict.changed'] },
      { webhook: '${B}', secret: '${S}', events: ['item.overdue'] },
    ]);
    await queue(checklist, env, [event('ev-fail')], 'k-fail');
    const notifier = new Notifier(
      { store, checklist: () => checklist, env, logger: capture() },
      { baseDelayMs: 20, maxAttempts: 3 },
    );
    await until(
      async () =>
        (await store.listDeliveries()).some((d) => d.eventId === 'ev-fail' && d.status === 'failed'),
      () => notifier.deliverDue(),
    );
    // Only the target subscribed to verdict.changed got it.
    expect(receiver.requests.map((r) => r.path)).toEqual(['/a', '/a', '/a']);
    const row = (await store.listDeliveries()).find((d) => d.eventId === 'ev-fail')!;
    expect(row).toMatchObject({ attempts: 3, lastError: 'HTTP 503', responseCode: 503 });

    await queue(checklist, env, [event('ev-404')], 'k-404');
    await until(
      async () => (await store.listDeliveries()).some((d) => d.eventId === 'ev-404' && d.status === 'failed'),
      () => notifier.deliverDue(),
    );
    expect((await store.listDeliveries()).find((d) => d.eventId === 'ev-404')).toMatchObject({
      attempts: 1,
      responseCode: 404,
    });
  });

  it('ends an attempt that gets no answer at the timeout, and says so', async () => {
    const notifier = await webhookQueued([0], ['ev-silent'], 'k-silent', { timeoutMs: 300, maxAttempts: 1 });
    expect(await notifier.deliverDue()).toBe(1);
    expect((await store.listDeliveries()).find((d) => d.eventId === 'ev-silent')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'no answer within 300ms',
    });
  });

  it("stops a delivery in flight when the watch loop stops, with the loop's reason", async () => {
    const notifier = await webhookQueued([0], ['ev-stopped'], 'k-stopped', {
      timeoutMs: 60_000,
      maxAttempts: 1,
    });
    const loop = new AbortController();
    const sending = notifier.deliverDue(loop.signal);
    await until(
      () => receiver.requests.length === 1,
      async () => {},
    );
    loop.abort(new Error('the watch loop stopped'));
    expect(await sending).toBe(1);
    expect((await store.listDeliveries()).find((d) => d.eventId === 'ev-stopped')).toMatchObject({
      status: 'failed',
      lastError: 'Error: the watch loop stopped',
    });
  });

  it("keeps nothing per delivery on the watch loop's signal, which lives as long as the server", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `ev-loop-${i}`);
    const notifier = await webhookQueued([], ids, 'k-loop', {});
    const loop = new AbortController();
    expect(await notifier.deliverDue(loop.signal)).toBe(12);
    expect(receiver.requests).toHaveLength(12);
    expect(getEventListeners(loop.signal, 'abort')).toHaveLength(0);
    expect(dependants(loop.signal)).toBe(0);
  });

  it('posts Block Kit to Slack', async () => {
    receiver = await startReceiver();
    const env = { SLACK_WEBHOOK_URL: `${receiver.url}${SLACK_TOKEN_PATH}` };
    const checklist = checklistFor([{ slack: '${SLACK_WEBHOOK_URL}' }]);
    await queue(checklist, env, [event('ev-slack')], 'k-slack');
    const notifier = new Notifier(
      { store, checklist: () => checklist, env, logger: capture() },
      { dashboardUrl: 'https://g.example.com' },
    );
    await until(
      () => receiver.requests.length === 1,
      () => notifier.deliverDue(),
    );
    const body = JSON.parse(receiver.requests[0]!.body) as { blocks: { type: string }[] };
    expect(receiver.requests[0]!.path).toBe(SLACK_TOKEN_PATH);
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
  });

  it('escapes user text for Slack mrkdwn: no mention, no disguised link, no bidi override', async () => {
    receiver = await startReceiver();
    const env = { SLACK_WEBHOOK_URL: `${receiver.url}${SLACK_TOKEN_PATH}` };
    const checklist = checklistFor([{ slack: '${SLACK_WEBHOOK_URL}' }]);
    const hostile = '<!channel> & <https://evil.example|Click to approve> \u202Efdp.exe';
    const e = event('ev-hostile', {
      name: `Launch ${hostile}`,
      environment: 'prod<!here>',
      reasons: [`fail: ops/api: ${hostile}`],
    });
    await queue(checklist, env, [e], 'k-slack-hostile');
    const notifier = new Notifier({ store, checklist: () => checklist, env, logger: capture() }, {});
    await until(
      () => receiver.requests.length === 1,
      () => notifier.deliverDue(),
    );
    const body = JSON.parse(receiver.requests[0]!.body) as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
    };
    const mrkdwn = [
      body.text,
      ...body.blocks.flatMap((b) => [
        ...(b.text?.type === 'mrkdwn' ? [b.text.text] : []),
        ...(b.type === 'context' ? (b.elements ?? []).map((el) => el.text) : []),
      ]),
    ];
    expect(mrkdwn.length).toBeGreaterThanOrEqual(3);
    for (const text of mrkdwn) {
      // Slack reads `<...>` as a mention or a link and `&` as an entity: only the escaped forms are inert.
      expect(text).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
      expect(text).not.toContain('\u202E');
    }
    expect(body.text).toContain(
      'Launch &lt;!channel&gt; &amp; &lt;https://evil.example|Click to approve&gt;',
    );
    expect(body.blocks[1]!.text!.text).toContain(
      '&lt;https://evil.example|Click to approve&gt; \\u202efdp.exe',
    );
    expect(body.blocks[2]!.elements![0]!.text).toContain('prod&lt;!here&gt;');
  });
});

const pg = await postgresBackend();

describe.skipIf(!pg.available)('delivery with two replicas on PostgreSQL', () => {
  const shared = perBlock(pg.make);
  let a: Store;
  let b: Store;
  let receiver: Receiver;
  beforeAll(async () => {
    const made = await shared.store('notify');
    a = made.store;
    b = await shared.open(made.backend);
  });
  // Runs before the stores close (after-hooks run last registered first).
  afterAll(async () => receiver?.close());

  it('queues and delivers each event once, though both replicas derive and send it', async () => {
    receiver = await startReceiver([500]);
    const env = { HOOK: `${receiver.url}/hook`, S: SECRET };
    const checklist = checklistFor([{ webhook: '${HOOK}', secret: '${S}' }]);
    const { targets } = resolveTargets(checklist, env);
    const events = ['e1', 'e2', 'e3', 'e4', 'e5'].map((id) => event(id));
    // Both replicas read version 0 and try to commit the same events: one wins, the other queues nothing.
    const commits = await Promise.all(
      [a, b].map((s) =>
        s.commitWatchState('notify/launch/production', '{}', 0, deliveriesFor(events, targets), new Date()),
      ),
    );
    expect(commits.filter(Boolean)).toHaveLength(1);
    // A later writer that re-derives the same events (same ids) adds no second delivery.
    await a.commitWatchState(
      'notify/launch/production',
      '{"v":2}',
      1,
      deliveriesFor(events, targets),
      new Date(),
    );

    const notifiers = [a, b].map(
      (s) =>
        new Notifier({ store: s, checklist: () => checklist, env, logger: capture() }, { baseDelayMs: 20 }),
    );
    await until(
      async () => (await a.listDeliveries()).every((d) => d.status === 'delivered'),
      () => Promise.all(notifiers.map((n) => n.deliverDue())),
    );
    const delivered = receiver.requests
      .filter((_, i) => i > 0)
      .map((r) => (JSON.parse(r.body) as WatchEvent).id);
    expect(delivered.sort()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    // One 500, retried once: six requests for five events, never a duplicate delivery.
    expect(receiver.requests).toHaveLength(6);
  });
});
