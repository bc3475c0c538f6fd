import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ChainedEvent,
  canonicalJson,
  chainEvent,
  checkHead,
  checkLink,
  eventHash,
  GENESIS_HASH,
} from './audit.js';

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
