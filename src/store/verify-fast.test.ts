import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../model/audit.js';
import { canonicalJsonV1 } from '../model/test-support/canonical-v1.js';
import { sqlLiteral as lit, perTest, storeBackends } from './test-support/backends.js';
import { attestFirst, seedNoGoRun } from './test-support/simple-rows.js';

/** Verify's fast paths and the evaluation's memo never hide a change, on both backends. */

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };

describe.each(backends)('fast verify on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)('a row or event altered after a cached evaluation is still caught', async () => {
    const { backend, store } = await fresh.store(`fast_cache_${name}`);
    await store.addAttestation({
      ...where,
      item: 'ops/dr',
      evidence: 'drill ✓',
      by: 'ana',
      at: '2026-11-20T10:00:00Z',
    });
    const run = await seedNoGoRun(store, where);
    // Two clean evaluations: the second is answered from what the first verified.
    for (let i = 0; i < 2; i++) {
      expect((await store.loadState('launch', 'production')).tampered).toBeUndefined();
      expect((await store.checkedLatestRun('launch', 'production')).tampered).toEqual([]);
    }
    // The attacker edits the row, and the run's outcome, with the head unchanged.
    await backend.raw(`update attestations set evidence = 'forged' where item = 'ops/dr'`);
    await backend.raw(`update run_results set status = 'pass' where run_id = ${run}`);
    const state = await store.loadState('launch', 'production');
    expect(state.attestations.map((a) => a.evidence)).toEqual(['drill ✓']);
    expect(state.tampered?.map((t) => t.why)).toEqual(['changed after its event: evidence differs']);
    const latest = await store.checkedLatestRun('launch', 'production');
    expect(latest.run).toBeUndefined();
    expect(latest.tampered.map((t) => t.why)).toEqual(['changed after its event: outcomes differs']);
    // Then the event itself, re-worded in place (triggers dropped first): no longer vouched for.
    await backend.dropAppendOnlyGuard();
    await backend.raw(
      `update audit_events set data = replace(data, 'drill', 'forged') where type = 'item.attested'`,
    );
    const again = await store.loadState('launch', 'production');
    expect(again.attestations).toEqual([]);
    expect(again.tampered?.map((t) => t.why)).toContain('its content no longer matches its hash');
    expect((await store.verifyAudit()).ok).toBe(false);
  });

  it.skipIf(!available)(
    'a chain stored as before (data not canonical) verifies, and an edit in it is named',
    async () => {
      const { backend, store } = await fresh.store(`fast_legacy_${name}`);
      await attestFirst(store, where);
      const head = await store.auditHead();
      // Events as 0.1 wrote them: data in insertion order, hashed with the 0.1 writer; rows bound.
      let prev = head!;
      const datas = [
        { item: 'ops/ünï', evidence: 'geçmeden İş ✓ "quoted"', expiresAt: '2027-01-01T00:00:00.000Z' },
        { item: 'ops/nested', evidence: 'x', file: { sha256: 'ab', name: 'r.pdf' } },
        {
          item: 'ops/value',
          evidence: 'y',
          value: '4h',
          skipped: undefined,
          n: [1.5, -0, 1e21, [{ b: 1, a: 2 }]],
        },
      ];
      for (const [i, data] of datas.entries()) {
        const e = {
          seq: prev.seq + 1,
          at: `2026-11-20T10:0${i}:00.000Z`,
          type: 'item.attested',
          actor: 'İlker',
          ...where,
          data,
        };
        const hash = createHash('sha256')
          .update(prev.hash + canonicalJsonV1(e))
          .digest('hex');
        await backend.raw(
          `insert into audit_events (seq, at, type, actor, checklist, environment, data, prev_hash, hash) values
           (${e.seq}, ${lit(e.at)}, 'item.attested', 'İlker', 'launch', 'production', ${lit(JSON.stringify(data))}, ${lit(prev.hash)}, ${lit(hash)})`,
        );
        const file = data.file as { name: string; sha256: string } | undefined;
        await backend.raw(
          `insert into attestations (checklist, environment, item, evidence, value, file_name, file_sha256, "by", at, expires_at, seq)
           values ('launch', 'production', ${lit(data.item)}, ${lit(data.evidence)}, ${lit((data as { value?: string }).value ?? null)},
           ${lit(file?.name ?? null)}, ${lit(file?.sha256 ?? null)}, 'İlker', ${lit(e.at)}, ${lit((data as { expiresAt?: string }).expiresAt ?? null)}, ${e.seq})`,
        );
        prev = { seq: e.seq, hash };
      }
      await backend.raw(`update audit_head set seq = ${prev.seq}, hash = ${lit(prev.hash)} where id = 1`);
      expect(prev.hash).not.toBe(GENESIS_HASH);
      const v = await store.verifyAudit();
      expect(v).toMatchObject({ ok: true, count: 4 });
      expect(v.tampered).toBeUndefined();
      expect((await store.loadState('launch', 'production')).attestations).toHaveLength(4);
      await backend.dropAppendOnlyGuard();
      await backend.raw(`update audit_events set data = replace(data, '4h', '8h') where seq = ${prev.seq}`);
      expect((await store.verifyAudit()).firstBad).toMatchObject({
        seq: prev.seq,
        reason: expect.stringMatching(/was edited/),
      });
    },
  );
});
