import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  perBlock,
  perTest,
  postgresBackend,
  sqliteBackend,
} from '../../store/test-support/backends.js';
import { runCli } from '../../test-support/cli.js';
import {
  createToken,
  type Spawned,
  startRunner,
  startServe,
  stop,
  until,
} from '../../test-support/runner-env.js';

/**
 * Runners in private networks, end to end: a real `gonogo serve` on a fresh PostgreSQL database, real
 * `gonogo runner` processes, and `gonogo run --db postgres://…` waiting for their answers.
 */

const pg = await postgresBackend();

interface Report {
  items: { id: string; status: string; message?: string; observed?: Record<string, unknown> }[];
}

const check = (title: string, body: string) =>
  `- [ ] ${title}\n  \`\`\`check\n${body
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n  \`\`\`\n`;

describe.skipIf(!pg.available)('gonogo runner with gonogo serve on PostgreSQL', () => {
  // The database and dir, dropped and removed after the runners and server below have stopped.
  const shared = perBlock(pg.make);
  let db: Backend;
  let dir: string;
  let server: Spawned & { url: string };
  const runners: Spawned[] = [];
  let tokenAB: string;

  const run = async (file: string, env: Record<string, string | undefined> = {}): Promise<Report> => {
    const r = await runCli(['run', file, '--format', 'json'], {
      cwd: dir,
      env: { GONOGO_DB: db.url, ...env },
      timeoutMs: 240_000,
    });
    if (r.code !== 0 && r.code !== 1) throw new Error(`run ${file} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Report;
  };

  beforeAll(async () => {
    db = await shared.backend('runners');
    dir = db.dir;
    await writeFile(
      join(dir, 'env.md'),
      `# Env\n## Private\n${check('Secret set on the runner', 'env: RUNNER_ONLY_SECRET\nrunner: a\ntimeout: 60s')}${check('Secret set here', 'env: RUNNER_ONLY_SECRET')}${check('Runner token hidden from checks', 'env: GONOGO_RUNNER_TOKEN\nrunner: a\ntimeout: 60s')}`,
    );
    await writeFile(
      join(dir, 'nobody.md'),
      `# Nobody\n## Private\n${check('Unreachable', 'tcp: db.internal:5432\nrunner: nobody\ntimeout: 2s')}`,
    );
    const items = Array.from({ length: 200 }, (_, i) =>
      check(`Job ${i}`, `command: echo job-${i} >> ${join(dir, 'executions.log')}\nrunner: b\ntimeout: 120s`),
    );
    await writeFile(join(dir, 'many.md'), `# Many\n## Jobs\n${items.join('')}`);
    const script = `if [ -f ${join(dir, 'taken')} ]; then echo second; else touch ${join(dir, 'taken')}; sleep 60; fi`;
    await writeFile(
      join(dir, 'kill.md'),
      `# Kill\n## Jobs\n${check('Survives a dead runner', `command: ${JSON.stringify(script)}\nrunner: c\ntimeout: 10s`)}`,
    );
    const slow = `touch ${join(dir, 'started')}; sleep 3; echo finished`;
    await writeFile(
      join(dir, 'graceful.md'),
      `# Graceful\n## Jobs\n${check('Finished on SIGTERM', `command: ${JSON.stringify(slow)}\nrunner: d\ntimeout: 60s`)}`,
    );
    server = await startServe(dir, db.url);
    tokenAB = await createToken(dir, db.url, ['--name', 'runner-ab', '--role', 'runner', '--labels', 'a,b']);
  }, 120_000);

  afterAll(async () => {
    for (const r of runners) await stop(r);
    await stop(server);
  }, 60_000);

  it('observes an env variable set only in the runner’s environment, and judges it on the server', async () => {
    // The token from GONOGO_RUNNER_TOKEN, not `--token` (which `ps` would show).
    const r = await startRunner(dir, {
      url: server.url,
      labels: 'a',
      name: 'env-runner',
      env: { RUNNER_ONLY_SECRET: 'opensesame-123456', GONOGO_RUNNER_TOKEN: tokenAB },
    });
    runners.push(r);
    const report = await run('env.md', { RUNNER_ONLY_SECRET: undefined });
    const [viaRunner, here, ownToken] = report.items;
    expect(viaRunner!.status).toBe('pass');
    expect(viaRunner!.observed).toMatchObject({ set: true, length: 17 });
    expect(here!.status).toBe('fail');
    // The runner's own token is not in the environment its checks see.
    expect(ownToken!.status).toBe('fail');
    expect(ownToken!.observed).toMatchObject({ set: false });
    expect(JSON.stringify(report)).not.toContain('opensesame');
    await stop(r);
    // The token is never printed: not by the runner, not in the server's log lines.
    expect(r.output()).toContain('taking jobs');
    expect(r.output()).not.toContain(tokenAB);
    expect(server.output()).not.toContain(tokenAB);
  }, 240_000);

  it('says no runner with the label answered within the timeout when none is up', async () => {
    const report = await run('nobody.md');
    expect(report.items[0]!.status).toBe('error');
    expect(report.items[0]!.message).toContain('no runner with label nobody answered within 2s');
  }, 120_000);

  it('has two runners of one label execute 200 jobs exactly once each', async () => {
    for (const name of ['b-one', 'b-two']) {
      runners.push(
        await startRunner(dir, { url: server.url, token: tokenAB, labels: 'b', name, concurrency: 4 }),
      );
    }
    const report = await run('many.md');
    expect(report.items.filter((i) => i.status === 'pass')).toHaveLength(200);
    const lines = (await readFile(join(dir, 'executions.log'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(200);
    expect(new Set(lines).size).toBe(200);
    // /metrics counts the answers by label and outcome.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('gonogo_runner_jobs_total{label="b",outcome="done"} 200');
  }, 300_000);

  it('retries on another runner the job of a runner SIGKILLed mid-job', async () => {
    const tokenC = await createToken(dir, db.url, [
      '--name',
      'runner-c',
      '--role',
      'runner',
      '--labels',
      'c',
    ]);
    // One process (no launcher): the SIGKILL is the runner's own death, not its launcher's (after which the
    // runner would stop gracefully: app/respawn.ts).
    const first = await startRunner(dir, {
      url: server.url,
      token: tokenC,
      labels: 'c',
      name: 'c-first',
      env: { GONOGO_NODE_FLAGS: 'none' },
    });
    runners.push(first);
    const pending = run('kill.md');
    await until(
      () =>
        readFile(join(dir, 'taken')).then(
          () => true,
          () => false,
        ),
      'the first runner starting the job',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    runners.push(await startRunner(dir, { url: server.url, token: tokenC, labels: 'c', name: 'c-second' }));
    const report = await pending;
    expect(report.items[0]!.status).toBe('pass');
    expect(report.items[0]!.observed?.stdout).toContain('second');
  }, 240_000);

  it('finishes and answers the job in hand when stopped with SIGTERM, then exits 0', async () => {
    const tokenD = await createToken(dir, db.url, [
      '--name',
      'runner-d',
      '--role',
      'runner',
      '--labels',
      'd',
    ]);
    // The token from a mounted secret file (its first line), as in the container example of docs/runners.md.
    await writeFile(join(dir, 'runner-d.token'), `${tokenD}\n`, { mode: 0o600 });
    const r = await startRunner(dir, {
      url: server.url,
      args: ['--token-file', join(dir, 'runner-d.token')],
      labels: 'd',
      name: 'd-graceful',
    });
    runners.push(r);
    const pending = run('graceful.md');
    await until(
      () =>
        readFile(join(dir, 'started')).then(
          () => true,
          () => false,
        ),
      'the runner starting the job',
    );
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.output()).toContain('finishing 1 job(s) in hand');
    expect(r.output()).not.toContain(tokenD);
    const report = await pending;
    expect(report.items[0]!.status).toBe('pass');
    expect(report.items[0]!.observed?.stdout).toContain('finished');
  }, 240_000);

  it('limits a runner token to its labels and to the runner API', async () => {
    const tokenA = await createToken(dir, db.url, [
      '--name',
      'runner-a',
      '--role',
      'runner',
      '--labels',
      'a',
    ]);
    const operator = await createToken(dir, db.url, ['--name', 'op', '--role', 'operator']);
    const claim = (token: string, labels: string[]) =>
      fetch(`${server.url}/api/v1/runner/jobs:claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ labels, wait: 0 }),
      });
    const other = await claim(tokenA, ['b']);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { detail: string }).detail).toContain('may not claim label b');
    expect((await claim(tokenA, ['a'])).status).toBe(200);
    expect((await claim(operator, ['a'])).status).toBe(403);
    const auth = { authorization: `Bearer ${tokenA}` };
    for (const path of [
      '/api/v1/checklists',
      '/api/v1/audit',
      '/api/v1/checklists/env/preflight',
      '/badge/env.svg',
    ]) {
      expect((await fetch(`${server.url}${path}`, { headers: auth })).status, path).toBe(403);
    }
    const run = await fetch(`${server.url}/api/v1/checklists/env/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(run.status).toBe(403);
    const complete = await fetch(
      `${server.url}/api/v1/runner/jobs/00000000-0000-0000-0000-000000000000:complete`,
      {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ observed: { set: true } }),
      },
    );
    expect(complete.status).toBe(409);
  }, 120_000);
});

describe('runner: on the SQLite store', () => {
  const fresh = perTest(sqliteBackend.make);

  it('makes the item error with the reason', async () => {
    const { dir } = await fresh.backend('runners_sqlite');
    await writeFile(
      join(dir, 'private.md'),
      `# P\n## Private\n${check('Private', 'tcp: db.internal:5432\nrunner: prod-vpc')}`,
    );
    const r = await runCli(['run', 'private.md', '--format', 'json'], {
      cwd: dir,
      env: { GONOGO_DB: join(dir, 'db.sqlite') },
    });
    expect(r.code).toBe(1);
    const item = (JSON.parse(r.stdout) as Report).items[0]!;
    expect(item.status).toBe('error');
    expect(item.message).toContain('runner: prod-vpc needs the PostgreSQL store');
  }, 60_000);
});
