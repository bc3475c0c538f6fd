import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { sqlLiteral as lit, perTest, storeBackends } from './test-support/backends.js';
import { seedNoGoRun, seedSimpleRows } from './test-support/simple-rows.js';

/**
 * Verify reads SQLite's events and simple state rows as spliced texts (verify-rows.ts) and falls back to
 * their columns for any that do not match: the answers are the ones the columns give, on both backends.
 */

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };
const AT = '2026-11-20T10:00:00.000Z';

/** Every kind of bound row, with the optional fields both set and left out. */
async function seed(store: Store): Promise<void> {
  await seedSimpleRows(store, where, AT);
  await seedNoGoRun(store, where);
  await store.addAttestation({ ...where, item: 'ops/d', evidence: 'last', by: 'ana', at: AT });
}

it("SQLite's json_quote writes every string as JSON.stringify does (the spliced texts rest on it)", () => {
  const db = new Database(':memory:');
  try {
    const quote = db.prepare('select json_quote(?)').pluck();
    const differ: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c < 0xe000) continue; // lone surrogates: SQLite text is UTF-8
      const s = `a${String.fromCharCode(c)}b`;
      if (quote.get(s) !== JSON.stringify(s)) differ.push(c);
    }
    for (const s of ['😀', '\u{10ffff}', '', 'İlker "q" \\ \n\t\u0000\u007f\u2028']) {
      if (quote.get(s) !== JSON.stringify(s)) differ.push(-1);
    }
    expect(differ).toEqual([]);
  } finally {
    db.close();
  }
});

describe.each(backends)('verify of spliced texts on $name', ({ name, available, make }) => {
  const stores = perTest(make);
  const fresh = async (label: string) => {
    const { backend, store } = await stores.store(`splice_${label}_${name}`);
    await seed(store);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 7 });
    await backend.dropAppendOnlyGuard();
    return { b: backend, s: store };
  };

  it.skipIf(!available)('an edited event is named as the columns name it', async () => {
    const { b, s } = await fresh('event');
    await b.raw(`update audit_events set actor = 'mallory' where seq = 3`);
    expect((await s.verifyAudit()).firstBad).toEqual({
      seq: 3,
      reason: 'event 3 (waiver.granted) was edited: its content no longer matches its hash',
    });
    await b.raw(`update audit_events set actor = 'lead', data = '{"item":' where seq = 3`);
    expect((await s.verifyAudit()).firstBad).toEqual({
      seq: 3,
      reason: 'event 3 was edited: its data is not valid JSON',
    });
  });

  it.skipIf(!available)('an edited state row of each kind is named, the rest stand', async () => {
    const { b, s } = await fresh('rows');
    await b.raw(`update attestations set evidence = 'forged' where item = 'ops/a'`);
    await b.raw(`update attestations set expires_at = null where item = 'ops/b'`);
    await b.raw(`update waivers set owner = 'nobody'`);
    await b.raw(`update signoffs set person = null where role = 'security'`);
    await b.raw(`update run_results set status = 'pass'`);
    const v = await s.verifyAudit();
    expect(v.ok).toBe(false);
    expect(v.firstBad).toBeUndefined();
    expect(v.count).toBe(7);
    expect(v.tampered).toEqual([
      { table: 'attestations', id: 1, seq: 1, why: 'changed after its event: evidence differs' },
      { table: 'attestations', id: 2, seq: 2, why: 'changed after its event: expiresAt differs' },
      { table: 'waivers', id: 1, seq: 3, why: 'changed after its event: owner differs' },
      { table: 'signoffs', id: 2, seq: 5, why: 'changed after its event: person differs' },
      { table: 'runs', id: 1, seq: 6, why: 'changed after its event: outcomes differs' },
    ]);
  });

  it.skipIf(!available)(
    'a row as the columns judge it: equal though written otherwise, and rows no event records',
    async () => {
      const { b, s } = await fresh('otherwise');
      // An empty expiry: the text differs from the event's, and the columns name it.
      await b.raw(`update attestations set expires_at = '' where item = 'ops/a'`);
      // A second row for an event, and a row with no event.
      await b.raw(
        `insert into signoffs (checklist, environment, role, digest, "by", at, seq) values ('launch', 'production', 'engineering', 'sha256:01', 'eve', ${lit(AT)}, 4)`,
      );
      await b.raw(`delete from waivers`);
      const v = await s.verifyAudit();
      expect(v.tampered).toEqual([
        { table: 'attestations', id: 1, seq: 1, why: 'changed after its event: expiresAt differs' },
        { table: 'waivers', seq: 3, why: 'deleted: its waiver.granted event says it exists' },
        { table: 'signoffs', id: 3, seq: 4, why: 'another row already stands for its event' },
      ]);
    },
  );

  it.skipIf(!available)(
    'an event whose data is stored other than canonical holds, and so does its row',
    async () => {
      const { b, s } = await fresh('legacy');
      // The same data with its keys in insertion order (as versions before canonical storage wrote it):
      // its hash is over the canonical form, so the chain holds and the row is compared from the columns.
      await b.raw(
        `update audit_events set data = '{"item":"ops/c","reason":"r","owner":"sec","expiresAt":"2027-01-01T00:00:00.000Z"}' where seq = 3`,
      );
      await b.raw(`update audit_events set data = '{ "item": "ops/d", "evidence": "last" }' where seq = 7`);
      expect(await s.verifyAudit()).toEqual({ ok: true, count: 7, head: await s.auditHead() });
      await b.raw(`update waivers set reason = 'other'`);
      expect((await s.verifyAudit()).tampered).toEqual([
        { table: 'waivers', id: 1, seq: 3, why: 'changed after its event: reason differs' },
      ]);
    },
  );

  it.skipIf(!available || name !== 'sqlite')(
    'columns not of the types gonogo writes are judged from the columns',
    async () => {
      const { b, s } = await fresh('types');
      // A blob where text belongs, in an event and in a row: no error, each named as the columns name it.
      await b.raw(`update attestations set evidence = cast(evidence as blob) where item = 'ops/d'`);
      await b.raw(`update signoffs set "by" = 5 where role = 'engineering'`);
      const v = await s.verifyAudit();
      expect(v.tampered?.map((t) => `${t.table} ${t.id}: ${t.why}`)).toEqual([
        'attestations 3: changed after its event: evidence differs',
        'signoffs 1: changed after its event: by differs',
      ]);
      await b.raw(`update audit_events set actor = cast(actor as blob) where seq = 2`);
      expect((await s.verifyAudit()).firstBad).toEqual({
        seq: 2,
        reason: 'event 2 (item.attested) was edited: its content no longer matches its hash',
      });
    },
  );
});
