import { afterEach, describe, expect, it } from 'vitest';
import { describeTampered, sha256Hex } from '../model/audit.js';
import { openStore } from './index.js';
import { type Backend, storeBackends } from './test-support/backends.js';

/**
 * Verify's fast reads (verify-sql.ts) let the database splice each event's hashed text and certify the
 * state rows that match their event. Whatever it cannot vouch for must still be judged, and named, as
 * the checks in JavaScript name it: on both backends, every alteration here is caught, by name, and the
 * evaluation's own comparison (loadState) finds the same rows.
 */

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };
const at = (m: number) => `2026-11-20T10:${String(m).padStart(2, '0')}:00.000Z`;
// Text JSON escapes (quote, backslash, control characters), and text it leaves as it is (U+2028, é, emoji).
const awkward = 'say "hi" \\ back\u0001\n\tline\u2028 é 🚀 </x>';

describe.each(backends)('verify through the database on $name', ({ name, available, make }) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.cleanup();
    backend = undefined;
  });

  it.skipIf(!available)('every state row the database cannot certify is judged as before', async () => {
    backend = await make(`verify_sql_state_${name}`);
    const store = await openStore(backend.url);
    try {
      // Attestation rows 1..8, waiver rows 1..3, sign-off rows 1..3, in this order of events.
      const attest = (i: number, extra: object = {}) =>
        store.addAttestation({
          ...where,
          item: `ops/a${i}`,
          evidence: `e${i}`,
          by: 'ana',
          at: at(i),
          ...extra,
        });
      await attest(1, { evidence: awkward, by: awkward });
      await attest(2, { expiresAt: '2027-01-01T00:00:00.000Z' });
      await attest(3);
      await attest(4, { file: { name: 'r.pdf', sha256: 'ab' } });
      await attest(5, { value: '4h' });
      await attest(6);
      await attest(7);
      await attest(8);
      for (let i = 1; i <= 3; i++) {
        await store.addWaiver({
          ...where,
          item: `ops/w${i}`,
          reason: i === 1 ? awkward : 'vendor',
          owner: 'sre',
          by: 'lead',
          at: at(20 + i),
          expiresAt: '2026-12-30T00:00:00.000Z',
        });
      }
      for (const [i, role] of ['engineering', 'security', 'product'].entries()) {
        await store.addSignoff({
          ...where,
          role,
          digest: 'sha256:01',
          by: `${role}-lead`,
          at: at(30 + i),
          ...(i === 0 ? { person: 'Zoë', evidence: 'sha256:ev' } : {}),
        });
      }
      const intact = await store.verifyAudit();
      expect(intact).toMatchObject({ ok: true, count: 14 });
      expect(intact.tampered).toBeUndefined();

      await backend.raw(
        `update attestations set expires_at = '' where id = 3;
         update attestations set value = '' where id = 6;
         update attestations set file_sha256 = null where id = 4;
         update attestations set expires_at = '2027-01-02T00:00:00.000Z' where id = 2;
         update attestations set checklist = 'launch2' where id = 7;
         update attestations set "by" = 'mallory', at = '${at(59)}' where id = 8;
         update attestations set evidence = '${awkward.replaceAll("'", "''")} ' where id = 1;
         update waivers set owner = 'nobody' where id = 2;
         update waivers set seq = (select seq from attestations where id = 5) where id = 3;
         update signoffs set person = null where id = 1;
         update signoffs set evidence = 'sha256:added' where id = 2`,
      );
      const v = await store.verifyAudit();
      const named = (v.tampered ?? []).map(describeTampered);
      expect(v.ok).toBe(false);
      expect(named).toEqual([
        'attestations row 1 (event 1): changed after its event: evidence differs',
        'attestations row 2 (event 2): changed after its event: expiresAt differs',
        'attestations row 3 (event 3): changed after its event: expiresAt differs',
        'attestations row 4 (event 4): changed after its event: file differs',
        'attestations row 6 (event 6): changed after its event: value differs',
        'attestations row 7 (event 7): changed after its event: checklist differs',
        'attestations row 8 (event 8): changed after its event: by, at differ',
        'waivers row 2 (event 10): changed after its event: owner differs',
        'waivers row 3 (event 5): no waiver.granted event records it (written outside gonogo)',
        'waivers row (event 11): deleted: its waiver.granted event says it exists',
        'signoffs row 1 (event 12): changed after its event: person differs',
        'signoffs row 2 (event 13): changed after its event: evidence differs',
      ]);
      // The evaluation judges its rows the same way; row 7 left the checklist, so to it event 7 has none.
      const state = await store.loadState('launch', 'production');
      const seen = (state.tampered ?? []).map(describeTampered).sort();
      expect(seen).toEqual(
        [
          ...named.filter((n) => !n.startsWith('attestations row 7')),
          'attestations row (event 7): deleted: its item.attested event says it exists',
        ].sort(),
      );
    } finally {
      await store.close();
    }
  });

  it.skipIf(!available)('an event whose text the database cannot splice is checked in full', async () => {
    backend = await make(`verify_sql_chain_${name}`);
    const store = await openStore(backend.url);
    try {
      for (let i = 1; i <= 4; i++) {
        await store.addAttestation({
          ...where,
          item: `ops/a${i}`,
          evidence: awkward,
          by: `${awkward}${i}`,
          at: at(i),
        });
      }
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 4 });
      await backend.dropAppendOnlyGuard();
      // A prev_hash that starts with the right hash and goes on, its own hash recomputed to match: the
      // link is still wrong.
      const [, , third] = (await store.listAudit({})).slice(0, 3);
      const prev = `${third!.prevHash}{"x":1}`;
      const text = `{"actor":${JSON.stringify(third!.actor)},"at":"${third!.at}","checklist":"launch","data":${JSON.stringify(third!.data)},"environment":"production","seq":3,"type":"item.attested"}`;
      await backend.raw(
        `update audit_events set prev_hash = '${prev}', hash = '${sha256Hex(prev + text)}' where seq = 3`,
      );
      expect((await store.verifyAudit()).firstBad).toEqual({
        seq: 3,
        reason: 'event 3 was moved or replaced: its prev_hash does not match the hash of event 2',
      });
      if (name === 'sqlite') {
        // The same bytes stored as a BLOB are not the text that was hashed.
        await backend.raw(
          `update audit_events set prev_hash = '${third!.prevHash}', hash = '${third!.hash}' where seq = 3;
           update audit_events set actor = cast(actor as blob) where seq = 2`,
        );
        expect((await store.verifyAudit()).firstBad).toEqual({
          seq: 2,
          reason: 'event 2 (item.attested) was edited: its content no longer matches its hash',
        });
      }
    } finally {
      await store.close();
    }
  });
});
