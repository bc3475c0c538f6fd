import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * A third-party document bound from beside it (`--bind`, or the project file `gonogo.yaml`), through
 * the real CLI: every "next:" hint runs as printed, and a hint never records the checklist again.
 */

const DOC = `# Vendor go-live
## Operations
- [ ] Health endpoint answers
- [ ] Backups restore tested
- [ ] RTO: ______
## Sign-off
- Engineering: ____
`;

const BIND = `environments:
  staging: { APP_NAME: demo }
  production: { APP_NAME: demo }
policy: { waiver_max_days: 14, signoffs: [engineering] }
operations/health-endpoint-answers:
  env: HOME
`;

const T0 = '2026-11-20T09:00:00.000Z';

const dir = blockTempDir('gonogo-project-cli-');

/** A fresh folder holding the document and its bindings, and optionally a project file. */
async function folder(name: string, project?: string): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'vendor.md'), DOC);
  await writeFile(join(d, 'vendor.gonogo.yaml'), BIND);
  if (project !== undefined) await writeFile(join(d, 'gonogo.yaml'), project);
  return d;
}

const gonogo = (cwd: string, args: string[]) =>
  runCli(args, {
    cwd,
    env: { GONOGO_NOW: T0, GONOGO_USER: 'ana', GONOGO_CACHE: 'off', GONOGO_DB: undefined },
  });

/** Split a printed command line into words (the hints quote with single quotes when needed). */
function words(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => m[1]?.replaceAll("'\\''", "'") ?? m[2]!);
}

/** The commands a run of the CLI suggests, from `next: …` lines and `run \`…\`` phrases. */
function hints(r: CliResult): string[] {
  const out = `${r.stdout}\n${r.stderr}`;
  return [
    ...[...out.matchAll(/^next: (gonogo .+)$/gm)].map((m) => m[1]!),
    ...[...out.matchAll(/`(gonogo [^`]+)`/g)].map((m) => m[1]!),
  ];
}

async function importedCount(cwd: string, db: string[]): Promise<number> {
  const r = await gonogo(cwd, ['audit', 'list', '--format', 'json', ...db]);
  expect(r.code, r.stderr).toBe(0);
  const events = JSON.parse(r.stdout) as { type: string }[] | { events: { type: string }[] };
  const list = Array.isArray(events) ? events : events.events;
  return list.filter((e) => e.type === 'checklist.imported').length;
}

/** Run every hint `r` printed, as printed: it decides (0 or 1) and never records the checklist again. */
async function followHints(cwd: string, r: CliResult, db: string[]): Promise<number> {
  expect(r.code, r.stderr).not.toBe(2);
  const found = hints(r);
  // The count after one hint is the count before the next: nothing runs in between.
  let before = found.length > 0 ? await importedCount(cwd, db) : 0;
  for (const hint of found) {
    const [, ...args] = words(hint);
    const next = await gonogo(cwd, args);
    expect([0, 1], `${hint}\n${next.stderr}`).toContain(next.code);
    const after = await importedCount(cwd, db);
    // The very first command records the checklist once; after that an unchanged document never again.
    if (before > 0) expect(after, `${hint} recorded the checklist again`).toBe(before);
    before = after;
  }
  return found.length;
}

describe('every printed hint runs as printed', () => {
  it.each([
    ['with --bind and --db flags', undefined, ['--bind', 'vendor.gonogo.yaml', '--db', 'state.db']],
    [
      'with a project file pairing the bindings',
      'checklists:\n  - { file: vendor.md, bind: vendor.gonogo.yaml }\ndb: state.db\nenv: production\n',
      [],
    ],
  ])('%s', async (name, project, flags) => {
    const cwd = await folder(name.replaceAll(/\W+/g, '-'), project);
    const db = project ? [] : ['--db', 'state.db'];
    const status = await gonogo(cwd, ['status', 'vendor.md', ...flags]);
    let followed = await followHints(cwd, status, db);
    const run = await gonogo(cwd, ['run', 'vendor.md', ...flags]);
    followed += await followHints(cwd, run, db);
    const steps = [
      ['attest', 'vendor.md', 'operations/backups-restore-tested', '--evidence', 'OPS-1 restore drill'],
      ['attest', 'vendor.md', 'operations/rto', '--evidence', 'runbook', '--value', '4h'],
      [
        'waive',
        'vendor.md',
        'operations/backups-restore-tested',
        '--reason',
        'r',
        '--owner',
        'o',
        '--expires',
        '7d',
      ],
      ['signoff', 'vendor.md', '--role', 'engineering'],
    ];
    for (const step of steps) followed += await followHints(cwd, await gonogo(cwd, [...step, ...flags]), db);
    expect(followed).toBeGreaterThanOrEqual(5);
    if (project) {
      // The project file's env and db were used without flags.
      expect(existsSync(join(cwd, 'state.db'))).toBe(true);
      const json = await gonogo(cwd, ['status', 'vendor.md', '--format', 'json']);
      expect((JSON.parse(json.stdout) as { environment: string }).environment).toBe('production');
    }
  });
});

describe('the project file', () => {
  it('pairs the bindings so lint prints the same digest as with --bind, from a sub-folder too', async () => {
    const cwd = await folder('digest', 'checklists:\n  - { file: vendor.md, bind: vendor.gonogo.yaml }\n');
    const digest = async (at: string, args: string[]) => {
      const r = await gonogo(at, ['lint', ...args, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { digest: string; items: { check: unknown }[] }).digest;
    };
    const bound = await digest(cwd, ['vendor.md', '--bind', 'vendor.gonogo.yaml']);
    await mkdir(join(cwd, 'sub'), { recursive: true });
    expect(await digest(cwd, ['vendor.md'])).toBe(bound);
    expect(await digest(join(cwd, 'sub'), ['../vendor.md'])).toBe(bound);
  });

  it('is refused with the line and column of the mistake (exit 2)', async () => {
    const cwd = await folder('bad', 'checklists:\n  - { file: vendor.md, bnd: vendor.gonogo.yaml }\n');
    const r = await gonogo(cwd, ['lint', 'vendor.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gonogo.yaml:2:24: "bnd" is not a project file setting');
    expect(r.stderr).not.toContain(cwd);
  });

  it('lets a flag win over the project file', async () => {
    const cwd = await folder('flags', 'env: production\ndb: project.db\n');
    const r = await gonogo(cwd, [
      'run',
      'vendor.md',
      '--bind',
      'vendor.gonogo.yaml',
      '--env',
      'staging',
      '--db',
      'flag.db',
      '--format',
      'json',
    ]);
    expect([0, 1]).toContain(r.code);
    expect((JSON.parse(r.stdout) as { environment: string }).environment).toBe('staging');
    expect([existsSync(join(cwd, 'flag.db')), existsSync(join(cwd, 'project.db'))]).toEqual([true, false]);
  });
});

describe('lint and notify targets', () => {
  it('warns, at its line in the bindings file, about a target the service could not use', async () => {
    const cwd = await folder('notify');
    await writeFile(
      join(cwd, 'vendor.gonogo.yaml'),
      `${BIND}notify:\n  - slack: \${SLACK_WEBHOOK_URL}\n  - webhook: https://hooks.example.com/x\n`,
    );
    const r = await runCli(['lint', 'vendor.md', '--bind', 'vendor.gonogo.yaml'], {
      cwd,
      env: { SLACK_WEBHOOK_URL: undefined, GONOGO_CACHE: 'off' },
    });
    expect(r.code, r.stderr).toBe(0);
    // A warning wider than the terminal wraps, its continuation indented.
    expect(r.stdout.replace(/\n {2}/g, ' ')).toContain(
      'vendor.gonogo.yaml:8:5: warning: notify[0].slack: ${SLACK_WEBHOOK_URL} is not set in the process environment; this target is not used',
    );
    expect(r.stdout).toContain('vendor.gonogo.yaml:9:5: warning: notify[1].secret: a webhook needs a secret');
    const set = await runCli(['lint', 'vendor.md', '--bind', 'vendor.gonogo.yaml'], {
      cwd,
      env: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/C', GONOGO_CACHE: 'off' },
    });
    expect(set.stdout).not.toContain('notify[0]');
    expect(set.stdout).not.toContain('hooks.slack.com');
  });
});
