import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase, type TempDatabase } from '../src/store/test-support/pg-database.js';
import { runCli } from '../src/test-support/cli.js';
import { serviceAvailable } from '../src/test-support/services.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';
import { type ServeProcess, startServe, waitFor } from './watch-support.js';

/**
 * Three `gonogo serve` replicas on one PostgreSQL database: one leader schedules a checklist every
 * second; the leader is killed (SIGKILL, so it cannot give its lease up); another replica takes over
 * within a few seconds; every scheduled slot ran once at most, and only slots within the takeover
 * were missed. A verdict change is notified once, though three replicas watch.
 */

const pgUp = await serviceAvailable('postgres');
const TTL_MS = 2000;
const SECRET = 'replica-hook-secret-1234';

describe.skipIf(!pgUp)('several replicas on PostgreSQL', () => {
  let tmp: TempDatabase;
  const dir = blockTempDir('gonogo-replicas-');
  let hook: Server;
  const received: { body: string; signature: string }[] = [];
  const replicas: ServeProcess[] = [];

  beforeAll(async () => {
    tmp = await createTempDatabase('replicas');
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-gonogo-signature']) });
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    writeFileSync(
      join(dir, 'replicated.md'),
      `---
id: replicated
schedule: 1s
notify:
  - webhook: \${HOOK_URL}
    secret: \${HOOK_SECRET}
---
# Replicated
## Ops
- [ ] Home is set
  \`\`\`check
  env: HOME
  \`\`\`
- [ ] Runbook reviewed
`,
    );
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await new Promise((r) => hook?.close(r));
    await tmp?.drop();
  });

  const leaseHolder = async (): Promise<string | undefined> =>
    (
      await tmp.query(`select holder from leases where name = 'scheduler' and expires_at > $1`, [
        new Date().toISOString(),
      ])
    ).rows[0]?.holder;
  const runs = async (): Promise<{ started_at: string }[]> =>
    (await tmp.query(`select started_at from runs where trigger = 'scheduler' order by id`)).rows;
  const pidOf = (holder: string) => Number(holder.split(':').at(-2));

  it('runs each slot once, and another replica takes over when the leader dies', async () => {
    const port = (hook.address() as AddressInfo).port;
    const env = {
      GONOGO_WATCH_TICK: '100ms',
      GONOGO_LEASE_TTL: `${TTL_MS}ms`,
      HOOK_URL: `http://127.0.0.1:${port}/hook`,
      HOOK_SECRET: SECRET,
    };
    // The first replica migrates the schema; the others start beside it.
    replicas.push(await startServe({ dir, db: tmp.url, env }));
    replicas.push(...(await Promise.all([1, 2].map(() => startServe({ dir, db: tmp.url, env })))));

    const firstHolder = await waitFor(leaseHolder, 'a leader');
    const leader = replicas.find((r) => r.pid === pidOf(firstHolder))!;
    expect(leader).toBeDefined();
    await waitFor(async () => ((await runs()).length >= 3 ? true : undefined), 'three scheduled runs');

    await leader.kill();
    const killedAt = Date.now();
    const nextHolder = await waitFor(async () => {
      const h = await leaseHolder();
      return h && h !== firstHolder ? h : undefined;
    }, 'a new leader');
    const resumed = await waitFor(async () => {
      const after = (await runs()).filter((r) => Date.parse(r.started_at) > killedAt);
      return after.length >= 3 ? after : undefined;
    }, 'runs from the new leader');
    // How fast the takeover is (about the lease TTL) depends on the machine: bench/, not here.
    expect(resumed.length).toBeGreaterThanOrEqual(3);
    expect(replicas.some((r) => r !== leader && r.pid === pidOf(nextHolder))).toBe(true);

    // A verdict change after the failover is announced once, by whoever leads.
    const attest = await runCli(
      [
        'attest',
        join(dir, 'replicated.md'),
        'ops/runbook-reviewed',
        '--evidence',
        'reviewed in INC-42',
        '--by',
        'ana',
        '--db',
        tmp.url,
      ],
      { cwd: dir },
    );
    expect(attest.stderr).toBe('');
    expect(attest.code).toBe(0);
    const changed = await waitFor(
      () => received.find((r) => (JSON.parse(r.body) as { event: string }).event === 'verdict.changed'),
      'the verdict.changed webhook',
    );
    expect(JSON.parse(changed.body)).toMatchObject({
      checklist: 'replicated',
      verdict: 'GO',
      previous: 'NO-GO',
    });
    expect(changed.signature).toBe(
      `sha256=${createHmac('sha256', SECRET).update(changed.body).digest('hex')}`,
    );

    const survivors = replicas.filter((r) => r !== leader);
    await Promise.all(survivors.map((r) => r.stop()));

    const allRuns = await runs();
    const slots: number[] = (
      await tmp.query(`select slot from scheduled_slots where what = 'run' order by slot`)
    ).rows.map((r: { slot: string }) => Date.parse(r.slot));
    // Never two runs for one slot, even around the takeover: a run starts only after its replica claimed
    // the slot, and a slot can be claimed once. A slot may end without a run when its replica is killed
    // (or stopped) while running it; at most one per replica, whatever the timing.
    expect(new Set(slots).size).toBe(slots.length);
    expect(allRuns.length).toBeLessThanOrEqual(slots.length);
    expect(slots.length - allRuns.length).toBeLessThanOrEqual(replicas.length);
    // Runs fall on the schedule's slots, before the failover and after it. (Which slots a busy machine
    // skips is timing, not behaviour: a late tick runs the current slot, never a backlog.)
    expect(slots.every((s) => s % 1000 === 0)).toBe(true);
    expect(slots.some((s) => s < killedAt)).toBe(true);
    expect(slots.filter((s) => s > killedAt).length).toBeGreaterThanOrEqual(2);
    // Three replicas watched; the change was delivered once.
    expect(
      received.filter((r) => (JSON.parse(r.body) as { event: string }).event === 'verdict.changed'),
    ).toHaveLength(1);
  });
});
