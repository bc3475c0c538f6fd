import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../src/test-support/cli.js';

/**
 * Phases, program work items and recurring reviews through the real CLI, on seeds 004 and 001
 * (DESIGN.md "Phases", "Program documents", "Recurring items").
 */

interface JsonItem {
  id: string;
  title: string;
  kind: string;
  phase: string;
  section: string[];
  status: string;
  overdue: boolean;
  due: string | null;
  recurs?: string;
  track?: string;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory (its own store) holding `text` as `name`. */
function workspace(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-phases-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

const seed = (name: string) => readFileSync(`${SHARED}seeds/${name}`, 'utf8');
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown> & { items: JsonItem[] };

describe('seed 004: the post-deployment program never holds the launch', () => {
  it('lints with 29 post-launch items', async () => {
    const r = await runCli(['lint', `${SHARED}seeds/004-production-checklist.md`, '--format', 'json']);
    expect(r.code).toBe(0);
    const items = json(r.stdout).items;
    const post = items.filter((i) => i.phase === 'post-launch');
    expect(post).toHaveLength(29);
    expect(post.every((i) => i.section.includes('Post-Deployment'))).toBe(true);
    expect(items.find((i) => i.title === 'Weekly security updates')?.recurs).toBe('7d');
    expect(items.find((i) => i.title === 'Regular audit chain verification')?.recurs).toBe('90d');
  });

  it('run --format json lists the 29 apart and names none of them in reasons', async () => {
    const { dir, file } = workspace('004.md', seed('004-production-checklist.md'));
    const r = await runCli(['run', file, '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    const after = report.after_launch as string[];
    expect(after).toHaveLength(29);
    const reasons = report.reasons as { item?: string }[];
    expect(reasons.filter((reason) => reason.item && after.includes(reason.item))).toEqual([]);
    expect(reasons.length).toBeGreaterThan(0);
    expect(report.items.every((i) => i.phase === 'pre-launch' || i.phase === 'post-launch')).toBe(true);
  });

  it('is GO before launch with the pre-launch items done and four sign-offs; 10 days after, still GO with the first week overdue', async () => {
    // Every pre-launch task checked in the copy; the post-deployment program left as written.
    const lines = seed('004-production-checklist.md').split('\n');
    const start = lines.indexOf('## Post-Deployment');
    const end = lines.indexOf('## Billing-Specific Checks');
    const body = lines
      .map((line, n) => (n > start && n < end ? line : line.replace(/^- \[ \] (?!.*_{3})/, '- [x] ')))
      .join('\n');
    const { dir, file } = workspace('004.md', `---\nlaunch: 2027-03-01\n---\n${body}`);
    const before = { GONOGO_NOW: '2027-02-27T09:00:00Z', GONOGO_USER: 'ayla' };
    const lint = json((await runCli(['lint', file, '--format', 'json'], { cwd: dir })).stdout);
    for (const field of lint.items.filter((i) => i.kind === 'field')) {
      const r = await runCli(['attest', file, field.id, '--evidence', 'DR plan v3', '--value', '4h'], {
        cwd: dir,
        env: before,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    for (const role of ['engineering', 'security', 'operations', 'product']) {
      const r = await runCli(['signoff', file, '--role', role, '--by', `${role}-lead`], {
        cwd: dir,
        env: before,
      });
      expect(r.code).toBe(0);
    }

    const go = await runCli(['status', file, '--format', 'json'], { cwd: dir, env: before });
    const early = json(go.stdout);
    expect(early.verdict).toBe('GO');
    expect(go.code).toBe(0);
    expect(early.launched).toBe(false);
    expect(early.after_launch as string[]).toHaveLength(29);
    expect(early.overdue).toEqual([]);

    const later = await runCli(['status', file, '--format', 'json'], {
      cwd: dir,
      env: { GONOGO_NOW: '2027-03-11T09:00:00Z' },
    });
    const late = json(later.stdout);
    expect(late.verdict).toBe('GO');
    expect(later.code).toBe(0);
    expect(late.launched).toBe(true);
    const overdue = new Set(late.overdue as string[]);
    const firstWeek = late.items.filter((i) => i.section.at(-1) === 'First Week');
    expect(firstWeek).toHaveLength(7);
    expect(firstWeek.every((i) => i.overdue && overdue.has(i.id))).toBe(true);
    expect(late.reasons).toEqual([]);

    const afterTen = { GONOGO_NOW: '2027-03-11T09:00:00Z' };
    const text = await runCli(['status', file], { cwd: dir, env: afterTen });
    expect(text.stdout).toMatch(/After launch: 29 items, 23 overdue \(launched 2027-03-01/);
    // CI sees the late program as skipped tests and no annotations: the launch gate is what fails a build.
    const junit = await runCli(['status', file, '--format', 'junit'], { cwd: dir, env: afterTen });
    expect(junit.stdout).toMatch(/<testsuites [^>]*failures="0" errors="0"/);
    expect(junit.stdout).toContain('after launch, overdue since 2027-03-08: pending');
    const github = await runCli(['status', file, '--format', 'github'], { cwd: dir, env: afterTen });
    expect(github.stdout).not.toContain('::error');
  }, 120_000);
});

describe('seed 001: a 90-day program read as it is written', () => {
  const withLaunch = () =>
    workspace('001.md', `---\nlaunch: 2027-01-04\n---\n${seed('001-post-launch-90-day-program.md')}`);

  it('has 6 task-list items, 18 work items in their tracks and windows and 3 recurring reviews', async () => {
    const { dir, file } = withLaunch();
    const r = await runCli(['lint', file, '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const items = json(r.stdout).items;
    expect(items.filter((i) => i.kind === 'task')).toHaveLength(6);
    const work = items.filter((i) => i.kind === 'workstream');
    expect(work).toHaveLength(18);
    const windows = (text: string) => work.filter((i) => i.section.at(-1) === text).length;
    expect(windows('0–14 Gün (P0)')).toBe(10);
    expect(windows('15–90 Gün (P1)')).toBe(8);
    expect(new Set(work.map((i) => i.track))).toEqual(
      new Set([
        'A) GÜVENİLİRLİK İZİ (SRE / Ops)',
        'B) GÜVENLİK & UYUMLULUK İZİ',
        'C) FİNANS / MUTABAKAT OLGUNLUK İZİ',
        'D) ÜRÜN & BÜYÜME İZİ',
      ]),
    );
    const reviews = items.filter((i) => i.kind === 'review');
    expect(reviews.map((i) => i.recurs)).toEqual(['7d', '14d', '30d']);
    expect(items.every((i) => i.phase === 'post-launch')).toBe(true);
  });

  it('at day 20: the P0 work, the urgent tasks and the weekly and fortnightly reviews are overdue (18)', async () => {
    const { dir, file } = withLaunch();
    const r = await runCli(['status', file, '--format', 'json'], {
      cwd: dir,
      env: { GONOGO_NOW: '2027-01-24T10:00:00Z' },
    });
    const report = json(r.stdout);
    const overdue = report.items.filter((i) => i.overdue);
    expect(overdue).toHaveLength(18);
    expect(report.overdue).toEqual(overdue.map((i) => i.id));
    expect(
      overdue.filter((i) => i.kind === 'workstream').every((i) => i.section.at(-1) === '0–14 Gün (P0)'),
    ).toBe(true);
    expect(overdue.filter((i) => i.kind === 'task')).toHaveLength(6);
    expect(overdue.filter((i) => i.kind === 'review').map((i) => i.recurs)).toEqual(['7d', '14d']);
    const monthly = report.items.find((i) => i.recurs === '30d')!;
    expect(monthly).toMatchObject({ overdue: false, due: '2027-02-03' });
    expect(report.reasons).toEqual([]);
  });

  it('the same with `launch` in a bindings file and the document byte for byte untouched', async () => {
    const original = readFileSync(`${SHARED}seeds/001-post-launch-90-day-program.md`);
    const { dir, file } = workspace('001.md', original.toString('utf8'));
    writeFileSync(join(dir, '001.gonogo.yaml'), 'launch: 2027-01-04\n');
    const lint = await runCli(['lint', file, '--bind', '001.gonogo.yaml', '--format', 'json'], { cwd: dir });
    expect(lint.code).toBe(0);
    const items = json(lint.stdout).items;
    expect(items.filter((i) => i.kind === 'task')).toHaveLength(6);
    expect(items.filter((i) => i.kind === 'workstream')).toHaveLength(18);
    expect(items.filter((i) => i.kind === 'review').map((i) => i.recurs)).toEqual(['7d', '14d', '30d']);
    const r = await runCli(['status', file, '--bind', '001.gonogo.yaml', '--format', 'json'], {
      cwd: dir,
      env: { GONOGO_NOW: '2027-01-24T10:00:00Z' },
    });
    const overdue = json(r.stdout).items.filter((i) => i.overdue);
    expect(overdue).toHaveLength(18);
    expect(overdue.filter((i) => i.kind === 'review').map((i) => i.recurs)).toEqual(['7d', '14d']);
    expect(readFileSync(file).equals(original)).toBe(true);
  });
});

describe('fields, criteria, skip: and secret: false, through the CLI', () => {
  const DOC = [
    '# Launch approvals',
    '## Manual',
    '- [ ] RTO (Recovery Time Objective): ____',
    '## Criteria',
    '### NO-GO',
    '- Scheduler runs duplicate jobs',
    '### GO',
    '- Health answers green',
    '## Checks',
    '- [ ] Redis persistence',
    '  ```check',
    '  skip: no Redis in this deployment',
    '  ```',
    '- [ ] Node runs in production mode',
    '  ```check',
    '  env: NODE_ENV',
    '  secret: false',
    '  ```',
    '- [ ] Stripe key present',
    '  ```check',
    '  env: STRIPE_KEY',
    '  secret: false',
    '  ```',
    '## Sign-Off',
    '- [ ] Engineering Lead: ____ Date: ____',
    '',
  ].join('\n');
  const env = { NODE_ENV: 'production', STRIPE_KEY: 'sk_live_abcdefghijklmnopqrstuvwx' };

  it('a blank outside a sign-off section is a field attested with --value; criteria read clear and met', async () => {
    const { dir, file } = workspace('approvals.md', DOC);
    const lint = json((await runCli(['lint', file, '--format', 'json'], { cwd: dir })).stdout);
    const kinds = Object.fromEntries(lint.items.map((i) => [i.id, i.kind]));
    expect(kinds['manual/rto-recovery-time-objective']).toBe('field');
    expect(kinds['sign-off/engineering-lead']).toBe('signoff');
    expect((lint as unknown as { signoffs: string[] }).signoffs).toEqual(['engineering']);

    const rto = await runCli(
      ['attest', file, 'manual/rto-recovery-time-objective', '--evidence', 'DR plan', '--value', '4h'],
      { cwd: dir },
    );
    expect(rto.stderr).toBe('');
    expect(rto.code).toBe(0);
    for (const id of ['no-go/scheduler-runs-duplicate-jobs', 'go/health-answers-green']) {
      expect((await runCli(['attest', file, id, '--evidence', 'watched for a day'], { cwd: dir })).code).toBe(
        0,
      );
    }
    const text = await runCli(['run', file], { cwd: dir, env });
    expect(text.stdout).toMatch(/^ {2}CLEAR {4}Scheduler runs duplicate jobs$/m);
    expect(text.stdout).toMatch(/^ {2}MET {6}Health answers green$/m);
    expect(text.stdout).toMatch(/^ {2}SKIPPED {2}Redis persistence$/m);
    const md = await runCli(['status', file, '--format', 'markdown'], { cwd: dir, env });
    expect(md.stdout).toContain('✅ clear');
    expect(md.stdout).toContain('✅ met');

    const report = json((await runCli(['status', file, '--format', 'json'], { cwd: dir, env })).stdout);
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i])) as Record<
      string,
      JsonItem & { message: string; observed: Record<string, unknown> }
    >;
    expect(byId['no-go/scheduler-runs-duplicate-jobs']!.status).toBe('pass');
    expect(byId['manual/rto-recovery-time-objective']!.message).toContain('4h');
    expect(byId['checks/redis-persistence']).toMatchObject({
      status: 'skipped',
      message: 'not applicable: no Redis in this deployment',
    });
  }, 60_000);

  it('an env check with secret: false shows its value, still redacted when it looks like a key', async () => {
    const { dir, file } = workspace('approvals.md', DOC);
    const r = await runCli(['run', file, '--format', 'json'], { cwd: dir, env });
    const items = json(r.stdout).items as unknown as { id: string; observed: { value?: string } | null }[];
    const observed = (id: string) => items.find((i) => i.id === id)!.observed;
    expect(observed('checks/node-runs-in-production-mode')?.value).toBe('production');
    expect(observed('checks/stripe-key-present')?.value).not.toContain('abcdefghij');
    expect(r.stdout).not.toContain('sk_live_abcdefghijklmnopqrstuvwx');
  });
});
