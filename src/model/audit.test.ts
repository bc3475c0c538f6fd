import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generator } from '../test-support/random.js';
import {
  type ChainedEvent,
  canonicalJson,
  chainEvent,
  checkHead,
  checkLink,
  checkSplicedLink,
  checkStoredLink,
  eventHash,
  GENESIS_HASH,
  hashedText,
  sha256Hex,
  sortKeys,
} from './audit.js';
import { canonicalJsonV1 } from './test-support/canonical-v1.js';

describe('canonicalJson', () => {
  it.each([
    [
      'sorts keys at every depth',
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    ],
    ['drops undefined keys like JSON', { a: undefined, b: 'x' }, '{"b":"x"}'],
    ['keeps non-ASCII text as UTF-8', { t: 'geçmeden İş' }, '{"t":"geçmeden İş"}'],
    [
      'writes dates as ISO strings',
      { at: new Date('2026-12-01T00:00:00Z') },
      '{"at":"2026-12-01T00:00:00.000Z"}',
    ],
    ['has no whitespace', { a: [1, 2], b: { c: 'd e' } }, '{"a":[1,2],"b":{"c":"d e"}}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same text whatever the key order of the input', () => {
    expect(canonicalJson({ x: 1, y: { q: 2, p: 3 } })).toBe(canonicalJson({ y: { p: 3, q: 2 }, x: 1 }));
  });

  // The one-pass writer must hash exactly as the stringify-parse-stringify form did, or stored chains break.
  it.each([
    ['integer-like keys', { 10: 'a', 2: 'b', b: 1, '01': 2, a: 0 }],
    ['arrays with holes of undefined', { a: [undefined, () => 1, 1] }],
    ['non-finite numbers and -0', { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: -0, d: 1e21 }],
    ['escapes', { 'k"\\': 'line\nbreak\u2028 \u0001' }],
    ['nested toJSON', { d: { when: new Date(0) }, n: null }],
  ])('writes %s as the reference form does', (_name, value) => {
    const reference = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reference);
      if (v !== null && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(v).sort()) out[key] = reference((v as Record<string, unknown>)[key]);
        return out;
      }
      return v;
    };
    expect(canonicalJson(value)).toBe(JSON.stringify(reference(JSON.parse(JSON.stringify(value)))));
  });
});

const content = (n: number) => ({
  at: `2026-11-0${n}T10:00:00.000Z`,
  type: 'item.attested',
  actor: `person-${n}`,
  checklist: 'launch',
  environment: 'production',
  data: { item: `ops/item-${n}`, evidence: `ticket ${n}` },
});

function buildChain(n: number): ChainedEvent[] {
  const out: ChainedEvent[] = [];
  for (let i = 1; i <= n; i++) out.push(chainEvent(out.at(-1), content(i)));
  return out;
}

function firstBreak(events: ChainedEvent[]) {
  let prev: { seq: number; hash: string } | undefined;
  for (const e of events) {
    const bad = checkLink(prev, e);
    if (bad) return bad;
    prev = e;
  }
  return checkHead(prev, { seq: 5, hash: buildChain(5)[4]!.hash });
}

describe('hash chain', () => {
  it('links the first event to 64 zeros and hashes prev_hash ‖ canonical JSON', () => {
    const [first] = buildChain(1);
    expect(first!.prevHash).toBe(GENESIS_HASH);
    expect(first!.seq).toBe(1);
    const expected = createHash('sha256')
      .update(
        GENESIS_HASH +
          '{"actor":"person-1","at":"2026-11-01T10:00:00.000Z","checklist":"launch","data":{"evidence":"ticket 1","item":"ops/item-1"},"environment":"production","seq":1,"type":"item.attested"}',
      )
      .digest('hex');
    expect(first!.hash).toBe(expected);
    expect(eventHash(first!.prevHash, first!)).toBe(expected);
  });

  it('accepts an intact chain', () => {
    expect(firstBreak(buildChain(5))).toBeUndefined();
  });

  const tampered: [
    string,
    (c: ChainedEvent[]) => ChainedEvent[],
    { seq: number; kind: string; says: RegExp },
  ][] = [
    [
      'edited data',
      (c) => c.map((e) => (e.seq === 3 ? { ...e, data: { ...e.data, evidence: 'forged' } } : e)),
      { seq: 3, kind: 'edited', says: /event 3 \(item\.attested\) was edited/ },
    ],
    [
      'edited actor',
      (c) => c.map((e) => (e.seq === 2 ? { ...e, actor: 'mallory' } : e)),
      { seq: 2, kind: 'edited', says: /event 2/ },
    ],
    [
      'a deleted event',
      (c) => c.filter((e) => e.seq !== 2),
      { seq: 2, kind: 'deleted', says: /event 2 deleted/ },
    ],
    [
      'several deleted events',
      (c) => c.filter((e) => e.seq !== 2 && e.seq !== 3),
      { seq: 2, kind: 'deleted', says: /event 2\.\.3 deleted/ },
    ],
    ['the first event deleted', (c) => c.slice(1), { seq: 1, kind: 'deleted', says: /from the start/ }],
    [
      'the last event deleted',
      (c) => c.slice(0, 4),
      { seq: 5, kind: 'deleted', says: /event 5 deleted from the end/ },
    ],
    [
      'two events swapped (contents moved, seq kept)',
      (c) =>
        c.map((e, i) => (e.seq === 2 ? { ...c[2]!, seq: 2 } : e.seq === 3 ? { ...c[1]!, seq: 3 } : c[i]!)),
      { seq: 2, kind: 'reordered', says: /event 2 was moved or replaced/ },
    ],
    [
      'a forged event re-hashed in place',
      (c) => {
        const forged = { ...c[2]!, data: { forged: true } };
        return c.map((e) => (e.seq === 3 ? { ...forged, hash: eventHash(forged.prevHash, forged) } : e));
      },
      { seq: 4, kind: 'reordered', says: /event 4 .*prev_hash does not match the hash of event 3/ },
    ],
  ];

  it.each(tampered)('names the first bad event after %s', (_name, tamper, expected) => {
    const bad = firstBreak(tamper(buildChain(5)));
    expect(bad).toMatchObject({ seq: expected.seq, kind: expected.kind });
    expect(bad?.reason).toMatch(expected.says);
  });

  it('notices a head that no longer matches the last event', () => {
    const chain = buildChain(2);
    expect(checkHead(chain[1], { seq: 2, hash: 'f'.repeat(64) })?.reason).toMatch(/recorded head hash/);
    expect(checkHead(chain[1], undefined)?.reason).toMatch(/head of the log is missing/);
    expect(checkHead(undefined, undefined)).toBeUndefined();
  });
});

describe('canonicalJson keeps the bytes of chains already written', () => {
  /** A seeded corpus: the same values on every run. */
  function corpus(seed: number, count: number): unknown[] {
    const { rand, pick } = generator(seed);
    const texts = [
      '',
      'a',
      'geçmeden İş',
      'ünïcødé ✓ 🚀',
      'line\nbreak',
      'q"uote\\',
      '\u2028\u0001',
      '\ud800',
      '日本語',
    ];
    const keys = [
      'b',
      'a',
      '10',
      '2',
      '01',
      '-1',
      '1.5',
      'İ',
      'é',
      'Z',
      '__proto__',
      '4294967295',
      '4294967294',
    ];
    const numbers = [
      0,
      -0,
      1,
      -1,
      1.5,
      1e21,
      1e-7,
      2 ** 53,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      123456.789,
    ];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return pick([...texts, ...numbers, true, false, null, undefined]);
      if (r < 0.45) return new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 1e10));
      if (r < 0.65) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--) {
        // An own key even for `__proto__` (plain assignment would set the prototype).
        Object.defineProperty(out, pick(keys), {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    };
    // Through JSON.parse too: `__proto__` is then an own key, as in data read back from the store.
    return Array.from({ length: count }, (_, i) => {
      const v = { data: value(0) };
      return i % 2 ? JSON.parse(JSON.stringify(v)) : v;
    });
  }

  it('sorts keys as Array.prototype.sort does, at every length', () => {
    const alphabet = ['a', 'B', 'b', '_', '-', '0', '9', 'é', 'İ', '🚀', '\ud83d', 'Z', ' ', 'aa', ''];
    const rand = generator(7).int;
    for (let round = 0; round < 2000; round++) {
      const set = new Set<string>();
      const length = rand(24);
      while (set.size < length) {
        let k = '';
        for (let i = rand(4); i >= 0; i--) k += alphabet[rand(alphabet.length)];
        set.add(k);
      }
      const keys = [...set];
      const expected = [...keys].sort();
      sortKeys(keys);
      expect(keys).toEqual(expected);
    }
  });

  it('writes every value of a varied corpus exactly as the 0.1 writer did', () => {
    for (const v of corpus(7, 3000)) expect(canonicalJson(v)).toBe(canonicalJsonV1(v));
  });

  it.each([
    ['undefined fields', { a: undefined, b: [undefined, 1], c: { d: undefined } }],
    ['nested arrays and objects', { z: [[1, [2, { y: 1, x: [] }]], {}], a: { c: { b: { a: 1 } } } }],
    ['numbers', { n: [0, -0, 1e21, 1e-7, 0.1 + 0.2, -5e-324, Number.MAX_SAFE_INTEGER] }],
    ['unicode keys and text', { İş: 'ç', é: 'e\u0301', '🚀': '\ud83d', Z: 1, a: 2 }],
    ['integer-like keys', { 10: 1, 2: 2, '02': 3, 4294967295: 4, a: 5 }],
    ['a toJSON result with keys', { d: { toJSON: () => ({ b: 1, a: new Date(0) }) } }],
  ])('writes %s as the 0.1 writer did', (_name, value) => {
    expect(canonicalJson(value)).toBe(canonicalJsonV1(value));
  });

  it('verifies a chain hashed by the 0.1 writer, from its stored text too', () => {
    const events = corpus(11, 200).map((v, i) => ({
      seq: i + 1,
      at: `2026-11-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
      type: 'item.attested',
      actor: i % 2 ? 'ana' : 'İlker',
      checklist: i % 3 ? 'launch' : null,
      environment: 'production',
      data: JSON.parse(JSON.stringify(v)) as Record<string, unknown>,
    }));
    let prev: { seq: number; hash: string } | undefined;
    const mode = { spliced: true };
    for (const e of events) {
      const prevHash = prev?.hash ?? GENESIS_HASH;
      const hash = createHash('sha256')
        .update(prevHash + canonicalJsonV1({ ...e }))
        .digest('hex');
      const chained = { ...e, prevHash, hash };
      expect(checkLink(prev, chained)).toBeUndefined();
      // As 0.1 stored it (insertion order) and as this version stores it (canonical).
      for (const dataText of [JSON.stringify(e.data), canonicalJson(e.data)]) {
        expect(checkStoredLink(prev, { ...chained, dataText }, mode)).toBeUndefined();
      }
      prev = { seq: e.seq, hash };
    }
  });

  it('names an edit in stored text as checkLink does', () => {
    const [first] = buildChain(1);
    const stored = { ...first!, dataText: canonicalJson(first!.data) };
    const mode = { spliced: true };
    expect(checkStoredLink(undefined, stored, mode)).toBeUndefined();
    const edited = { ...stored, dataText: stored.dataText.replace('ticket 1', 'ticket 9') };
    expect(checkStoredLink(undefined, edited, mode)?.reason).toBe(
      checkLink(undefined, { ...first!, data: JSON.parse(edited.dataText) })?.reason,
    );
    expect(checkStoredLink(undefined, { ...stored, dataText: '{"evidence":' }, mode)?.reason).toMatch(
      /not valid JSON/,
    );
  });
});

describe('checkSplicedLink links a proven event as checkStoredLink does', () => {
  const chain = buildChain(3);
  const stored = chain.map((e) => ({ ...e, dataText: canonicalJson(e.data) }));
  const spliced = stored.map((e) => e.prevHash + hashedText(e)!);
  const other = sha256Hex('another event');
  // The last verified event as the walk keeps it: the right one, one with another hash (or a hash not 64
  // characters long), one further back (a gap), the event itself (met twice), none (the start).
  const prevs = (i: number) => [
    { seq: i, hash: chain[i - 1]?.hash ?? GENESIS_HASH },
    { seq: i, hash: other },
    { seq: i, hash: `${chain[i - 1]?.hash ?? GENESIS_HASH}0` },
    { seq: i, hash: (chain[i - 1]?.hash ?? GENESIS_HASH).slice(0, 63) },
    { seq: i - 1, hash: chain[i - 2]?.hash ?? GENESIS_HASH },
    { seq: i + 1, hash: chain[i]!.hash },
    undefined,
  ];

  it.each([0, 1, 2])('event %i after each possible last event: the same break, or none', (i) => {
    for (const prev of prevs(i)) {
      const expected = checkStoredLink(prev, stored[i]!, { spliced: true });
      expect(checkSplicedLink(prev, i + 1, stored[i]!.hash, spliced[i]!)).toEqual(expected);
    }
    // The right last event links; the others break.
    expect(
      checkSplicedLink(prevs(i)[0]!.seq === 0 ? undefined : prevs(i)[0], i + 1, stored[i]!.hash, spliced[i]!),
    ).toBeUndefined();
    expect(checkSplicedLink(prevs(i)[1], i + 1, stored[i]!.hash, spliced[i]!)).toMatchObject({
      kind: 'reordered',
    });
  });
});

describe('an event whose data text is not canonical, hashed over that text as it stands', () => {
  const [first] = buildChain(1);
  const e = { ...first!, dataText: canonicalJson(first!.data) };
  /** The event stored as `dataText` with its hash recomputed over it, and its spliced text. */
  const crafted = (dataText: string) => {
    const spliced = GENESIS_HASH + hashedText({ ...e, dataText })!;
    return { stored: { ...e, dataText, hash: sha256Hex(spliced) }, spliced };
  };
  const TEXTS = [
    '{"ticket":"OPS-1","item":"ops/a"}',
    '{"item": "ops/a"}',
    '{"item":"ops/a","n":1.0}',
    '{"item":"\\u006fps/a"}',
    '{"item":"ops/a","item":"ops/a"}',
    // Canonical as a whole once spliced, but the data text alone is not one JSON value.
    '{"item":"ops/a"},"datb":1',
    '{"item":"ops/a"',
    '{"item":"ops/a","zz":1',
  ];

  it.each(TEXTS)('%s is refused the same in every mode, as the definition refuses it', (dataText) => {
    const { stored, spliced } = crafted(dataText);
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(dataText) as Record<string, unknown>;
    } catch {}
    const expected = parsed
      ? checkLink(undefined, { ...stored, data: parsed })
      : { seq: 1, kind: 'edited', reason: 'event 1 was edited: its data is not valid JSON' };
    expect(expected?.kind).toBe('edited');
    for (const spliced of [true, false]) {
      expect(checkStoredLink(undefined, stored, { spliced })).toEqual(expected);
    }
    // The database-spliced text proves nothing: the event is checked from its columns (checkStoredLink).
    expect(checkSplicedLink(undefined, 1, stored.hash, spliced)).toBe('unsure');
  });

  it('a canonical text is accepted from its hash alone, in both paths', () => {
    const { stored, spliced } = crafted(e.dataText);
    expect(stored.hash).toBe(first!.hash);
    expect(checkStoredLink(undefined, stored, { spliced: true })).toBeUndefined();
    expect(checkSplicedLink(undefined, 1, stored.hash, spliced)).toBeUndefined();
    // A seq that is not the text's is not proven (the columns decide).
    expect(checkSplicedLink(undefined, 2, stored.hash, spliced)).toBe('unsure');
  });

  it('an older event stored in insertion order, hashed over its canonical form, still fits', () => {
    const older = { ...e, dataText: JSON.stringify(first!.data) };
    expect(older.dataText).not.toBe(e.dataText);
    for (const spliced of [true, false]) {
      expect(checkStoredLink(undefined, older, { spliced })).toBeUndefined();
    }
  });
});
