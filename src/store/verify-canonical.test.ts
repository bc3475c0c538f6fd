import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Store } from '../engine/store.js';
import { canonicalJson, GENESIS_HASH, hashedText, sha256Hex } from '../model/audit.js';
import { canonicalJsonV1 } from '../model/test-support/canonical-v1.js';
import { openStore } from './index.js';
import { vouchedEvents } from './state-binding.js';
import { type Backend, sqlLiteral as lit, storeBackends } from './test-support/backends.js';
import { seedSimpleRows } from './test-support/simple-rows.js';
import { SPLICED_PAGE, VERIFY_PAGE } from './verify-pages.js';
import { SPLICES } from './verify-rows.js';

/**
 * An event whose stored data text is not canonical JSON, with its hash recomputed over that text as it
 * stands, is refused as edited: the published hash is sha256(prev_hash ‖ canonical_json(event)), and
 * an independent verifier following it refuses the event too. The answer is the same wherever the event
 * sits: while verify hashes stored texts as they are, after an older event that needed canonicalising,
 * and on either side of where a page of events ends.
 */

const backends = await storeBackends();
const AT = '2026-11-20T10:00:00.000Z';

/** How an event of a written chain is stored and hashed. */
type Kind =
  | 'canonical'
  /** Stored in insertion order, hashed over its canonical form (as versions before 0.2 wrote it). */
  | 'older'
  /** Stored as `text`, not canonical, with its hash computed over that text as it stands. */
  | { crafted: string };

/** Data texts that are not canonical, and the break each one is refused with. */
const CRAFTED: { name: string; text: string; reason: (seq: number) => string }[] = [
  ['keys out of order', '{"role":"viewer","name":"deploy"}'],
  ['whitespace', '{"name": "deploy","role":"viewer"}'],
  ['a number written 1.0', '{"id":1.0,"name":"deploy"}'],
  ['an escape JSON.stringify does not write', '{"name":"\\u0064eploy","role":"viewer"}'],
  ['a key twice', '{"name":"deploy","name":"deploy"}'],
].map(([name, text]) => ({
  name: name!,
  text: text!,
  reason: (seq: number) => `event ${seq} (token.created) was edited: its content no longer matches its hash`,
}));
const NOT_JSON = {
  name: 'not JSON at all',
  text: '{"name":"deploy"',
  reason: (seq: number) => `event ${seq} was edited: its data is not valid JSON`,
};

/** The chain's definition, followed from `audit list` with an earlier, separate canonical writer. */
async function independentFirstBad(store: Store): Promise<number | undefined> {
  let prev = GENESIS_HASH;
  for (let after = 0; ; ) {
    const events: AuditEvent[] = await store.listAudit({ after, limit: 1000 });
    if (events.length === 0) return undefined;
    for (const { prevHash, hash, ...e } of events) {
      const content = { seq: e.seq, at: e.at, type: e.type, actor: e.actor, ...where(e), data: e.data };
      if (prevHash !== prev || sha256Hex(prev + canonicalJsonV1(content)) !== hash) return e.seq;
      prev = hash;
      after = e.seq;
    }
  }
}
const where = (e: { checklist: string | null; environment: string | null }) => ({
  checklist: e.checklist,
  environment: e.environment,
});

describe.each(backends)('an event stored other than canonical, on $name', ({ name, available, make }) => {
  let backend: Backend;
  let store: Store;
  beforeAll(async () => {
    if (!available) return;
    backend = await make(`verify_canonical_${name}`);
    store = await openStore(backend.url);
    await backend.dropAppendOnlyGuard();
  });
  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  /** Replace the whole chain by `n` token.created events, event `seq` stored as `kind(seq)` says. */
  async function writeChain(n: number, kind: (seq: number) => Kind): Promise<void> {
    let prev = GENESIS_HASH;
    const rows: string[] = [];
    for (let seq = 1; seq <= n; seq++) {
      const data = { role: 'viewer', name: `token-${seq}`, id: seq };
      const e = { seq, at: AT, type: 'token.created', actor: 'ana', checklist: null, environment: null };
      const k = kind(seq);
      const canonical = canonicalJson(data);
      const dataText = k === 'canonical' ? canonical : k === 'older' ? JSON.stringify(data) : k.crafted;
      const hashedOver = k === 'older' ? canonical : dataText;
      const hash = sha256Hex(prev + hashedText({ ...e, dataText: hashedOver })!);
      rows.push(
        `(${seq}, ${lit(AT)}, 'token.created', 'ana', null, null, ${lit(dataText)}, ${lit(prev)}, ${lit(hash)})`,
      );
      prev = hash;
    }
    await backend.raw(
      `delete from audit_events;
       insert into audit_events (seq, at, type, actor, checklist, environment, data, prev_hash, hash) values ${rows.join(',')};
       delete from audit_head;
       insert into audit_head (id, seq, hash) values (1, ${n}, ${lit(prev)})`,
    );
  }

  /** verify's answer, checked against the independent verifier's. */
  async function verdict() {
    const v = await store.verifyAudit();
    expect(v.firstBad?.seq).toBe(await independentFirstBad(store));
    return v;
  }

  it.skipIf(!available)('is refused as edited while stored texts are hashed as they stand', async () => {
    for (const c of [...CRAFTED, NOT_JSON]) {
      await writeChain(6, (seq) => (seq === 4 ? { crafted: c.text } : 'canonical'));
      expect(await verdict(), c.name).toEqual({
        ok: false,
        count: 3,
        firstBad: { seq: 4, reason: c.reason(4) },
      });
    }
  });

  it.skipIf(!available)(
    'is refused the same right after an older event that needed canonicalising',
    async () => {
      for (const c of [...CRAFTED, NOT_JSON]) {
        await writeChain(6, (seq) => (seq === 4 ? { crafted: c.text } : seq === 3 ? 'older' : 'canonical'));
        expect(await verdict(), c.name).toEqual({
          ok: false,
          count: 3,
          firstBad: { seq: 4, reason: c.reason(4) },
        });
      }
    },
  );

  it.skipIf(!available)('an older event hashed over its canonical form still verifies intact', async () => {
    await writeChain(6, (seq) => (seq === 2 || seq === 3 ? 'older' : 'canonical'));
    expect(await verdict()).toMatchObject({ ok: true, count: 6 });
  });

  it.skipIf(!available)('is refused the same on either side of where a page of events ends', async () => {
    // Where verify's pages end on this backend (SQLite reads spliced pages while the chain is canonical).
    const page = SPLICES[name] ? SPLICED_PAGE : VERIFY_PAGE[name];
    for (const c of [CRAFTED[0]!, NOT_JSON]) {
      for (const at of [page, page + 1]) {
        for (const older of [undefined, page - 1, at - 1]) {
          await writeChain(page + 3, (seq) =>
            seq === at ? { crafted: c.text } : seq === older ? 'older' : 'canonical',
          );
          expect(await verdict(), `${c.name}, event ${at}, older ${older}`).toEqual({
            ok: false,
            count: at - 1,
            firstBad: { seq: at, reason: c.reason(at) },
          });
        }
      }
    }
    await writeChain(page + 3, (seq) => (seq === page - 1 || seq === page + 1 ? 'older' : 'canonical'));
    expect(await verdict()).toMatchObject({ ok: true, count: page + 3 });
  });
});

describe.each(backends)("gonogo's own chain on $name", ({ name, available, make }) => {
  it.skipIf(!available)(
    'a bound event rewritten so, its row left as it was, is refused (its row does not vouch for it)',
    async () => {
      const backend = await make(`verify_canonical_bound_${name}`);
      const store = await openStore(backend.url);
      try {
        await seedSimpleRows(store, { checklist: 'launch', environment: 'production' }, AT);
        const events = await store.listAudit({ limit: 1000 });
        const last = events.at(-1)!;
        expect(last.type).toBe('signoff.given');
        // The same data, keys in another order, hashed as it stands: the row still says what it says.
        const { digest, ...rest } = last.data;
        const dataText = JSON.stringify({ ...rest, digest });
        expect(dataText).not.toBe(canonicalJson(last.data));
        const hash = sha256Hex(last.prevHash + hashedText({ ...last, dataText })!);
        await backend.dropAppendOnlyGuard();
        await backend.raw(
          `update audit_events set data = ${lit(dataText)}, hash = ${lit(hash)} where seq = ${last.seq};
           update audit_head set hash = ${lit(hash)} where id = 1`,
        );
        expect(await store.verifyAudit()).toEqual({
          ok: false,
          count: last.seq - 1,
          firstBad: {
            seq: last.seq,
            reason: `event ${last.seq} (signoff.given) was edited: its content no longer matches its hash`,
          },
        });
        expect(await independentFirstBad(store)).toBe(last.seq);
      } finally {
        await store.close();
        await backend.cleanup();
      }
    },
  );

  it.skipIf(!available)('verifies intact, as the independent verifier finds', async () => {
    const backend = await make(`verify_canonical_own_${name}`);
    const store = await openStore(backend.url);
    try {
      await seedSimpleRows(store, { checklist: 'launch', environment: 'production' }, AT);
      await store.appendAudit({
        at: AT,
        type: 'checklist.imported',
        actor: 'İlker "q"',
        checklist: 'launch',
        environment: undefined,
        data: { z: [1.5, -0, 1e21, 'a\u2028b😀'], a: { '10': null, '2': true, b: '' }, n: 7 },
      });
      expect(await store.verifyAudit()).toMatchObject({ ok: true, head: await store.auditHead() });
      expect(await independentFirstBad(store)).toBeUndefined();
    } finally {
      await store.close();
      await backend.cleanup();
    }
  });
});

it('an evaluation does not take such an event as vouched for either (the same rule as verify)', () => {
  const row = (seq: number, prev: string, dataText: string, hashedOver: string) => {
    const e = {
      seq,
      at: AT,
      type: 'item.attested',
      actor: 'ana',
      checklist: 'launch',
      environment: 'production',
    };
    const hash = sha256Hex(prev + hashedText({ ...e, dataText: hashedOver })!);
    return { ...e, data: dataText, prev_hash: prev, hash };
  };
  const older = row(1, GENESIS_HASH, '{"item":"ops/a","evidence":"e"}', '{"evidence":"e","item":"ops/a"}');
  const crafted = row(2, older.hash, '{"item":"ops/b","evidence":"e"}', '{"item":"ops/b","evidence":"e"}');
  const canonical = row(
    3,
    crafted.hash,
    '{"evidence":"e","item":"ops/c"}',
    '{"evidence":"e","item":"ops/c"}',
  );
  const { events, tampered } = vouchedEvents([older, crafted, canonical], { seq: 3 });
  expect(events.map((e) => e.seq)).toEqual([1, 3]);
  expect(tampered).toEqual([
    { table: 'audit_events', seq: 2, why: 'its content no longer matches its hash' },
  ]);
});
