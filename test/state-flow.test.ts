import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/engine/report.js';
import type { AuditEvent } from '../src/engine/store.js';
import { type Backend, storeBackends } from '../src/store/test-support/backends.js';
import { type CliResult, runCli } from '../src/test-support/cli.js';

/**
 * The launch flow a team goes through, via the real CLI, on both backends:
 * run (NO-GO) → attest → a 45-day waiver refused → a 10-day waiver → sign-offs → GO;
 * the clock passes the waiver's expiry → NO-GO; the checklist changes → sign-offs stale → NO-GO.
 */

const backends = await storeBackends();

const CHECKLIST = `---
gonogo: 1
id: flow-launch
name: Flow launch
environments:
  production: { BASE_URL: "https://example.com" }
  staging: { BASE_URL: "https://staging.example.com" }
policy:
  waiver_max_days: 30
  signoffs: [engineering, security]
---
# Launch
## Operations
- [ ] Backups restore tested
- [ ] RTO: ______
## Security
- [ ] 2FA flow works in prod
`;

const T0 = '2026-11-20T09:00:00.000Z';
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();

describe.each(backends)('launch flow on $name', ({ name, available, make }) => {
  let backend: Backend;
  let file: string;
  const gonogo = (args: string[], now = T0, user = 'ana') =>
    runCli([...args, '--db', backend.url], { cwd: backend.dir, env: { GONOGO_NOW: now, GONOGO_USER: user } });
  /** The JSON report of a command that decides (exit 0 or 1); anything else fails with its stderr. */
  const report = (r: CliResult): RunReport => {
    if (r.code !== 0 && r.code !== 1) throw new Error(`gonogo exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as RunReport;
  };
  const status = async (now = T0, env = 'production') => {
    const r = await gonogo(['status', 'launch.md', '--env', env, '--format', 'json'], now);
    return { code: r.code, report: report(r), stderr: r.stderr };
  };
  const idOf = (report: RunReport, title: string) => report.items.find((i) => i.title.startsWith(title))!.id;

  beforeAll(async () => {
    if (!available) return;
    backend = await make(`flow_${name}`);
    file = join(backend.dir, 'launch.md');
    writeFileSync(file, CHECKLIST);
  });
  afterAll(async () => {
    if (available) await backend.cleanup();
  });

  it.skipIf(!available)(
    'goes from NO-GO to GO, back to NO-GO on expiry and on change',
    async () => {
      // 1. A run of a checklist with manual items only: NO-GO, everything pending.
      const run = await gonogo(['run', 'launch.md', '--env', 'production', '--format', 'json']);
      expect(report(run)).toMatchObject({ verdict: 'NO-GO', summary: { pending: 3 } });
      expect(run.code).toBe(1);

      let s = await status();
      expect(s.code).toBe(1);
      expect(s.report.verdict).toBe('NO-GO');
      expect(s.report.reasons.map((r) => r.code).sort()).toEqual([
        'item-pending',
        'item-pending',
        'item-pending',
        'signoff-missing',
        'signoff-missing',
      ]);
      const backups = idOf(s.report, 'Backups restore tested');
      const rto = idOf(s.report, 'RTO');
      const twoFa = idOf(s.report, '2FA flow works');

      // 2. Attest the manual items; the field needs its value.
      const noValue = await gonogo(['attest', 'launch.md', rto, '--evidence', 'DR plan v3']);
      expect(noValue.code).toBe(2);
      expect(noValue.stderr).toMatch(/is a field .*give its value/);
      const a1 = await gonogo([
        'attest',
        'launch.md',
        'Backups restore tested',
        '--evidence',
        'OPS-12 restore drill',
      ]);
      expect(a1.code).toBe(0);
      expect(a1.stdout).toContain(`attested ${backups} for production by ana: OPS-12 restore drill`);
      const a2 = await gonogo(['attest', 'launch.md', rto, '--evidence', 'DR plan v3', '--value', '4h']);
      expect(a2.code).toBe(0);

      // 3. A 45-day waiver is over the 30-day policy: refused, naming the limit; nothing is stored.
      const tooLong = await gonogo(
        ['waive', 'launch.md', twoFa, '--reason', 'vendor SMS delay', '--owner', 'sec', '--expires', '45d'],
        T0,
        'lead',
      );
      expect(tooLong.code).toBe(2);
      expect(tooLong.stderr).toMatch(/waiver_max_days is 30/);

      // 4. A 10-day waiver is accepted.
      const waived = await gonogo(
        ['waive', 'launch.md', twoFa, '--reason', 'vendor SMS delay', '--owner', 'sec', '--expires', '10d'],
        T0,
        'lead',
      );
      expect(waived.code).toBe(0);
      expect(waived.stdout).toContain(`waived ${twoFa} for production until ${at(10)}`);

      s = await status();
      expect(s.code).toBe(1);
      expect(s.report.reasons.map((r) => r.code)).toEqual(['signoff-missing', 'signoff-missing']);

      // 5. Sign-offs: an unknown role is refused; the two required roles make it GO.
      const wrongRole = await gonogo(['signoff', 'launch.md', '--role', 'marketing', '--by', 'max']);
      expect(wrongRole.code).toBe(2);
      expect(wrongRole.stderr).toMatch(/engineering, security/);
      for (const [role, by] of [
        ['engineering', 'eve'],
        ['security', 'kim'],
      ] as const) {
        const r = await gonogo(['signoff', 'launch.md', '--role', role, '--by', by, '--env', 'production']);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`as ${role} by ${by}`);
      }
      s = await status();
      expect(s.code).toBe(0);
      expect(s.report).toMatchObject({ verdict: 'GO', reasons: [], summary: { pass: 2, waived: 1 } });
      const text = await gonogo(['status', 'launch.md']);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/GO/);

      // Sign-offs and waivers are per environment: staging is still NO-GO.
      const staging = await status(T0, 'staging');
      expect(staging.code).toBe(1);

      // 6. The clock passes the waiver's expiry: the real status is back, with a waiver-expired reason.
      s = await status(at(11));
      expect(s.code).toBe(1);
      expect(s.report.reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'item-pending', item: twoFa }),
          expect.objectContaining({ code: 'waiver-expired', item: twoFa }),
        ]),
      );

      // 7. The checklist changes: both sign-offs are stale.
      appendFileSync(file, '- [x] Status page announced\n');
      s = await status();
      expect(s.code).toBe(1);
      expect(s.report.reasons.map((r) => [r.code, r.role])).toEqual([
        ['signoff-stale', 'engineering'],
        ['signoff-stale', 'security'],
      ]);
      expect(s.report.reasons[0]!.message).toMatch(/stale: the checklist changed/);

      // The audit log holds every change, in order, and verifies.
      const log = await gonogo(['audit', 'list', '--format', 'json']);
      expect(log.stderr).toBe('');
      const types = (JSON.parse(log.stdout) as AuditEvent[]).map((e) => e.type);
      expect(types.filter((t) => t !== 'run.completed' && t !== 'checklist.imported')).toEqual([
        'item.attested',
        'item.attested',
        'waiver.granted',
        'signoff.given',
        'signoff.given',
      ]);
      expect(types[0]).toBe('checklist.imported');
      expect(types).toContain('run.completed');
      const verify = await gonogo(['audit', 'verify']);
      expect(verify.code).toBe(0);
    },
    180_000,
  );

  it.skipIf(!available)(
    'refuses bad input with exit 2 and a message that says what to do',
    async () => {
      writeFileSync(
        join(backend.dir, 'checked.md'),
        '---\nid: checked\n---\n# Checked\n## Env\n- [ ] HOME is set\n  ```check\n  env: HOME\n  ```\n',
      );
      const cases: [string[], RegExp][] = [
        [
          ['attest', 'checked.md', 'HOME is set', '--evidence', 'x'],
          /is checked by its env check.*waive it instead/,
        ],
        [
          ['attest', 'launch.md', 'operations/backups-restore-test', '--evidence', 'x'],
          /no item "operations\/backups-restore-test" .*did you mean operations\/backups-restore-tested/,
        ],
        [['attest', 'launch.md', 'Backups restore tested'], /missing --evidence/],
        [
          ['attest', 'launch.md', 'Backups restore tested', '--evidence', 'x', '--env', 'prod'],
          /known: production, staging/,
        ],
        [
          ['attest', 'launch.md', 'Backups restore tested', '--evidence', 'x', '--valid-for', 'soon'],
          /not a duration/,
        ],
        [
          ['attest', 'launch.md', 'Backups restore tested', '--evidence', 'x', '--file', 'nope.pdf'],
          /--file nope\.pdf: no such file/,
        ],
        [
          [
            'waive',
            'launch.md',
            'Backups restore tested',
            '--reason',
            'r',
            '--owner',
            'o',
            '--expires',
            '2020-01-01',
          ],
          /not in the future/,
        ],
        [
          ['waive', 'launch.md', 'Backups restore tested', '--reason', 'r', '--expires', '5d'],
          /missing --owner/,
        ],
        [['signoff', 'launch.md', '--by', 'x'], /missing --role/],
        [['status', 'launch.md', '--format', 'yaml'], /unknown format "yaml"/],
        [['status', 'missing.md'], /cannot read checklist missing\.md/],
      ];
      for (const [args, message] of cases) {
        const r = await gonogo(args);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(message);
      }
    },
    180_000,
  );

  it.skipIf(!available)('attests with an evidence file hash and a validity period', async () => {
    writeFileSync(join(backend.dir, 'drill.txt'), 'restore drill log\n');
    const r = await gonogo([
      'attest',
      'launch.md',
      'Backups restore tested',
      '--evidence',
      'drill log attached',
      '--file',
      'drill.txt',
      '--valid-for',
      '90d',
      '--env',
      'staging',
    ]);
    expect(r.code).toBe(0);
    const sha = createHash('sha256').update('restore drill log\n').digest('hex');
    expect(r.stdout).toContain(`evidence file drill.txt sha256:${sha}`);
    expect(r.stdout).toContain(`valid until ${at(90)}`);
    const s = await status(T0, 'staging');
    const item = s.report.items.find((i) => i.title === 'Backups restore tested')!;
    expect(item.status).toBe('pass');
    const lapsed = await status(at(91), 'staging');
    const after = lapsed.report.items.find((i) => i.title === 'Backups restore tested')!;
    expect(after.status).toBe('pending');
    expect(after.flags).toContain('attestation-expired');
  });
});
