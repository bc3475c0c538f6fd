import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { attestedChain } from './test-support/attested-chain.js';
import { sqlLiteral as lit, perTest, storeBackends } from './test-support/backends.js';
import { attestFirst } from './test-support/simple-rows.js';
import { compiledPerLength, SeqOrderedRows, SPLICED_PAGE, taken, VERIFY_PAGE } from './verify-pages.js';
import { SPLICES } from './verify-rows.js';

/**
 * Verify reads state rows beside the chain, a page at a time in seq order: what it finds past the
 * first page, out of id order, or with no seq is named as when the rows were read whole.
 */

const backends = await storeBackends();
const where = { checklist: 'launch', environment: 'production' };

describe.each(backends)('verify past the first page on $name', ({ name, available, make }) => {
  const fresh = perTest(make);

  it.skipIf(!available)('names each altered, extra and missing row, in the same order', async () => {
    const { backend, store } = await fresh.store(`verify_pages_${name}`);
    await attestFirst(store, where);
    // More attestations than one page holds, written as gonogo writes them (event and bound row).
    // Each generated row's id is its event's seq: event `page` ends the first page, `page + 1` starts the next
    // (a chain as gonogo writes it is read in spliced pages where the backend splices).
    const page = SPLICES[name] ? SPLICED_PAGE : VERIFY_PAGE[name];
    const n = page + 1500;
    const { events, rows, head } = attestedChain((await store.auditHead())!, n, where);
    await backend.raw(
      `insert into audit_events (seq, at, type, actor, checklist, environment, data, prev_hash, hash) values ${events.join(',')};
       insert into attestations (checklist, environment, item, evidence, "by", at, seq) values ${rows.join(',')};
       update audit_head set seq = ${head.seq}, hash = ${lit(head.hash)} where id = 1`,
    );
    expect(await store.verifyAudit()).toMatchObject({ ok: true, count: n + 1 });

    // Past the first page: one row altered, one deleted, one more for an event that has one, one
    // beyond the log, one with no seq at all; and on the boundary, the last row of the first page
    // altered and the first of the second deleted.
    const altered = page + 700;
    const deleted = page + 200;
    const doubled = page + 1300;
    await backend.raw(
      `update attestations set evidence = 'forged' where seq = ${altered};
       update attestations set item = 'ops/forged' where seq = ${page};
       delete from attestations where seq = ${deleted};
       delete from attestations where seq = ${page + 1};
       insert into attestations (checklist, environment, item, evidence, "by", at, seq)
         select checklist, environment, item, evidence, "by", at, seq from attestations where seq = ${doubled};
       insert into attestations (checklist, environment, item, evidence, "by", at, seq)
         values ('launch', 'production', 'ops/late', 'x', 'ghost', '2026-11-22T00:00:00.000Z', ${head.seq + 5});
       insert into attestations (checklist, environment, item, evidence, "by", at)
         values ('launch', 'production', 'ops/unbound', 'x', 'ghost', '2026-11-22T00:00:00.000Z')`,
    );
    const v = await store.verifyAudit();
    expect(v).toMatchObject({ ok: false, count: n + 1 });
    // Row ids: each generated row's id is its event's seq (the first row is 1), the three added last.
    expect(v.tampered).toEqual([
      { table: 'attestations', id: page, seq: page, why: 'changed after its event: item differs' },
      {
        table: 'attestations',
        id: altered,
        seq: altered,
        why: 'changed after its event: evidence differs',
      },
      { table: 'attestations', id: n + 2, seq: doubled, why: 'another row already stands for its event' },
      {
        table: 'attestations',
        id: n + 3,
        seq: head.seq + 5,
        why: 'no item.attested event records it (written outside gonogo)',
      },
      {
        table: 'attestations',
        id: n + 4,
        why: 'no item.attested event records it (written outside gonogo)',
      },
      { table: 'attestations', seq: page + 1, why: 'deleted: its item.attested event says it exists' },
      { table: 'attestations', seq: deleted, why: 'deleted: its item.attested event says it exists' },
    ]);

    // The chain itself broken where one page ends and the next begins: each break named as such.
    await backend.dropAppendOnlyGuard();
    await backend.raw(`update audit_events set actor = 'mallory' where seq = ${page + 1}`);
    expect(await store.verifyAudit()).toMatchObject({
      ok: false,
      count: page,
      firstBad: {
        seq: page + 1,
        reason: `event ${page + 1} (item.attested) was edited: its content no longer matches its hash`,
      },
    });
    await backend.raw(`delete from audit_events where seq = ${page}`);
    expect(await store.verifyAudit()).toMatchObject({
      ok: false,
      count: page - 1,
      firstBad: {
        seq: page,
        reason: `event ${page} deleted: the log jumps from event ${page - 1} to event ${page + 1}`,
      },
    });
  });

  it.skipIf(!available)('names rows below the chain, a gap past a page, and a cut end', async () => {
    const { backend, store } = await fresh.store(`verify_stream_${name}`);
    await attestFirst(store, where);
    const page = VERIFY_PAGE.postgres;
    const n = page + 1500;
    const { events, rows, head } = attestedChain((await store.auditHead())!, n, where);
    const last = head.seq;
    // Rows whose seqs no event can have: zero and below, down to the lowest integer.
    await backend.raw(
      `insert into audit_events (seq, at, type, actor, checklist, environment, data, prev_hash, hash) values ${events.join(',')};
       insert into attestations (checklist, environment, item, evidence, "by", at, seq) values ${rows.join(',')};
       insert into attestations (checklist, environment, item, evidence, "by", at, seq) values
         ('launch', 'production', 'ops/zero', 'x', 'ghost', '2026-11-22T00:00:00.000Z', 0),
         ('launch', 'production', 'ops/low', 'x', 'ghost', '2026-11-22T00:00:00.000Z', ${-(2 ** 31)});
       update audit_head set seq = ${last}, hash = ${lit(head.hash)} where id = 1`,
    );
    const why = 'no item.attested event records it (written outside gonogo)';
    expect(await store.verifyAudit()).toEqual({
      ok: false,
      count: n + 1,
      head: { seq: last, hash: head.hash },
      tampered: [
        { table: 'attestations', id: n + 2, seq: 0, why },
        { table: 'attestations', id: n + 3, seq: -(2 ** 31), why },
      ],
    });

    // Events 100 to past the first page's seqs deleted: the first page ends early, the walk goes on.
    await backend.dropAppendOnlyGuard();
    await backend.raw(`delete from audit_events where seq between 100 and ${page + 200}`);
    expect(await store.verifyAudit()).toMatchObject({
      ok: false,
      count: 99,
      firstBad: {
        seq: 100,
        reason: `event 100..${page + 200} deleted: the log jumps from event 99 to event ${page + 201}`,
      },
    });

    // The gap filled again and the log cut right after the first page's last seq: the next page is empty,
    // and the recorded head names what was cut.
    await backend.raw(
      `insert into audit_events (seq, at, type, actor, checklist, environment, data, prev_hash, hash) values ${events.slice(98, page + 199).join(',')};
       delete from audit_events where seq > ${page}`,
    );
    expect(await store.verifyAudit()).toMatchObject({
      ok: false,
      count: page,
      firstBad: {
        seq: page + 1,
        reason: `event ${page + 1}..${last} deleted from the end of the log (the recorded head is event ${last})`,
      },
    });
  });
});

describe('rows let go as verify takes them', () => {
  it('hands out every row of a page in order, and the page keeps none it handed out', () => {
    const page = [[1], [2], [3]];
    const rows: unknown[][] = [...page];
    const seen: unknown[][] = [];
    for (const row of taken(rows)) {
      seen.push(row);
      expect(rows.indexOf(row)).toBe(-1);
    }
    expect(seen).toEqual(page);
    expect(seen.every((row, i) => row === page[i])).toBe(true);
  });

  it('a state row taken up to a seq is no longer held by its page, and the rows after it still come', async () => {
    // Rows (id, seq); each query answers from `table` as the keyset and upTo say, at most 3 a page.
    const table = [
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 5],
    ];
    const pages: unknown[][][] = [];
    const select = async (q: { parameters: readonly unknown[] }) => {
      const [after, upTo] = q.parameters as [number, number];
      const page = table.filter((r) => r[0]! > after && r[1]! <= upTo).slice(0, 3);
      pages.push(page);
      return page;
    };
    const query = (last: readonly unknown[] | undefined, upTo: number | undefined) =>
      ({ sql: '', parameters: [last ? Number(last[0]) : 0, upTo ?? 99], query: {} }) as never;
    const rows = new SeqOrderedRows(select as never, query, 3);
    await rows.reach(2);
    expect(rows.nextUpTo(1)).toEqual([1, 1]);
    expect(rows.nextUpTo(2)).toEqual([2, 2]);
    expect(pages[0]).toEqual([[], [], [3, 2]]);
    await rows.reach(5);
    expect(rows.nextUpTo(5)).toEqual([3, 2]);
    expect(rows.nextUpTo(5)).toEqual([4, 5]);
    expect(rows.nextUpTo(5)).toBeUndefined();
  });

  it('a list query is compiled once per length and takes each list as its parameters', () => {
    const db = new Kysely<{ t: { id: number } }>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new SqliteIntrospector(k),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    });
    let compiled = 0;
    const q = compiledPerLength((ids) => {
      compiled += 1;
      return db.selectFrom('t').select('id').where('id', 'in', ids).compile();
    });
    const direct = (ids: number[]) => db.selectFrom('t').select('id').where('id', 'in', ids).compile();
    for (const ids of [[1, 2, 3], [7, 8, 9], [4], [5, 6, 7]]) {
      const got = q(ids);
      expect(got.sql).toBe(direct(ids).sql);
      expect(got.parameters).toEqual(ids);
    }
    expect(compiled).toBe(2);
    // A query whose parameters are not the list, in order, is refused.
    const wrong = compiledPerLength((ids) =>
      db
        .selectFrom('t')
        .select('id')
        .where('id', 'in', [...ids].reverse())
        .compile(),
    );
    expect(() => wrong([1, 2])).toThrow(/list as its parameters/);
  });
});
