import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { hashedText } from '../model/audit.js';
import { sqlLiteral as lit, perTest, storeBackends } from './test-support/backends.js';
import { seedSimpleRows } from './test-support/simple-rows.js';
import { EVENT_COLUMNS, rowStands, SIMPLE, type SimpleTable, storedOf } from './verify-rows.js';

/**
 * A state row read in full (PostgreSQL; an older chain's page on SQLite) is compared with its event field
 * by field and by its data text (verify-rows.ts, standsAsRead): it must stand exactly when SQLite's row
 * text is its event's text, and a row changed in any column must be named as the full comparison names it.
 */

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };
const AT = '2026-11-20T10:00:00.000Z';

/** One row of each simple table, optional fields set and left out, odd characters in the texts. */
function seed(store: Store): Promise<void> {
  return seedSimpleRows(store, where, AT, {
    evidence: 'drill ✓ "q"\n\u0001',
    fullEvidence: 'ünï 😀',
    reason: 'r\\',
    waiverExpires: AT,
  });
}

/** Each column of each table set to another value, with the field the full comparison names. */
const CHANGES: Record<SimpleTable, [column: string, value: string | null, field: string][]> = {
  attestations: [
    ['checklist', 'other', 'checklist'],
    ['environment', 'staging', 'environment'],
    ['item', 'ops/x', 'item'],
    ['evidence', 'forged', 'evidence'],
    ['value', '5h', 'value'],
    ['file_name', 'x.pdf', 'file'],
    ['file_sha256', null, 'file'],
    ['by', 'mallory', 'by'],
    ['at', '2026-11-21T00:00:00.000Z', 'at'],
    ['expires_at', '2030-01-01T00:00:00.000Z', 'expiresAt'],
  ],
  waivers: [
    ['checklist', 'other', 'checklist'],
    ['environment', 'staging', 'environment'],
    ['item', 'ops/x', 'item'],
    ['reason', 'r', 'reason'],
    ['owner', 'nobody', 'owner'],
    ['by', 'mallory', 'by'],
    ['at', '2026-11-21T00:00:00.000Z', 'at'],
    ['expires_at', '2030-01-01T00:00:00.000Z', 'expiresAt'],
  ],
  signoffs: [
    ['checklist', 'other', 'checklist'],
    ['environment', 'staging', 'environment'],
    ['role', 'qa', 'role'],
    ['digest', 'sha256:02', 'digest'],
    ['by', 'mallory', 'by'],
    ['at', '2026-11-21T00:00:00.000Z', 'at'],
    ['person', 'Someone', 'person'],
    ['evidence', null, 'evidence'],
  ],
};
const TABLES = Object.keys(CHANGES) as SimpleTable[];

describe.each(backends)('verify of state rows read in full on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)('a row changed in any column is named by that field, the others stand', async () => {
    const { backend, store } = await fresh.store(`vfields_${name}`);
    await seed(store);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 5 });
    await backend.dropAppendOnlyGuard();
    // The last row of each table (all its optional fields set) changed one column at a time, then put back.
    for (const table of TABLES) {
      const rows = await store.verifyAudit();
      expect(rows.tampered, table).toBeUndefined();
      const id = table === 'waivers' ? 1 : 2;
      const seq = { attestations: 2, waivers: 3, signoffs: 5 }[table];
      for (const [column, value, field] of CHANGES[table]) {
        const col = `"${column}"`;
        await backend.raw(`create table kept as select ${col} as v from ${table} where id = ${id}`);
        await backend.raw(`update ${table} set ${col} = ${lit(value)} where id = ${id}`);
        expect((await store.verifyAudit()).tampered, `${table}.${column}`).toEqual([
          { table, id, seq, why: `changed after its event: ${field} differs` },
        ]);
        await backend.raw(`update ${table} set ${col} = (select v from kept) where id = ${id}`);
        await backend.raw('drop table kept');
      }
    }
    expect(await store.verifyAudit()).toEqual({ ok: true, count: 5, head: await store.auditHead() });
  });

  it.skipIf(!available)('an event changed in any column breaks the chain there', async () => {
    const { backend, store } = await fresh.store(`vfields_ev_${name}`);
    await seed(store);
    await backend.dropAppendOnlyGuard();
    const edited = (type: string) => `event 3 (${type}) was edited: its content no longer matches its hash`;
    const changes: [column: string, value: string | null, reason: string][] = [
      ['at', '2026-11-21T00:00:00.000Z', edited('waiver.granted')],
      ['type', 'item.attested', edited('item.attested')],
      ['actor', 'mallory', edited('waiver.granted')],
      ['checklist', null, edited('waiver.granted')],
      ['environment', 'staging', edited('waiver.granted')],
      ['data', '{"item":"ops/c"}', edited('waiver.granted')],
      ['data', '{"item":', 'event 3 was edited: its data is not valid JSON'],
      ['hash', 'f'.repeat(64), edited('waiver.granted')],
      [
        'prev_hash',
        '0'.repeat(64),
        'event 3 was moved or replaced: its prev_hash does not match the hash of event 2',
      ],
    ];
    for (const [column, value, reason] of changes) {
      const col = `"${column}"`;
      await backend.raw(`create table kept as select ${col} as v from audit_events where seq = 3`);
      await backend.raw(`update audit_events set ${col} = ${lit(value)} where seq = 3`);
      expect(await store.verifyAudit(), column).toMatchObject({
        ok: false,
        count: 2,
        firstBad: { seq: 3, reason },
      });
      await backend.raw(`update audit_events set ${col} = (select v from kept) where seq = 3`);
      await backend.raw('drop table kept');
    }
    expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 5 });
  });
});

/** Stores for the SQLite-only test below (the per-backend blocks make their own). */
const sqliteStores = perTest(backends[0]!.make);

it('a row read in full stands exactly when its SQLite text is its event text', async () => {
  const { backend: b, store } = await sqliteStores.store('vfields_same');
  await seed(store);
  await b.raw('drop trigger audit_events_no_update; drop trigger audit_events_no_delete;');
  const db = new Database(b.url);
  try {
    const eventOf = (seq: number) =>
      storedOf(
        db
          .prepare(`select ${EVENT_COLUMNS.join(', ')} from audit_events where seq = ?`)
          .raw()
          .get(seq) as unknown[],
      );
    const verdicts = (table: SimpleTable) => {
      const spec = SIMPLE[table];
      const full = db
        .prepare(`select ${spec.columns.map((c) => `"${c}"`).join(', ')} from ${table} order by id`)
        .raw()
        .all() as unknown[][];
      const texts = db
        .prepare(`select id, seq, ${spec.text} from ${table} order by id`)
        .raw()
        .all() as unknown[][];
      return full.map((r, i) => {
        const e = eventOf(Number(r[1]));
        const spliced = e.prevHash + hashedText(e)!;
        return [spec.stands(r, { ...e, spliced: undefined }), rowStands(texts[i]![2], spliced)];
      });
    };
    const odd: (string | number | null | Buffer)[] = [
      '',
      'x',
      null,
      7,
      Buffer.from('ana'),
      'ana ',
      '😀',
      '"',
    ];
    for (const table of TABLES) {
      expect(
        verdicts(table).every(([a, bb]) => a && bb),
        table,
      ).toBe(true);
      for (const column of SIMPLE[table].columns.slice(2)) {
        for (const v of odd) {
          db.exec('savepoint s');
          try {
            db.prepare(`update ${table} set "${column}" = ?`).run(v);
          } catch {
            // A NOT NULL column left as it is.
            db.exec('rollback to s; release s');
            continue;
          }
          for (const [fields, text] of verdicts(table))
            expect(fields, `${table}.${column} = ${String(v)}`).toBe(text);
          db.exec('rollback to s; release s');
        }
      }
    }
  } finally {
    db.close();
  }
});

it('rowStands: the row text stands exactly when it is all of the spliced text after the 64-character prev_hash', () => {
  const prev = 'a'.repeat(64);
  const text = '{"actor":"ünï 😀","at":"t","data":{"evidence":"x\\"y"},"seq":7,"type":"item.attested"}';
  const spliced = prev + text;
  expect(rowStands(text, spliced)).toBe(true);
  // The same text built apart (not the same string object) stands too.
  expect(rowStands(['{"actor":"ünï 😀",', text.slice(text.indexOf('"at"'))].join(''), spliced)).toBe(true);
  const wrong: unknown[] = [
    text.slice(1), // one character short: the prev_hash would be 65 characters
    `${text}}`, // one character more
    `x${text.slice(1)}`, // the first character after the prev_hash differs
    `${text.slice(0, -1)}]`, // the last character differs
    text.replace('😀', '😁'), // a character past U+FFFF differs (same length in UTF-16)
    (prev + text).slice(63, 63 + text.length), // starts one character early
    '',
    null,
    undefined,
    7,
    Buffer.from(text),
  ];
  for (const w of wrong) expect(rowStands(w, spliced), String(w)).toBe(false);
  // A text that is the spliced text's end but with a prev_hash of another length does not stand.
  expect(rowStands(text, `${prev}a${text}`)).toBe(false);
  expect(rowStands(text, prev.slice(1) + text)).toBe(false);
});
