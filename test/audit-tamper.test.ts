import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { type Backend, storeBackends } from '../src/store/test-support/backends.js';
import { runCli } from '../src/test-support/cli.js';

/**
 * Someone with write access to the database edits, deletes or reorders audit events behind gonogo's
 * back (dropping the default append-only triggers first); `gonogo audit verify` must say so.
 */

const backends = await storeBackends();

/** Five events of different kinds, written through the store as gonogo would. */
async function seed(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    await store.recordChecklist({ id: 'launch', name: 'Launch', digest: 'sha256:1111' }, 'ana');
    for (const [item, by] of [
      ['ops/backups', 'ana'],
      ['security/2fa', 'bo'],
    ] as const) {
      await store.addAttestation({
        checklist: 'launch',
        environment: 'production',
        item,
        evidence: `checked ${item}`,
        by,
        at: '2026-11-20T10:00:00Z',
      });
    }
    await store.addWaiver({
      checklist: 'launch',
      environment: 'production',
      item: 'ops/dr',
      reason: 'drill next week',
      owner: 'sre',
      by: 'lead',
      at: '2026-11-20T11:00:00Z',
      expiresAt: '2026-11-27T11:00:00Z',
    });
    await store.addSignoff({
      checklist: 'launch',
      environment: 'production',
      role: 'security',
      digest: 'sha256:1111',
      by: 'kim',
      at: '2026-11-20T12:00:00Z',
    });
  } finally {
    await store.close();
  }
}

const swap = (a: number, b: number) =>
  `update audit_events set seq = -1 where seq = ${a};
   update audit_events set seq = ${a} where seq = ${b};
   update audit_events set seq = ${b} where seq = -1;`;

const cases: { name: string; sql: string; seq: number; says: RegExp }[] = [
  {
    name: 'an edited event (evidence rewritten)',
    sql: `update audit_events set data = replace(data, 'checked security/2fa', 'all good') where seq = 3`,
    seq: 3,
    says: /event 3 \(item\.attested\) was edited/,
  },
  {
    name: 'an edited actor',
    sql: `update audit_events set actor = 'mallory' where seq = 4`,
    seq: 4,
    says: /event 4 \(waiver\.granted\) was edited/,
  },
  {
    name: 'data that is no longer JSON',
    sql: `update audit_events set data = '{broken' where seq = 2`,
    seq: 2,
    says: /event 2 was edited: its data is not valid JSON/,
  },
  { name: 'a deleted event', sql: 'delete from audit_events where seq = 2', seq: 2, says: /event 2 deleted/ },
  {
    name: 'the last event deleted',
    sql: 'delete from audit_events where seq = 5',
    seq: 5,
    says: /event 5 deleted from the end of the log/,
  },
  { name: 'two events swapped', sql: swap(2, 4), seq: 2, says: /event 2 was moved or replaced/ },
];

describe.each(backends)('audit tampering on $name', ({ name, available, make }) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.cleanup();
    backend = undefined;
  });

  it.skipIf(!available)('verify exits 0 on an intact log and prints the head hash', async () => {
    backend = await make(`tamper_${name}`);
    await seed(backend.url);
    const r = await runCli(['audit', 'verify', '--db', backend.url], { cwd: backend.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audit log intact: 5 events/);
    expect(r.stdout).toMatch(/head: event 5 sha256:[0-9a-f]{64}/);
  });

  it.skipIf(!available)('the default triggers refuse edits made without dropping them', async () => {
    backend = await make(`guard_${name}`);
    await seed(backend.url);
    await expect(backend.raw(`update audit_events set actor = 'mallory' where seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(backend.raw('delete from audit_events')).rejects.toThrow(/append-only/);
    const r = await runCli(['audit', 'verify', '--db', backend.url], { cwd: backend.dir });
    expect(r.code).toBe(0);
  });

  it.skipIf(!available).each(cases)('verify exits 1 and names the event after $name', async (c) => {
    backend = await make(`tamper_${name}`);
    await seed(backend.url);
    await backend.dropAppendOnlyGuard();
    await backend.raw(c.sql);
    const r = await runCli(['audit', 'verify', '--db', backend.url], { cwd: backend.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`audit log BROKEN at event ${c.seq}:`);
    expect(r.stdout).toMatch(c.says);

    const json = await runCli(['audit', 'verify', '--format', 'json', '--db', backend.url], {
      cwd: backend.dir,
    });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBad: { seq: c.seq } });
  });
});
