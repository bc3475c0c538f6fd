import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../src/test-support/cli.js';
import { testTempDir } from '../src/test-support/temp-dir.js';

const seed = (name: string) => `${SHARED}seeds/${name}`;

describe('gonogo lint (the real CLI)', () => {
  it.each([
    ['000-enterprise-go-live.md', '27 task-list items (27 task, 0 field, 0 sign-off), 8 criteria; 0 checks'],
    [
      '001-post-launch-90-day-program.md',
      '6 task-list items (6 task, 0 field, 0 sign-off), 0 criteria, 18 work items, 3 recurring reviews; 0 checks; 27 after launch (never block the verdict)',
    ],
    [
      '002-partner-center-go-no-go.md',
      '27 task-list items (27 task, 0 field, 0 sign-off), 7 criteria; 0 checks; 5 checked; 4 after launch (never block the verdict)',
    ],
    ['003-mvp-go-live.md', '31 task-list items (31 task, 0 field, 0 sign-off), 0 criteria; 0 checks'],
    [
      '004-production-checklist.md',
      '140 task-list items (134 task, 2 field, 4 sign-off), 0 criteria; 0 checks; 29 after launch (never block the verdict)',
    ],
  ])('%s is valid and outlined', async (name, counts) => {
    const r = await runCli(['lint', seed(name)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The count line wraps at the width, its continuations indented.
    expect(
      r.stdout
        .replace(/\n {2}/g, ' ')
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe(counts);
  });

  it('fits seed 004 to an 80-column terminal, each item with its title beside its id', async () => {
    const r = await runCli(['lint', seed('004-production-checklist.md')], { env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const wide = lines.filter((line) => [...line].length > 80);
    expect(wide).toEqual([]);
    expect(lines).toContain('      [ ]  database/set-up-daily-backups  Set up daily backups');
    expect(lines).toContain(
      '      [ ]  database/set-up-production-postgresql-instance  Set up production Po…',
    );
    // An id too long for a title beside it has the title on the line under it.
    expect(lines).toContain('         Verify only 4 terminal states exist in codebase');
    const model = await runCli(['lint', seed('004-production-checklist.md'), '--format', 'json']);
    const titles = JSON.parse(model.stdout).items.map((i: { title: string }) => i.title as string);
    for (const title of titles) expect(r.stdout).toContain(title.slice(0, 10));
  });

  it('marks a windowed check with its hold and sampling interval', async () => {
    const dir = testTempDir('gonogo-lint-');
    writeFileSync(
      join(dir, 'soak.md'),
      '# Soak\n- [ ] Error rate under 1%\n  ```check\n  http: https://example.com/health\n  hold: 24h\n  every: 1m\n  ```\n',
    );
    const r = await runCli(['lint', 'soak.md'], { cwd: dir, env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    // Title and marks do not fit one 80-column line: the marks go under the title, whole.
    expect(r.stdout).toContain(
      '  [ ]  soak/error-rate-under-1  Error rate under 1%\n       http https://example.com/health  [window 24h, every 1m]\n',
    );
  });

  it('prints the model as JSON', async () => {
    const r = await runCli(['lint', seed('004-production-checklist.md'), '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      id: '004-production-checklist',
      name: 'Production Checklist',
      signoffs: ['engineering', 'security', 'operations', 'product'],
    });
    expect(json.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(json.items).toHaveLength(140);
    expect(json.items.filter((i: { phase: string }) => i.phase === 'post-launch')).toHaveLength(29);
    expect(Object.keys(json.items[0])).toEqual(
      expect.arrayContaining(['id', 'title', 'kind', 'section', 'checked', 'blocking', 'check', 'line']),
    );
  });

  it('shows seed 002 in correct Turkish', async () => {
    const r = await runCli(['lint', seed('002-partner-center-go-no-go.md'), '--format', 'json']);
    const titles = JSON.parse(r.stdout).items.map((i: { title: string }) => i.title);
    expect(titles).toContain('Volume permissions doğru mu? (container yazabilmeli)');
  });

  it('reports a broken checklist as file:line:column and exits 2, without a stack trace', async () => {
    const dir = testTempDir('gonogo-lint-');
    const file = join(dir, 'broken.md');
    writeFileSync(file, '---\nlaunch: tomorrow\n---\n# T\n- [ ] a <!-- due: someday -->\n');
    const r = await runCli(['lint', file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${file}:2:9: launch: write the launch date as YYYY-MM-DD, e.g. 2026-12-01`,
      `${file}:5:9: due "someday" is neither a date (YYYY-MM-DD) nor an offset from launch like +14d`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('flags a runner: check whose condition reads a secret the runner only fingerprints, at the condition', async () => {
    const dir = testTempDir('gonogo-lint-');
    const block = (lines: string[]) => `  \`\`\`check\n${lines.map((l) => `  ${l}\n`).join('')}  \`\`\`\n`;
    const doc = (secretFalse: boolean) =>
      '# Private\n- [ ] Token is the expected one\n' +
      block([
        'env: API_TOKEN',
        'runner: prod-vpc',
        ...(secretFalse ? ['secret: false'] : []),
        'expect:',
        '  - set',
        '  - value == "abc"',
      ]) +
      // Judged on this machine, a secret value may be compared: only runner checks are flagged.
      '- [ ] Token checked here\n' +
      block(['env: API_TOKEN', 'expect: [value == "abc"]']);
    writeFileSync(join(dir, 'private.md'), doc(false));
    const r = await runCli(['lint', 'private.md'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // The run-time rule's own words (the item would be `error` at every run), at the condition's line:column.
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'private.md:8:7: private/token-is-the-expected-one: expect[1]: the condition "value == "abc"" reads value, which a runner reports only as a fingerprint; judge set or length instead, or say secret: false for a value that is not a secret (runner: prod-vpc)',
    ]);
    // `secret: false` says the value is not a secret: the runner returns it, and the server judges it.
    writeFileSync(join(dir, 'public.md'), doc(true));
    const ok = await runCli(['lint', 'public.md'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('reports an unknown binding in the bindings file', async () => {
    const dir = testTempDir('gonogo-lint-');
    writeFileSync(join(dir, 'b.yaml'), 'nope/item:\n  http: https://example.com\n');
    const r = await runCli(['lint', seed('003-mvp-go-live.md'), '--bind', 'b.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^b\.yaml:1:1: no item has the id or title "nope\/item"/);
  });

  it.each([
    [['lint', 'missing.md'], /cannot read checklist missing\.md: no such file/],
    [['lint', seed('000-enterprise-go-live.md'), '--format', 'xml'], /--format must be text or json/],
  ])('exits 2 on %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
