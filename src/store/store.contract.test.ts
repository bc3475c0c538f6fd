import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunRecord, type Store, StoreInputError, StoreUnavailableError } from '../engine/store.js';
import { emptySummary } from '../model/status.js';
import { testTempDir } from '../test-support/temp-dir.js';
import { openStore } from './index.js';
import { type Backend, perBlock, storeBackends } from './test-support/backends.js';

const backends = await storeBackends();

const T0 = '2026-11-20T09:00:00.000Z';
const later = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    checklist: 'launch',
    environment: 'production',
    digest: 'sha256:aaa',
    startedAt: T0,
    finishedAt: later(1),
    verdict: 'NO-GO',
    summary: { ...emptySummary(), pass: 1, fail: 1 },
    outcomes: [
      {
        item: 'obs/health',
        status: 'pass',
        observed: { status: 200, headers: { 'x-id': 'a' } },
        durationMs: 12.5,
      },
      { item: 'obs/redis', status: 'fail', message: 'connected — got false', at: later(1) },
    ],
    trigger: 'cli',
    ...overrides,
  };
}

describe.each(backends)('store contract: $name', ({ name, available, make }) => {
  const shared = perBlock(make);
  let backend: Backend;
  let store: Store;

  beforeAll(async () => {
    if (!available) return;
    ({ backend, store } = await shared.store('contract', { now: () => new Date(T0) }));
  });

  it.skipIf(!available)('opens again on a migrated store and answers ping', async () => {
    const again = await openStore(backend.url);
    expect(await again.ping()).toBe(true);
    await again.close();
    expect(await store.ping()).toBe(true);
  });

  it.skipIf(!available)('records a checklist once per digest and invalidates older sign-offs', async () => {
    await store.recordChecklist(
      { id: 'launch', name: 'Launch', digest: 'sha256:aaa', file: 'launch.md' },
      'ana',
    );
    await store.recordChecklist(
      { id: 'launch', name: 'Launch', digest: 'sha256:aaa', file: 'launch.md' },
      'ana',
    );
    let events = await store.listAudit({});
    expect(events.map((e) => e.type)).toEqual(['checklist.imported']);
    expect(events[0]).toMatchObject({ seq: 1, checklist: 'launch', actor: 'ana', at: T0 });
    expect(events[0]!.data).toEqual({ digest: 'sha256:aaa', name: 'Launch', file: 'launch.md' });

    await store.addSignoff({
      checklist: 'launch',
      environment: 'production',
      role: 'security',
      digest: 'sha256:aaa',
      by: 'sam',
      at: later(2),
    });
    await store.recordChecklist(
      { id: 'launch', name: 'Launch', digest: 'sha256:bbb', file: 'launch.md' },
      'ana',
    );
    events = await store.listAudit({ after: 1 });
    expect(events.map((e) => e.type)).toEqual(['signoff.given', 'checklist.imported', 'signoff.invalidated']);
    expect(events[1]!.data).toMatchObject({ digest: 'sha256:bbb', previous: 'sha256:aaa' });
    expect(events[2]).toMatchObject({ environment: 'production', data: { role: 'security', by: 'sam' } });
  });

  it.skipIf(!available)('saves runs with their outcomes and lists them newest first', async () => {
    const first = await store.saveRun(run());
    const second = await store.saveRun(run({ verdict: 'GO', finishedAt: later(5), outcomes: [] }));
    await store.saveRun(run({ environment: 'staging' }));
    expect(second).toBeGreaterThan(first);

    const latest = await store.latestRun('launch', 'production');
    expect(latest).toMatchObject({ id: second, verdict: 'GO', outcomes: [] });

    const [newest, older] = await store.listRuns('launch', 'production');
    expect(newest!.id).toBe(second);
    expect(older).toEqual({ ...run(), id: first });
    expect(await store.listRuns('launch', undefined, { limit: 1 })).toHaveLength(1);
    expect((await store.listRuns('launch', 'production', { before: second })).map((r) => r.id)).toEqual([
      first,
    ]);
    expect(await store.latestRun('launch', 'nowhere')).toBeUndefined();

    const completed = (await store.listAudit({ limit: 1000 })).filter((e) => e.type === 'run.completed');
    expect(completed[0]).toMatchObject({
      actor: 'cli',
      environment: 'production',
      data: { run: first, verdict: 'NO-GO', summary: { pass: 1, fail: 1 } },
    });
  });

  it.skipIf(!available)('saves a 1,234-item run in one piece, every field of every row', async () => {
    // Several chunks (INSERT_MAX_ROWS) of two sizes, with fields present on some rows and absent on others.
    const outcomes = Array.from({ length: 1234 }, (_, i) => ({
      item: `bulk/item-${String(i).padStart(4, '0')}`,
      status: i % 7 === 0 ? ('fail' as const) : ('pass' as const),
      ...(i % 7 === 0 ? { message: `status == 200 — got ${500 + (i % 4)}` } : {}),
      ...(i % 3 === 0 ? {} : { observed: { i, name: `n${i}` } }),
      ...(i % 5 === 0 ? {} : { durationMs: i }),
      ...(i % 2 === 0 ? { at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() } : {}),
    }));
    const id = await store.saveRun(run({ environment: 'bulk', outcomes }));
    const back = await store.latestRun('launch', 'bulk');
    expect(back?.id).toBe(id);
    expect(back?.outcomes).toEqual(outcomes);
  });

  it.skipIf(!available)('stores window samples per item and prunes old ones', async () => {
    await store.addSamples([
      { checklist: 'launch', environment: 'production', item: 'obs/health', at: later(10), ok: true },
      {
        checklist: 'launch',
        environment: 'production',
        item: 'obs/health',
        at: later(11),
        ok: false,
        message: '503',
      },
      { checklist: 'launch', environment: 'production', item: 'obs/health', at: later(12), ok: true },
      { checklist: 'launch', environment: 'staging', item: 'obs/health', at: later(11), ok: true },
      { checklist: 'launch', environment: 'production', item: 'obs/other', at: later(11), ok: true },
    ]);
    const samples = await store.listSamples('launch', 'production', 'obs/health', later(11));
    expect(samples).toEqual([
      {
        checklist: 'launch',
        environment: 'production',
        item: 'obs/health',
        at: later(11),
        ok: false,
        message: '503',
      },
      { checklist: 'launch', environment: 'production', item: 'obs/health', at: later(12), ok: true },
    ]);
    expect(await store.pruneSamples(later(11))).toBe(1);
    expect(await store.listSamples('launch', 'production', 'obs/health', T0)).toHaveLength(2);
  });

  it.skipIf(!available)('keeps attestations, waivers and sign-offs per environment', async () => {
    await store.addAttestation({
      checklist: 'launch',
      environment: 'production',
      item: 'ops/rto',
      evidence: 'DR drill 2026-11-02',
      value: '4h',
      file: { name: 'drill.pdf', sha256: 'c'.repeat(64) },
      by: 'ana',
      at: later(20),
      expiresAt: '2027-02-18T09:00:00Z',
    });
    await store.addWaiver({
      checklist: 'launch',
      environment: 'production',
      item: 'ops/backup',
      reason: 'restore test next sprint',
      owner: 'ops',
      by: 'lead',
      at: later(21),
      expiresAt: later(21 + 60 * 24 * 10),
    });
    await store.addWaiver({
      checklist: 'launch',
      environment: 'staging',
      item: 'ops/backup',
      reason: 'staging only',
      owner: 'ops',
      by: 'lead',
      at: later(22),
      expiresAt: later(22 + 60),
    });
    const state = await store.loadState('launch', 'production');
    expect(state.attestations).toEqual([
      {
        checklist: 'launch',
        environment: 'production',
        item: 'ops/rto',
        evidence: 'DR drill 2026-11-02',
        value: '4h',
        file: { name: 'drill.pdf', sha256: 'c'.repeat(64) },
        by: 'ana',
        at: later(20),
        expiresAt: '2027-02-18T09:00:00.000Z',
      },
    ]);
    expect(state.waivers.map((w) => w.reason)).toEqual(['restore test next sprint']);
    expect(state.signoffs.map((s) => [s.role, s.digest])).toEqual([['security', 'sha256:aaa']]);
    expect((await store.listWaivers('launch')).map((w) => w.environment)).toEqual(['staging', 'production']);
    expect(await store.listWaivers('other')).toEqual([]);

    const types = (await store.listAudit({ limit: 1000 })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['item.attested', 'waiver.granted']));
  });

  it.skipIf(!available)('creates tokens stored by hash and never logs the hash', async () => {
    const hash = 'd'.repeat(64);
    const t = await store.createToken(
      { name: 'ci', role: 'approver', signoffRoles: ['security'], hash },
      'ana',
    );
    expect(t).toMatchObject({ name: 'ci', role: 'approver', signoffRoles: ['security'], createdAt: T0 });
    expect(await store.findToken(hash)).toEqual(t);
    expect(await store.findToken('e'.repeat(64))).toBeUndefined();
    await expect(
      store.createToken({ name: 'dup', role: 'viewer', signoffRoles: [], hash }, 'ana'),
    ).rejects.toThrow();
    const events = await store.listAudit({ limit: 1000 });
    const created = events.filter((e) => e.type === 'token.created');
    expect(created).toHaveLength(1);
    expect(JSON.stringify(created)).not.toContain(hash);
  });

  it.skipIf(!available)(
    'keeps a token’s person, expiry, revocation and last use; sign-offs’ person and evidence',
    async () => {
      const hash = 'f'.repeat(64);
      const t = await store.createToken(
        { name: 'bo', role: 'viewer', signoffRoles: [], hash, person: 'Bo Berg', expiresAt: later(60) },
        'ana',
      );
      expect(t).toMatchObject({ person: 'Bo Berg', expiresAt: later(60) });
      await store.touchToken(t.id, later(1));
      await store.touchToken(t.id, later(1.5)); // within the minute: not written again
      expect(await store.findToken(hash)).toMatchObject({ lastUsedAt: later(1) });
      expect(await store.revokeToken(t.id, later(2), 'ana')).toMatchObject({ revokedAt: later(2) });
      expect(await store.revokeToken(t.id, later(3), 'ana')).toMatchObject({ revokedAt: later(2) });
      expect(await store.revokeToken(999_999, later(3), 'ana')).toBeUndefined();
      expect((await store.listTokens()).find((x) => x.id === t.id)).toMatchObject({ revokedAt: later(2) });
      const revoked = (await store.listAudit({ limit: 1000 })).filter((e) => e.type === 'token.revoked');
      expect(revoked.map((e) => e.data)).toEqual([{ id: t.id, name: 'bo' }]);

      const evidence = `sha256:${'9'.repeat(64)}`;
      await store.addSignoff({
        ...{ checklist: 'evidence', environment: 'production', role: 'security', digest: 'sha256:e' },
        ...{ by: 'bo', at: later(4), person: 'Bo Berg', evidence },
      });
      expect((await store.loadState('evidence', 'production')).signoffs).toEqual([
        expect.objectContaining({ by: 'bo', person: 'Bo Berg', evidence }),
      ]);
      expect((await store.verifyAudit()).ok).toBe(true);
    },
  );

  it.skipIf(!available)('appends atomically under concurrent writers and verifies intact', async () => {
    const before = (await store.verifyAudit()).count;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.appendAudit({ type: 'test.concurrent', actor: `w${i}`, data: { i } }),
      ),
    );
    const v = await store.verifyAudit();
    expect(v).toMatchObject({ ok: true, count: before + 20 });
    const events = await store.listAudit({ limit: 1000 });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(v.head).toEqual({ seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });
  });

  it.skipIf(!available)('pages through the log', async () => {
    const all = await store.listAudit({ limit: 1000 });
    const page = await store.listAudit({ after: 2, limit: 3 });
    expect(page.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page[0]).toEqual(all[2]);
  });

  it.skipIf(!available)('refuses UPDATE and DELETE on audit_events by default', async () => {
    await expect(backend.raw(`update audit_events set actor = 'mallory' where seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(backend.raw('delete from audit_events where seq = 1')).rejects.toThrow(/append-only/);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it.skipIf(!available)('refuses text holding NUL, naming the field, and records nothing', async () => {
    const before = (await store.verifyAudit()).count;
    const state = { checklist: 'launch', environment: 'nul', item: 'ops/rto', by: 'ana', at: later(30) };
    const cases: [string, Promise<unknown>][] = [
      ['evidence', store.addAttestation({ ...state, evidence: 'drill\u0000' })],
      [
        'file.name',
        store.addAttestation({ ...state, evidence: 'ok', file: { name: 'a\u0000.pdf', sha256: 'c' } }),
      ],
      ['reason', store.addWaiver({ ...state, reason: '\u0000', owner: 'ops', expiresAt: later(90) })],
      ['by', store.addSignoff({ ...state, role: 'security', digest: 'sha256:aaa', by: 'sam\u0000' })],
      ['actor', store.appendAudit({ type: 'test.nul', actor: 'x\u0000', data: {} })],
    ];
    for (const [field, attempt] of cases) {
      const err = await attempt.catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(StoreInputError);
      expect((err as StoreInputError).field).toBe(field);
    }
    expect(await store.loadState('launch', 'nul')).toEqual({ attestations: [], waivers: [], signoffs: [] });
    expect((await store.verifyAudit()).count).toBe(before);
  });

  it.skipIf(!available)('keeps a run whose observed text holds NUL, the NUL shown as U+FFFD', async () => {
    const outcomes = [
      { item: 'obs/cmd', status: 'fail' as const, message: 'got a\u0000b', observed: { out: '\u0000' } },
    ];
    await store.saveRun(run({ environment: 'nul-run', outcomes }));
    const back = await store.latestRun('launch', 'nul-run');
    expect(back?.outcomes).toEqual([{ ...outcomes[0], message: 'got a\uFFFDb' }]);
  });

  it.skipIf(!available)('refuses a bad time as input naming the field', async () => {
    const err = await store
      .addWaiver({
        checklist: 'launch',
        environment: 'x',
        item: 'i',
        reason: 'r',
        owner: 'o',
        by: 'b',
        at: T0,
        expiresAt: 'soon',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreInputError);
    expect((err as StoreInputError).field).toBe('expiresAt');
  });

  it.skipIf(!available || name !== 'postgres')(
    'reports lost connections as unavailable, then recovers',
    async () => {
      const other = await openStore(backend.url);
      try {
        // A transaction that holds its connection while the backend is terminated under it.
        const held = other.appendAudit({ type: 'test.gone', actor: 'x', data: {} }).then(
          () => undefined,
          (e: unknown) => e,
        );
        await backend.raw(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
        // It either committed before the kill or failed as unavailable: never a raw driver error.
        const outcome = await held;
        if (outcome !== undefined) expect(outcome).toBeInstanceOf(StoreUnavailableError);
        // Every pooled connection is dead now: the next calls still succeed on fresh ones.
        expect(await other.ping()).toBe(true);
        await other.appendAudit({ type: 'test.after-gone', actor: 'x', data: {} });
        expect((await other.verifyAudit()).ok).toBe(true);
      } finally {
        await other.close();
      }
    },
  );

  it.skipIf(!available)(`reports a store it cannot open (${name})`, async () => {
    if (name === 'sqlite') {
      const dir = testTempDir('gonogo-bad-');
      const notDb = join(dir, 'notes.txt');
      writeFileSync(notDb, 'this is not a database, just some text that is long enough '.repeat(20));
      await expect(openStore(notDb)).rejects.toThrow(/not a gonogo store/);
      await expect(openStore(dir)).rejects.toThrow(/is a directory/);
      const refused = await openStore('mysql://root:p@ss@host/x').catch((e: Error) => e);
      expect(String(refused)).toMatch(/unsupported store mysql:\/\/root:\*\*\*@host\/x/);
    } else {
      const err = await openStore('postgres://gonogo:s3cret-pw@127.0.0.1:1/nothing').catch((e: Error) => e);
      expect(String(err)).toMatch(/cannot reach PostgreSQL/);
      expect(String(err)).not.toContain('s3cret-pw');
    }
  });
});
