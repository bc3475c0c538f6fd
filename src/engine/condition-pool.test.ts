import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checklistsLoaded, runCli } from '../test-support/cli.js';
import { startServe, stop } from '../test-support/runner-env.js';
import { blockTempDir } from '../test-support/temp-dir.js';

/**
 * Conditions under a budget, through the built CLI (the worker thread runs from dist/): lint refuses
 * what is known to be too costly, and a condition that is slow only on the observed data ends `error`
 * at the check's timeout while the server keeps answering.
 */

const dir = blockTempDir('gonogo-budget-');
const twenty = `[${Array.from({ length: 20 }, (_, i) => i).join(',')}]`;
const sixNested = 'abcdef'
  .split('')
  .reduceRight((body, v) => `${twenty}.exists(${v}, ${body})`, 'a+b+c+d+e+f < 0');

/** 60 `a` and a `!`: `^(a|aa)*$` backtracks through ~10^12 ways of splitting them before it fails. */
const SLOW = [
  '# Slow',
  '## Checks',
  '- [ ] Body is all a',
  '  ```check',
  `  command: printf ${'a'.repeat(60)}!`,
  '  expect: stdout.matches("^(a|aa)*$")',
  '  timeout: 2s',
  '  ```',
  '- [ ] Quick',
  '  ```check',
  '  command: "true"',
  '  ```',
  '',
].join('\n');

beforeAll(async () => {
  await writeFile(join(dir, 'slow.md'), SLOW);
});

describe('conditions under a budget', () => {
  it.each([
    ['a regular expression that can backtrack without bound', '"^(a+)+$"', /can backtrack without bound/],
    ['six nested comprehensions', null, /over the budget of 200,000/],
  ])('lint refuses %s with exit 2, located at the expect entry', async (_name, pattern, message) => {
    const expectLine = pattern ? `    - stdout.matches(${pattern})` : `    - '${sixNested}'`;
    const text = [
      '# Launch',
      '## Checks',
      '- [ ] Body',
      '  ```check',
      '  command: echo hi',
      '  expect:',
      '    - exit_code == 0',
      expectLine,
      '  ```',
      '',
    ].join('\n');
    await writeFile(join(dir, 'refused.md'), text);
    const r = await runCli(['lint', 'refused.md'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^refused\.md:8:7: checks\/body: expect\[1\]: condition /m);
    expect(r.stderr).toMatch(message);
  });

  it('a run with a slow condition the lint accepts ends: that item is error, stopped at its timeout', async () => {
    expect((await runCli(['lint', 'slow.md'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['run', 'slow.md', '--format', 'json', '--db', join(dir, 'run.db')], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { items: { id: string; status: string; message?: string }[] };
    const byId = new Map(report.items.map((i) => [i.id, i]));
    expect(byId.get('checks/body-is-all-a')?.status).toBe('error');
    expect(byId.get('checks/body-is-all-a')?.message).toMatch(/did not finish within 2s and was stopped/);
    expect(byId.get('checks/quick')?.status).toBe('pass');
  });

  it('gonogo serve answers /health/live while such a condition is being evaluated', async () => {
    const db = join(dir, 'serve.db');
    const token = (
      await runCli(['token', 'create', '--name', 'ci', '--role', 'operator'], {
        cwd: dir,
        env: { GONOGO_DB: db },
      })
    ).stdout.trim();
    const server = await startServe(dir, db);
    try {
      // The URL is printed before the checklists are in; /health/ready says once they are.
      await checklistsLoaded(server.url);
      const { url } = server;
      let runDone = false;
      const run = fetch(`${url}/api/v1/checklists/slow/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      }).then(async (res) => {
        runDone = true;
        return res;
      });
      // The run holds for its 2 s timeout; the server answers meanwhile, more than once.
      for (let i = 0; i < 3; i++) {
        const live = await fetch(`${url}/health/live`);
        expect(live.status).toBe(200);
      }
      expect(runDone).toBe(false);
      const res = await run;
      expect(res.status).toBe(201);
      const report = (await res.json()) as { items: { id: string; status: string }[] };
      expect(report.items.find((i) => i.id === 'checks/body-is-all-a')?.status).toBe('error');
    } finally {
      await stop(server);
    }
  });
});
