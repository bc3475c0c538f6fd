import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { canonicalJson } from '../model/audit.js';
import { jsonListDigest } from '../model/list-digest.js';
import { outcomeOfRow, outcomesDigest } from './state-binding.js';
import { perTest, storeBackends, withStore } from './test-support/backends.js';
import { RESULT_COLUMNS, rowOf } from './verify-rows.js';
import { storedOutcomesDigest, storedOutcomeText } from './verify-runs.js';

/**
 * A run row written straight into its event's text (verify-runs.ts) must give the bytes the full
 * comparison's objects give, and a run changed in any field must still be named as that comparison names it.
 */

// run_id, item, status, message, observed, duration_ms, at
const ROWS: unknown[][] = [
  [1, 'ops/a', 'pass', null, null, null, null],
  [1, 'ops/b', 'fail', 'status == 503 "q"\n', '{"status":503,"b":{"z":1,"a":[2,{"y":0,"x":null}]}}', 10, 'T'],
  [1, 'ünï/😀', 'error', '', '{}', 0.1, '2026-01-01T00:00:00.000Z'],
  [1, 'c', 'pass', null, '{"__proto__":{"a":1},"toJSON":"x"}', -0, null],
  [1, 'd', 'pass', null, '[1,"a",null]', Number.NaN, null],
  [1, 'e', 'pass', null, '"text"', 1e21, null],
  [1, 'f', 'skip', null, null, '12', null],
  // Not the types gonogo writes: a blob item, a number status, a number message, a blob time.
  [1, Buffer.from('blob'), 'pass', null, null, null, null],
  [1, 'g', 7, null, null, null, null],
  [1, 'h', 'pass', 5, null, null, null],
  [1, 'i', 'pass', null, null, null, Buffer.from('t')],
];

describe('storedOutcomeText', () => {
  it.each(ROWS.map((r, i) => [i, r]))('row %i is written as canonicalJson(outcomeOfRow(row))', (_i, r) => {
    expect(storedOutcomeText(r)).toBe(canonicalJson(outcomeOfRow(rowOf(RESULT_COLUMNS, r) as never)));
  });

  it('a list digest is the one outcomesDigest takes, sorted by item as it sorts', () => {
    const rows = ROWS.filter((r) => typeof r[1] === 'string').reverse();
    const outcomes = rows.map((r) => outcomeOfRow(rowOf(RESULT_COLUMNS, r) as never));
    expect(storedOutcomesDigest(rows)).toBe(outcomesDigest(outcomes));
    expect(storedOutcomesDigest([])).toBe(outcomesDigest([]));
  });

  it('throws on observed that is not JSON, as reading the outcome did', () => {
    expect(() => storedOutcomeText([1, 'a', 'pass', null, '{', null, null])).toThrow(SyntaxError);
  });
});

describe('jsonListDigest', () => {
  it('hashes a short list in one call and a long one in pieces, to the same digest', () => {
    for (const n of [0, 1, 3, 700, 5000]) {
      const items = Array.from({ length: n }, (_, i) => ({ i, s: 'x'.repeat(i % 40) }));
      const whole = `sha256:${createHash('sha256').update(JSON.stringify(items)).digest('hex')}`;
      expect(jsonListDigest(items, (x) => JSON.stringify(x))).toBe(whole);
    }
  });
});

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };

async function seed(store: Store): Promise<void> {
  for (const [i, verdict] of (['GO', 'NO-GO'] as const).entries()) {
    await store.saveRun({
      ...where,
      digest: `sha256:1${i}`,
      startedAt: `2026-11-20T10:0${i}:00.000Z`,
      finishedAt: `2026-11-20T10:0${i}:05.000Z`,
      verdict,
      summary: { pass: 1, fail: i, error: 0, pending: 0, waived: 0, skipped: 0 },
      outcomes: [
        { item: 'ops/z', status: 'pass', durationMs: 12.5, at: '2026-11-20T10:00:01.000Z' },
        {
          item: 'ops/api',
          status: 'fail',
          message: 'status == 503',
          observed: { status: 503, h: { b: 1, a: 2 } },
        },
      ],
      trigger: i === 0 ? 'cli' : 'api:deploy',
    });
  }
}

describe.each(backends)('verify of runs on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)(
    'a run changed in any field is named by that field, the other run stands',
    async () => {
      const { backend, store } = await fresh.store(`vruns_${name}`);
      await seed(store);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2 });
      await backend.dropAppendOnlyGuard();
      const changes: [string, string][] = [
        [`update runs set verdict = 'GO' where id = 2`, 'verdict'],
        [
          `update runs set summary = '{"pass":1,"fail":0,"error":0,"pending":0,"waived":0,"skipped":0}' where id = 2`,
          'summary',
        ],
        [`update runs set started_at = '2026-11-20T09:00:00.000Z' where id = 2`, 'startedAt'],
        [`update runs set finished_at = '2026-11-20T09:00:00.000Z' where id = 2`, 'finishedAt'],
        [`update runs set trigger = 'cli' where id = 2`, 'trigger'],
        [`update runs set digest = 'sha256:99' where id = 2`, 'digest'],
        [`update runs set environment = 'staging' where id = 2`, 'environment'],
        [`update run_results set message = null where run_id = 2`, 'outcomes'],
        [`update run_results set duration_ms = 13 where run_id = 2`, 'outcomes'],
        [`delete from run_results where run_id = 2 and item = 'ops/z'`, 'outcomes'],
      ];
      for (const [change, field] of changes) {
        // Each change on a fresh store: seed, break one thing, verify.
        await withStore(make, `vruns_${name}_c`, async ({ backend: copy, store: s }) => {
          await seed(s);
          await copy.dropAppendOnlyGuard();
          await copy.raw(change);
          expect((await s.verifyAudit()).tampered, change).toEqual([
            { table: 'runs', id: 2, seq: 2, why: `changed after its event: ${field} differs` },
          ]);
        });
      }
    },
  );

  it.skipIf(!available)(
    'a summary stored in another key order still stands; a deleted run is named',
    async () => {
      const { backend, store } = await fresh.store(`vruns_order_${name}`);
      await seed(store);
      await backend.dropAppendOnlyGuard();
      await backend.raw(
        `update runs set summary = '{ "skipped":0, "waived":0, "pending":0, "error":0, "fail":1, "pass":1 }' where id = 2`,
      );
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 2, head: await store.auditHead() });
      await backend.raw(`delete from run_results where run_id = 1`);
      await backend.raw(`delete from runs where id = 1`);
      expect((await store.verifyAudit()).tampered).toEqual([
        { table: 'runs', seq: 1, why: 'deleted: its run.completed event records run 1' },
      ]);
    },
  );
});
