import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/engine/report.js';
import type { AuditEvent } from '../src/engine/store.js';
import { openStore } from '../src/store/index.js';
import { type Backend, storeBackends } from '../src/store/test-support/backends.js';
import { type CliResult, runCli } from '../src/test-support/cli.js';

/**
 * An attacker with write access to the database changes the state tables the verdict reads (issue 12),
 * without recomputing a hash: the verdict stays where the audit chain says, `status` says "tampered
 * state", and `gonogo audit verify` (with `--head` for truncation and wipe) exits 1 naming it.
 */

const backends = await storeBackends();

const CHECKLIST = `---
gonogo: 1
id: bound
name: Bound launch
environments:
  production: {}
policy:
  signoffs: [engineering, security]
---
# Launch
## Operations
- [ ] Backups restore tested
## Security
- [ ] 2FA flow works in prod
`;

const T0 = '2026-11-20T09:00:00.000Z';
const WAIVER_ENDS = '2026-11-30T09:00:00.000Z';
const AFTER_WAIVER = '2026-12-01T09:00:00.000Z';

describe.each(backends)('state bound to the audit chain on $name', ({ name, available, make }) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.cleanup();
    backend = undefined;
  });

  const gonogo = (args: string[], now = T0) =>
    runCli([...args, '--db', backend!.url], {
      cwd: backend!.dir,
      env: { GONOGO_NOW: now, GONOGO_USER: 'ana' },
    });
  const report = (r: CliResult): RunReport => {
    if (r.code !== 0 && r.code !== 1) throw new Error(`gonogo exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as RunReport;
  };
  const status = async (now = T0) => {
    const r = await gonogo(['status', 'launch.md', '--format', 'json'], now);
    return { code: r.code, report: report(r) };
  };
  const events = async () =>
    JSON.parse(
      (await gonogo(['audit', 'list', '--limit', '1000', '--format', 'json'])).stdout,
    ) as AuditEvent[];
  const head = async () => {
    const r = await gonogo(['audit', 'head']);
    expect(r.code).toBe(0);
    return r.stdout.trim().replace(' ', ':');
  };

  /** Attested backups, a waived 2FA item, engineering signed: NO-GO only for the missing security sign-off. */
  async function seed(label: string): Promise<{ digest: string; backups: string; twoFa: string }> {
    backend = await make(`bound_${label}_${name}`);
    writeFileSync(join(backend.dir, 'launch.md'), CHECKLIST);
    const first = await status();
    const digest = first.report.checklist.digest;
    const idOf = (title: string) => first.report.items.find((i) => i.title.startsWith(title))!.id;
    const [backups, twoFa] = [idOf('Backups'), idOf('2FA')];
    const store = await openStore(backend.url);
    try {
      const where = { checklist: 'bound', environment: 'production' };
      await store.addAttestation({ ...where, item: backups, evidence: 'OPS-12 drill', by: 'ana', at: T0 });
      await store.addWaiver({
        ...where,
        item: twoFa,
        reason: 'vendor SMS delay',
        owner: 'sec',
        by: 'lead',
        at: T0,
        expiresAt: WAIVER_ENDS,
      });
      await store.addSignoff({ ...where, role: 'engineering', digest, by: 'eve', at: T0 });
    } finally {
      await store.close();
    }
    const s = await status();
    expect(s.report.reasons.map((r) => `${r.code} ${r.role ?? ''}`)).toEqual(['signoff-missing security']);
    expect(s.report.tampered).toBeUndefined();
    expect((await gonogo(['audit', 'verify'])).code).toBe(0);
    return { digest, backups, twoFa };
  }

  const verifyNames = async (args: string[], says: RegExp) => {
    const r = await gonogo(['audit', 'verify', ...args]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(says);
  };

  it.skipIf(!available)(
    'a forged sign-off row does not count: NO-GO, tampered state, verify names it',
    async () => {
      const { digest } = await seed('forged');
      await backend!.raw(
        `insert into signoffs (checklist, environment, role, digest, "by", at)
       values ('bound', 'production', 'security', '${digest}', 'ghost', '${T0}')`,
      );
      const s = await status();
      expect(s.code).toBe(1);
      expect(s.report.verdict).toBe('NO-GO');
      expect(s.report.signoffs.find((x) => x.role === 'security')!.by).toBeNull();
      expect(s.report.tampered).toEqual([
        expect.objectContaining({
          table: 'signoffs',
          id: 2,
          message: expect.stringMatching(/^tampered state: signoffs row 2: no signoff\.given event/),
        }),
      ]);
      const text = await gonogo(['status', 'launch.md']);
      expect(text.stdout).toMatch(/tampered state: signoffs row 2: no signoff\.given event records it/);
      await verifyNames([], /tampered state: signoffs row 2: no signoff\.given event records it/);
    },
  );

  it.skipIf(!available)(
    'a deleted attestation row: the chain restores it, status and verify name it',
    async () => {
      const { backups } = await seed('deleted');
      const attested = (await events()).find((e) => e.type === 'item.attested')!;
      await backend!.raw('delete from attestations');
      const s = await status();
      expect(s.report.items.find((i) => i.id === backups)!.status).toBe('pass');
      expect(s.report.reasons.map((r) => r.code)).toEqual(['signoff-missing']);
      expect(s.report.tampered).toEqual([
        expect.objectContaining({
          table: 'attestations',
          seq: attested.seq,
          why: expect.stringMatching(/^deleted/),
        }),
      ]);
      await verifyNames(
        [],
        new RegExp(`tampered state: attestations row \\(event ${attested.seq}\\): deleted`),
      );
    },
  );

  it.skipIf(!available)('an extended waiver expiry is ignored: the original expiry holds', async () => {
    const { twoFa } = await seed('waiver');
    await backend!.raw(`update waivers set expires_at = '2027-12-31T00:00:00.000Z'`);
    const s = await status(AFTER_WAIVER);
    expect(s.code).toBe(1);
    expect(s.report.items.find((i) => i.id === twoFa)!.status).toBe('pending');
    expect(s.report.reasons.map((r) => r.code)).toContain('waiver-expired');
    expect(s.report.tampered?.[0]).toMatchObject({
      table: 'waivers',
      id: 1,
      why: 'changed after its event: expiresAt differs',
    });
    await verifyNames(
      [],
      /tampered state: waivers row 1 \(event \d+\): changed after its event: expiresAt differs/,
    );
  });

  it.skipIf(!available)(
    'a truncated tail with the head rewritten fails verify --head with the witnessed head',
    async () => {
      await seed('truncated');
      const witnessed = await head();
      const all = await events();
      const keep = all.at(-3)!;
      await backend!.dropAppendOnlyGuard();
      // Cut the last two events and their rows, and make audit_head name the new last event.
      await backend!.raw(
        `delete from waivers where seq > ${keep.seq}; delete from signoffs where seq > ${keep.seq};
       delete from audit_events where seq > ${keep.seq};
       update audit_head set seq = ${keep.seq}, hash = '${keep.hash}' where id = 1`,
      );
      // Consistent on its own: only the head kept elsewhere shows the cut.
      expect((await gonogo(['audit', 'verify'])).code).toBe(0);
      await verifyNames(
        ['--head', witnessed],
        new RegExp(
          `witnessed head NOT in the log: the witnessed head, event ${all.length}, is gone: the log ends at event ${keep.seq}`,
        ),
      );
    },
  );

  it.skipIf(!available)(
    'a wiped chain fails verify --head; an empty chain given a head is broken',
    async () => {
      await seed('wiped');
      const witnessed = await head();
      await backend!.dropAppendOnlyGuard();
      await backend!.raw(
        'delete from attestations; delete from waivers; delete from signoffs; delete from runs; delete from audit_events; delete from audit_head',
      );
      await verifyNames(['--head', witnessed], /the log is empty \(it was wiped\)/);
      const json = await gonogo(['audit', 'verify', '--head', witnessed, '--format', 'json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, count: 0, witness: { ok: false } });
    },
  );

  it.skipIf(!available)(
    'run and status reports carry the audit head after the run; verify --head accepts it',
    async () => {
      await seed('head');
      const run = report(await gonogo(['run', 'launch.md', '--format', 'json']));
      const after = await head();
      expect(`${run.audit?.seq}:${run.audit?.hash}`).toBe(after);
      const s = await status();
      expect(`${s.report.audit?.seq}:${s.report.audit?.hash}`).toBe(after);
      const ok = await gonogo(['audit', 'verify', '--head', after]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/witnessed head: event \d+ is still in the log/);
      const bad = await gonogo(['audit', 'verify', '--head', `${run.audit!.seq}:${'0'.repeat(64)}`]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/the log was rewritten/);
      expect((await gonogo(['audit', 'verify', '--head', 'latest'])).code).toBe(2);
    },
  );
});
