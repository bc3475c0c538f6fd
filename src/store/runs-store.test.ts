import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../engine/store.js';
import { canonicalJson } from '../model/audit.js';
import { markShared } from '../model/shared-text.js';
import type { CheckOutcome } from '../model/state.js';
import { outcomesDigest } from './state-binding.js';
import { perTest, storeBackends } from './test-support/backends.js';
import { oddOutcomes } from './test-support/odd-outcomes.js';

/**
 * saveRun digests the outcomes from the values in memory instead of parsing back the JSON it stores:
 * the digest in the run's event must still be the one a reader computes from the stored rows, whatever
 * the observed values hold (keys out of order, values JSON writes differently or drops).
 */

const backends = await storeBackends();

const observed = {
  status: 200,
  headers: { 'x-b': '2', 'content-type': 'application/json', 'x-a': '1' },
  body: { z: [3, 1, { y: null, x: undefined }], a: 'é \u2028 \ud83d\ude00', '10': true, '2': false },
  when: new Date('2026-11-20T10:00:00.000Z'),
  list: [undefined, Number.NaN, -0, 1e21, 0.1],
  gone: undefined,
  big: Number.POSITIVE_INFINITY,
};

const run: RunRecord = {
  checklist: 'launch',
  environment: 'production',
  digest: 'sha256:11',
  startedAt: '2026-11-20T10:00:00.000Z',
  finishedAt: '2026-11-20T10:00:05.000Z',
  verdict: 'NO-GO',
  summary: { pass: 2, fail: 1, error: 0, pending: 0, waived: 0, skipped: 0 },
  outcomes: [
    { item: 'ops/b', status: 'pass', observed, durationMs: 12, at: '2026-11-20T10:00:01.000Z' },
    { item: 'ops/a', status: 'fail', message: 'status == 200 — got status=503', observed: { status: 503 } },
    { item: 'ops/c', status: 'pass', durationMs: 0 },
  ],
  trigger: 'cli',
};

describe.each(backends)('runs on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)('a saved run is vouched for by its event, odd observed values included', async () => {
    const { store } = await fresh.store(`runs_store_${name}`);
    const id = await store.saveRun(run);
    const checked = await store.checkedLatestRun('launch', 'production');
    expect(checked.tampered).toEqual([]);
    expect(checked.run?.id).toBe(id);
    expect(checked.run?.outcomes.find((o) => o.item === 'ops/b')?.observed).toEqual(
      JSON.parse(JSON.stringify(observed)),
    );
    const verified = await store.verifyAudit();
    expect(verified.ok).toBe(true);
  });

  it.skipIf(!available)(
    'a run of more results than one INSERT holds is stored and vouched whole',
    async () => {
      const { store } = await fresh.store(`runs_store_long_${name}`);
      // Rows are made a chunk at a time for their INSERTs: every outcome must still be stored as written
      // (messages kept, times normalised) and the event's digest must be that of the rows read back.
      const outcomes: CheckOutcome[] = Array.from({ length: 1234 }, (_, i) => ({
        item: `ops/item-${(i * 7919) % 1234}`,
        status: i % 5 === 0 ? 'fail' : 'pass',
        ...(i % 5 === 0 ? { message: `got ${i}\u0000 😀` } : {}),
        ...(i % 3 === 0
          ? {}
          : { observed: { status: 200, headers: { 'x-i': String(i) }, body: { b: [i, null] } } }),
        ...(i % 7 === 0 ? {} : { durationMs: i % 97 }),
        ...(i % 11 === 0 ? {} : { at: `2026-11-20T10:${String(i % 60).padStart(2, '0')}:00Z` }),
      }));
      const id = await store.saveRun({ ...run, outcomes });
      const checked = await store.checkedLatestRun('launch', 'production');
      expect(checked.tampered).toEqual([]);
      expect(checked.run?.id).toBe(id);
      const byItem = new Map(checked.run!.outcomes.map((o) => [o.item, o]));
      expect(byItem.size).toBe(outcomes.length);
      for (const o of outcomes) {
        expect(byItem.get(o.item)).toEqual({
          item: o.item,
          status: o.status,
          ...(o.message !== undefined ? { message: o.message.replaceAll('\u0000', '\uFFFD') } : {}),
          ...(o.observed !== undefined ? { observed: o.observed } : {}),
          ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
          ...(o.at !== undefined ? { at: new Date(o.at).toISOString() } : {}),
        });
      }
      expect((await store.verifyAudit()).ok).toBe(true);
    },
  );
  it.skipIf(!available || name !== 'sqlite')(
    "a run's rows are written in the primary key's order (by item), whatever the run's order",
    async () => {
      const { backend, store } = await fresh.store(`runs_store_order_${name}`);
      // A checklist's slugs come in any order; written as they came, each row went into the middle of
      // the (run_id, item) index. Code-unit order: 'é' (U+00E9) after 'z', '\u{1F600}' after both.
      const items = ['ops/z', 'ops/a', 'ops/é', 'ops/\u{1F600}', 'ops/item-10', 'ops/item-9', 'ops/B'];
      const outcomes: CheckOutcome[] = items.map((item) => ({ item, status: 'pass' }));
      const id = await store.saveRun({ ...run, outcomes });
      const db = new Database(backend.url, { readonly: true });
      try {
        const rows = db.prepare('select item from run_results where run_id = ? order by rowid').all(id);
        expect(rows.map((r) => (r as { item: string }).item)).toEqual([
          'ops/B',
          'ops/a',
          'ops/item-10',
          'ops/item-9',
          'ops/z',
          'ops/é',
          'ops/\u{1F600}',
        ]);
      } finally {
        db.close();
      }
      const read = (await store.checkedLatestRun('launch', 'production')).run!;
      expect(read.outcomes.map((o) => o.item)).toEqual([...items].sort());
      expect((await store.verifyAudit()).ok).toBe(true);
    },
  );

  it.skipIf(!available)(
    "the event's digest is that of the rows read back, for outcomes of every odd form",
    async () => {
      const { store } = await fresh.store(`runs_store_odd_${name}`);
      // storedOutcome derives each stored field without building and reading back its row: every way a
      // field is stored (NULL, normalised, kept as it is) must give the digest a reader computes.
      const headers = Object.freeze({ server: 'nginx', 'x-b': '2', 'content-length': '11' });
      markShared(headers);
      const messages = [undefined, '', 'got\u0000 503 😀', 'status == 200 — got status=503'];
      const observeds: unknown[] = [
        undefined,
        null,
        {},
        { status: 200, headers, body: { ok: true } },
        { status: 200, headers, when: new Date('2026-11-20T10:00:00Z'), gone: undefined },
        { n: Number.NaN, z: -0, list: [undefined, 1e21], d: { toJSON: () => ({ b: 1, a: 2 }) } },
      ];
      const durations = [undefined, 0, 12.5, 44];
      const times = [
        undefined,
        '',
        '2026-11-20T11:00:00+01:00',
        '2026-11-20T10:00:00.5Z',
        '2026-11-20T10:00:00.000Z',
      ];
      const outcomes = oddOutcomes(240, { messages, observeds, durations, times });
      await store.saveRun({ ...run, outcomes });
      const checked = await store.checkedLatestRun('launch', 'production');
      expect(checked.tampered).toEqual([]);
      const event = (await store.listAudit({})).find((e) => e.type === 'run.completed')!;
      expect(event.data.outcomes).toBe(outcomesDigest(checked.run!.outcomes));
      expect((await store.verifyAudit()).ok).toBe(true);
    },
  );

  it.skipIf(!available)(
    'times are normalised once per save, and a time that is none is refused whatever came before it',
    async () => {
      const { store } = await fresh.store(`runs_store_times_${name}`);
      const at = '2026-11-20T11:00:00+01:00';
      const outcomes = (bad: boolean): CheckOutcome[] =>
        Array.from({ length: 600 }, (_, i) => ({
          item: `ops/t-${i}`,
          status: 'pass',
          at: bad && i === 599 ? 'soon' : i % 2 ? at : '2026-11-20T10:00:00.5Z',
        }));
      await expect(store.saveRun({ ...run, outcomes: outcomes(true) })).rejects.toThrow(
        'at: "soon" is not an ISO date-time',
      );
      expect((await store.checkedLatestRun('launch', 'production')).run).toBeUndefined();
      await store.saveRun({ ...run, outcomes: outcomes(false) });
      const saved = (await store.checkedLatestRun('launch', 'production')).run!;
      expect(new Set(saved.outcomes.map((o) => o.at))).toEqual(
        new Set(['2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.500Z']),
      );
      expect((await store.verifyAudit()).ok).toBe(true);
    },
  );
});

describe('outcomesDigest', () => {
  it('is the sha256 of the canonical JSON of the outcomes sorted by item, however long the run', () => {
    const outcomes: CheckOutcome[] = Array.from({ length: 3000 }, (_, i) => ({
      item: `ops/é-${(i * 7919) % 3000}`,
      status: i % 3 === 0 ? 'fail' : 'pass',
      ...(i % 3 === 0 ? { message: `status == 200 — got status=${500 + (i % 4)} 😀` } : {}),
      observed: {
        status: 200,
        headers: { 'x-b': String(i), 'content-type': 'application/json' },
        list: [i, null],
      },
      durationMs: i % 50,
    }));
    const sorted = [...outcomes].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    const whole = createHash('sha256').update(canonicalJson(sorted), 'utf8').digest('hex');
    expect(canonicalJson(sorted).length).toBeGreaterThan(3 * 64 * 1024);
    expect(outcomesDigest(outcomes)).toBe(`sha256:${whole}`);
    expect(outcomesDigest([])).toBe(`sha256:${createHash('sha256').update('[]').digest('hex')}`);
  });
});
