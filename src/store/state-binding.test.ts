import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../engine/store.js';
import { openStore } from './index.js';
import { perTest, storeBackends } from './test-support/backends.js';

/** Runs and pre-003 rows, bound to their events, on both backends (attacks on the other tables: test/). */

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };
const run = (status: 'pass' | 'fail', minute: number): RunRecord => ({
  ...where,
  digest: 'sha256:11',
  startedAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`,
  finishedAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:05.000Z`,
  verdict: status === 'pass' ? 'GO' : 'NO-GO',
  summary: {
    pass: status === 'pass' ? 1 : 0,
    fail: status === 'fail' ? 1 : 0,
    error: 0,
    pending: 0,
    waived: 0,
    skipped: 0,
  },
  outcomes: [
    { item: 'ops/api', status, message: 'status == 200', observed: { status: 503 }, durationMs: 12 },
  ],
  trigger: 'cli',
});

describe.each(backends)('state binding on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)(
    'an edited or forged newer run is skipped for the newest run its event vouches for',
    async () => {
      const { backend, store } = await fresh.store(`binding_runs_${name}`);
      const first = await store.saveRun(run('fail', 1));
      const second = await store.saveRun(run('fail', 2));
      expect((await store.checkedLatestRun('launch', 'production')).tampered).toEqual([]);
      // The attacker turns the newest run's failure into a pass, and forges a GO run on top.
      await backend.raw(`update run_results set status = 'pass' where run_id = ${second}`);
      await backend.raw(
        `insert into runs (checklist, environment, digest, started_at, finished_at, verdict, summary, "trigger")
       values ('launch', 'production', 'sha256:11', '2026-11-20T11:00:00.000Z', '2026-11-20T11:00:01.000Z', 'GO', '{}', 'cli')`,
      );
      const checked = await store.checkedLatestRun('launch', 'production');
      expect(checked.run?.id).toBe(first);
      expect(checked.run?.outcomes[0]?.status).toBe('fail');
      expect(checked.tampered).toEqual([
        {
          table: 'runs',
          id: second + 1,
          why: 'no run.completed event records it (written outside gonogo)',
        },
        {
          table: 'runs',
          id: second,
          seq: expect.any(Number),
          why: 'changed after its event: outcomes differs',
        },
      ]);
      expect((await store.latestRun('launch', 'production'))?.id).toBe(first);
      const v = await store.verifyAudit();
      expect(v.ok).toBe(false);
      expect(v.tampered?.map((t) => `${t.table} ${t.id}`)).toEqual([`runs ${second}`, `runs ${second + 1}`]);
    },
  );

  it.skipIf(!available)('migration 003 binds rows written before it to their events', async () => {
    const backend = await fresh.backend(`binding_migrate_${name}`);
    let store = await openStore(backend.url);
    try {
      await store.addAttestation({
        ...where,
        item: 'ops/backups',
        evidence: 'drill',
        by: 'ana',
        at: '2026-11-20T10:00:00Z',
      });
      await store.saveRun(run('pass', 3));
    } finally {
      await store.close();
    }
    // Back to a store as 002 left it: no seq columns, 003 and the later ones not applied.
    await backend.raw(
      `drop index attestations_by_seq; drop index waivers_by_seq; drop index signoffs_by_seq;
       drop index runs_by_seq;
       alter table attestations drop column seq; alter table waivers drop column seq;
       alter table signoffs drop column seq; alter table runs drop column seq;
       alter table signoffs drop column person; alter table signoffs drop column evidence;
       alter table tokens drop column person; alter table tokens drop column expires_at;
       alter table tokens drop column revoked_at; alter table tokens drop column last_used_at;
       alter table tokens drop column labels;
       drop index audit_events_by_checklist;
       delete from gonogo_migrations where name >= '003'`,
    );
    // A row no event records, written before the upgrade, stays unbound and is reported.
    await backend.raw(
      `insert into attestations (checklist, environment, item, evidence, "by", at)
       values ('launch', 'production', 'ops/dr', 'forged', 'ghost', '2026-11-20T10:00:00.000Z')`,
    );
    store = await fresh.open(backend);
    const state = await store.loadState('launch', 'production');
    expect(state.attestations.map((a) => a.item)).toEqual(['ops/backups']);
    expect(state.tampered).toEqual([
      { table: 'attestations', id: 2, why: 'no item.attested event records it (written outside gonogo)' },
    ]);
    expect((await store.checkedLatestRun('launch', 'production')).run?.verdict).toBe('GO');
  });
});
