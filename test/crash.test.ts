import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { type Backend, storeBackends } from '../src/store/test-support/backends.js';
import { CLI, ROOT, runCli, TSX } from '../src/test-support/cli.js';
import { endChild } from '../src/test-support/end-child.js';

/**
 * Crash safety: a process killed with SIGKILL in the middle of writing (1,000-outcome runs and audit
 * appends in a loop) leaves no half-written run and an intact chain, and the store opens cleanly.
 */

const backends = await storeBackends();
const ITEMS = 1000;

/** The writer: the store of the sources (run through tsx), saving big runs and appending events forever. */
const WRITER = `
import { openStore } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/store/index.ts')).href)};
const store = await openStore(process.argv[2]);
const outcomes = Array.from({ length: ${ITEMS} }, (_, i) => ({
  item: 'bulk/item-' + i,
  status: i % 7 === 0 ? 'fail' : 'pass',
  message: 'observed ' + i,
  observed: { i, text: 'x'.repeat(200) },
}));
for (let n = 1; ; n++) {
  const at = new Date().toISOString();
  await store.saveRun({
    checklist: 'bulk', environment: 'production', digest: 'sha256:bulk', startedAt: at, finishedAt: at,
    verdict: 'NO-GO', summary: { pass: ${ITEMS} - ${Math.ceil(ITEMS / 7)}, fail: ${Math.ceil(ITEMS / 7)}, error: 0, pending: 0, waived: 0, skipped: 0 },
    outcomes, trigger: 'crash-test',
  });
  for (let i = 0; i < 5; i++) {
    await store.appendAudit({ type: 'test.tick', actor: 'writer', data: { n, i } });
  }
  process.stdout.write('saved ' + n + '\\n');
}
`;

/** Resolve once the child has printed `lines` lines (a condition, not a sleep). */
function afterLines(child: ChildProcess, lines: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString().split('\n').filter(Boolean).length;
      if (seen >= lines) resolve();
    });
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    child.on('exit', (_code, signal) => resolve(signal));
    child.kill('SIGKILL');
  });
}

describe.each(backends)('crash safety on $name', ({ name, available, make }) => {
  let backend: Backend | undefined;
  // The processes a test started, ended (should it fail before it kills them) before their store goes.
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await endChild(child);
    await backend?.cleanup();
    backend = undefined;
  });

  it.skipIf(!available)('SIGKILL during a write loop leaves whole runs and an intact chain', async () => {
    backend = await make(`crash_${name}`);
    const script = join(backend.dir, 'writer.mjs');
    writeFileSync(script, WRITER);
    const child = spawn(process.execPath, [...TSX, script, backend.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    await afterLines(child, 3);
    // The writer is mid-transaction almost all the time: it never pauses between writes.
    expect(await killed(child)).toBe('SIGKILL');

    const store = await openStore(backend.url);
    try {
      const verification = await store.verifyAudit();
      expect(verification).toMatchObject({ ok: true });
      const runs = await store.listRuns('bulk', 'production', { limit: 1000 });
      expect(runs.length).toBeGreaterThanOrEqual(3);
      for (const run of runs) expect(run.outcomes).toHaveLength(ITEMS);

      const events = [];
      for (let after = 0; ; ) {
        const page = await store.listAudit({ after, limit: 1000 });
        events.push(...page);
        if (page.length < 1000) break;
        after = page.at(-1)!.seq;
      }
      expect(events).toHaveLength(verification.count);
      // Each saved run has exactly its run.completed event: neither survives without the other.
      const completed = events.filter((e) => e.type === 'run.completed').map((e) => e.data.run);
      expect(completed.sort()).toEqual(runs.map((r) => r.id).sort());

      // The store still takes writes after the crash.
      await store.appendAudit({ type: 'test.after-crash', actor: 'test', data: {} });
      expect((await store.verifyAudit()).ok).toBe(true);
    } finally {
      await store.close();
    }
    const cli = await runCli(['audit', 'verify', '--db', backend.url], { cwd: backend.dir });
    expect(cli.code).toBe(0);
  });

  it.skipIf(!available)(
    'SIGKILL in the middle of a 1,000-item run leaves no run and an intact chain',
    async () => {
      backend = await make(`crashrun_${name}`);
      const { dir, url } = backend;
      const items = Array.from(
        { length: ITEMS },
        (_, i) => `- [ ] Step ${i + 1}\n  \`\`\`check\n  command: echo ${i + 1} >> ran.log\n  \`\`\``,
      );
      writeFileSync(
        join(dir, 'big.md'),
        `---\nid: big\nname: Big\n---\n# Big\n## Steps\n${items.join('\n')}\n`,
      );
      const child = spawn(process.execPath, [...CLI, 'run', 'big.md', '--db', url], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let exited = false;
      child.on('exit', () => {
        exited = true;
      });
      const ran = join(dir, 'ran.log');
      const checksRan = () =>
        existsSync(ran) ? readFileSync(ran, 'utf8').split('\n').filter(Boolean).length : 0;
      // Wait on the run's own progress (its checks append to ran.log), then kill it mid-run.
      await new Promise<void>((resolve, reject) => {
        const poll = () => {
          if (exited) reject(new Error('the run finished before it could be killed'));
          else if (checksRan() >= 50) resolve();
          else setTimeout(poll, 10);
        };
        poll();
      });
      expect(await killed(child)).toBe('SIGKILL');
      expect(checksRan()).toBeLessThan(ITEMS);

      const store = await openStore(url);
      try {
        expect(await store.verifyAudit()).toMatchObject({ ok: true });
        // The run was killed before it was saved: nothing of it is stored, not even part of its results.
        expect(await store.listRuns('big', undefined)).toEqual([]);
      } finally {
        await store.close();
      }
      const status = await runCli(['status', 'big.md', '--format', 'json', '--db', url], { cwd: dir });
      expect(status.code).toBe(1);
      expect(JSON.parse(status.stdout)).toMatchObject({ verdict: 'NO-GO', summary: { pending: ITEMS } });
    },
  );
});
