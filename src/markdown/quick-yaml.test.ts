import { describe, expect, it } from 'vitest';
import { random } from '../test-support/random.js';
import { quickYaml } from './quick-yaml.js';
import { YamlSource } from './yaml-source.js';

// quickYaml must read exactly what `yaml` reads, and YamlSource locate every node at the same place,
// for every block it accepts; anything else it must leave to `yaml`.

const KEYS = [
  'http',
  'expect',
  'timeout',
  'tcp',
  'owner',
  'due',
  'skip',
  'command',
  'x-y',
  'a_b',
  'k1',
  'Http',
];
const KEY_FORMS = (k: string) => [`${k}: `, `${k}:  `, `${k}:`, ` ${k}: `, `${k} : `, `"${k}": `];
const SCALARS = [
  'https://example.com/a?b=c#frag',
  '${BASE_URL}/item/1',
  'status == 200',
  'body.ok == true',
  '(a) b',
  '_x',
  '/path',
  'a:b',
  'a: b',
  'a #b',
  'a#b',
  'end:',
  'true',
  'False',
  'null',
  'NULL',
  '~',
  '5',
  '5s',
  '-1',
  '+1',
  '.5',
  '0x1F',
  '.inf',
  'yes',
  'no',
  'on',
  "'single'",
  "'it''s'",
  "'a' b",
  "'unclosed",
  '"double"',
  '"with \\"escape\\""',
  '"a\\tb"',
  '"x" y',
  '&anchor a',
  '*alias',
  '!tag a',
  '- item',
  '? q',
  '| block',
  '> folded',
  '%x',
  '@x',
  '`x`',
  '{a: 1}',
  '{}',
  'a, b',
  'a [b]',
  'a ] b',
  'é',
  '',
];

/** Mostly scalars of the usual kind (the first ten), so that many blocks are read quickly. */
function scalarOf(next: () => number): string {
  const from = next() < 0.85 ? SCALARS.slice(0, 10).concat("'single'", "'it''s'", '"double"') : SCALARS;
  return from[Math.floor(next() * from.length)]!;
}

function flowSeq(next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const items = Array.from({ length: Math.floor(next() * 4) }, () => scalarOf(next));
  const sep = pick([', ', ',', ' , ', ',  ']);
  const close = next() < 0.8 ? ']' : pick([' ]', '] ', '],', ']]']);
  return `${pick(['[', '[ '])}${items.join(next() < 0.8 ? ', ' : sep)}${close}`;
}

function block(seed: number): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines: string[] = [];
  const keys = [...KEYS];
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    // Now and then a key twice.
    const key = next() < 0.05 ? pick(KEYS) : keys.splice(Math.floor(next() * keys.length), 1)[0]!;
    // Mostly the usual shape, so most blocks are read quickly and compared.
    const form = next() < 0.7 ? `${key}: ` : pick(KEY_FORMS(key));
    lines.push(form + (next() < 0.4 ? flowSeq(next) : scalarOf(next)));
    if (next() < 0.03) lines.push(pick(['', '# comment', '  - indented', '\tx: y', '---', 'k: v ']));
  }
  return lines.join('\n') + (next() < 0.1 ? '\n' : '');
}

/** Every path into the value (keys, seq items, a missing one), for locate. */
function paths(value: unknown): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [[], ['missing'], ['missing', 0], [0]];
  for (const [k, v] of Object.entries(value)) {
    out.push([k], [k, 'missing'], [k, 0], [k, -1], [k, 0, 'x']);
    if (Array.isArray(v)) for (let i = 0; i <= v.length; i++) out.push([k, i], [k, i, 0]);
  }
  return out;
}

describe('quickYaml', () => {
  it('reads what yaml reads, located the same, on 3,000 generated blocks (or leaves them to yaml)', () => {
    let quick = 0;
    let slow = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const text = block(seed);
      const map = (line: number, column: number) => ({ line: line + 10, column: column + 2 });
      const full = new YamlSource(text, 'c.md', map);
      const fast = new YamlSource(text, 'c.md', map, true);
      const read = quickYaml(text);
      if (!read) {
        slow++;
        continue;
      }
      quick++;
      const where = `seed ${seed}: ${JSON.stringify(text)}`;
      expect(full.errors, where).toEqual([]);
      expect(fast.errors, where).toEqual([]);
      expect(fast.value(), where).toEqual(full.value());
      for (const path of paths(full.value())) {
        expect(fast.locate(path), `${where} ${path}`).toEqual(full.locate(path));
        expect(fast.locate(path, 'key'), `${where} ${path}`).toEqual(full.locate(path, 'key'));
      }
      for (let offset = 0; offset <= text.length + 1; offset++) {
        expect(fast.at(offset), `${where} at ${offset}`).toEqual(full.at(offset));
      }
    }
    // Both kinds are common enough to prove something.
    expect(quick).toBeGreaterThan(500);
    expect(slow).toBeGreaterThan(300);
  });

  it('reads the usual check block, and leaves anything else to yaml', () => {
    const text = `http: \${BASE_URL}/item/1\nexpect: [status == 200, body.ok == true, '"x-request-id" in headers']`;
    expect(quickYaml(text)?.value).toEqual({
      http: '${BASE_URL}/item/1',
      expect: ['status == 200', 'body.ok == true', '"x-request-id" in headers'],
    });
    for (const other of [
      'retries: 3',
      'http: x\nhttp: y',
      'expect:\n  - a',
      'http: x # note',
      'a: true',
      '',
    ]) {
      expect(quickYaml(other), other).toBeUndefined();
    }
  });
});
