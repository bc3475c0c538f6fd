import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../src/store/test-support/backends.js';
import { runCli } from '../src/test-support/cli.js';

/** How the CLI chooses and stamps its store: `--db` forms, and one clock for every event of a run. */

const CHECKLIST = `---
id: launch
name: Launch
environments:
  production: {}
---
# Launch
- [ ] Smoke test passes
  \`\`\`check
  command: "true"
  \`\`\`
- [ ] Runbook reviewed
`;

const dirs: string[] = [];
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-store-cli-'));
  writeFileSync(join(dir, 'launch.md'), CHECKLIST);
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('--db with a URL gonogo does not support', () => {
  it.each([
    ['audit verify', ['audit', 'verify'], 'mysql://root:p@ss@host/x', ['p@ss', 'p%40ss', 'ss@host']],
    ['run', ['run', 'launch.md'], 'MYSQL://root:p%40ss@host/x', ['p@ss', 'p%40ss']],
    [
      'attest',
      ['attest', 'launch.md', 'launch/runbook-reviewed', '--evidence', 'x'],
      'redis://:hunter2@h',
      ['hunter2'],
    ],
  ])('%s refuses it: exit 2, no file created, no password printed', async (_name, args, url, secrets) => {
    const dir = workdir();
    const r = await runCli([...args, '--db', url], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unsupported store \w+:\/\/.*\*\*\*@.*file path for SQLite.*postgres:\/\//);
    for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
    expect(readdirSync(dir, { recursive: true })).toEqual(['launch.md']);
  });
});

describe('--db :memory:', () => {
  it('runs on a store in memory: the verdict as usual, no file anywhere', async () => {
    const dir = workdir();
    const r = await runCli(['run', 'launch.md', '--db', ':memory:', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1); // the runbook item is unattested: NO-GO
    expect(JSON.parse(r.stdout).verdict).toBe('NO-GO');
    expect(readdirSync(dir, { recursive: true })).toEqual(['launch.md']);
  });

  it('a command that only reads finds nothing recorded there: exit 2, no file', async () => {
    const dir = workdir();
    const r = await runCli(['audit', 'verify', '--db', ':memory:'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no store at :memory:');
    expect(readdirSync(dir, { recursive: true })).toEqual(['launch.md']);
  });
});

const backends = await storeBackends();

describe.each(backends)('one clock for a run on $name', ({ name, available, make }) => {
  it.skipIf(!available)('every event of a run is stamped with GONOGO_NOW', async () => {
    const backend = await make(`clock_${name}`);
    try {
      // PostgreSQL is selected whatever the case of the scheme.
      const db = name === 'postgres' ? backend.url.replace(/^postgres(ql)?:/, 'POSTGRES:') : backend.url;
      writeFileSync(join(backend.dir, 'launch.md'), CHECKLIST);
      const env = { GONOGO_NOW: '2030-01-01T00:00:00Z' };
      const attest = await runCli(
        ['attest', 'launch.md', 'launch/runbook-reviewed', '--evidence', 'reviewed', '--db', db],
        { cwd: backend.dir, env },
      );
      expect(attest.stderr).toBe('');
      const run = await runCli(['run', 'launch.md', '--db', db], { cwd: backend.dir, env });
      expect(run.code).toBe(0);
      const list = await runCli(['audit', 'list', '--format', 'json', '--db', db], { cwd: backend.dir });
      const events = JSON.parse(list.stdout) as { type: string; at: string }[];
      expect(events.map((e) => e.type)).toEqual(['checklist.imported', 'item.attested', 'run.completed']);
      for (const e of events) expect(e.at, e.type).toBe('2030-01-01T00:00:00.000Z');
    } finally {
      await backend.cleanup();
    }
  });
});
