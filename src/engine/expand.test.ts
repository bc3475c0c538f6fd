// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import { ExpansionError, expand, expandInto, hasReference, type SecretSink } from './expand.js';

const source = {
  environment: 'production',
  block: { BASE_URL: 'https://example.com', DB_URL: 'postgres://app:${DB_PASSWORD}@db/app', LOOP: '${LOOP}' },
  env: { DB_PASSWORD: 'hunter2hunter2', BASE_URL: 'https://ignored.example', TOKEN: 'tok-123456', EMPTY: '' },
};

describe('expand', () => {
  it.each([
    {
      name: 'front matter first',
      input: '${BASE_URL}/ready',
      value: 'https://example.com/ready',
      secrets: {},
    },
    {
      name: 'process env next, recorded as secret',
      input: 'Bearer ${TOKEN}',
      value: 'Bearer tok-123456',
      secrets: { 'tok-123456': '${TOKEN}' },
    },
    {
      name: 'a block value naming a process secret',
      input: '${DB_URL}',
      value: 'postgres://app:hunter2hunter2@db/app',
      secrets: { hunter2hunter2: '${DB_PASSWORD}' },
    },
    { name: 'escaped reference stays literal', input: 'echo $${HOME}', value: 'echo ${HOME}', secrets: {} },
    { name: 'no reference', input: 'plain $HOME text', value: 'plain $HOME text', secrets: {} },
    { name: 'empty value', input: 'x${EMPTY}y', value: 'xy', secrets: {} },
    {
      name: 'walks options recursively, keys untouched',
      input: { headers: { Authorization: 'Bearer ${TOKEN}' }, argv: ['curl', '${BASE_URL}'], n: 3, ok: true },
      value: {
        headers: { Authorization: 'Bearer tok-123456' },
        argv: ['curl', 'https://example.com'],
        n: 3,
        ok: true,
      },
      secrets: { 'tok-123456': '${TOKEN}' },
    },
  ])('$name', ({ input, value, secrets }) => {
    const out = expand(input, source);
    expect(out.value).toEqual(value);
    expect(Object.fromEntries(out.secrets)).toEqual(secrets);
  });

  it.each([
    [
      '${NOPE}/x',
      '${NOPE} is not set for environment production (front matter) nor in the process environment',
    ],
    ['${LOOP}', '${LOOP} refers to itself in environment production (LOOP -> LOOP)'],
  ])('%s is an error a person can act on', (input, message) => {
    expect(() => expand(input, source)).toThrow(ExpansionError);
    expect(() => expand(input, source)).toThrow(message);
  });
});

/** What expand did with a regular expression before it scanned by hand: the reference for the scanner. */
function byRegExp(text: string, src: typeof source, stack: readonly string[] = []): string {
  return text.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, escaped: string, name: string) => {
    if (escaped) return `\${${name}}`;
    if (Object.hasOwn(src.block, name))
      return byRegExp(String(src.block[name as 'BASE_URL']), src, [...stack, name]);
    return String(src.env[name as 'TOKEN']);
  });
}

describe('expand scans references as the regular expression found them', () => {
  const odd = { ...source, block: { ...source.block, A: 'a', B_2: 'b', D: '$' } };
  it.each([
    '$${A}',
    '$$${A}',
    '$$$${A}',
    '${A',
    '$${A',
    '${1A}',
    '${ A}',
    '${A }',
    '${A}${B_2}',
    '${A}}',
    '{${A}}',
    'a$b${A}c$',
    '$',
    '$$',
    '${}',
    '$${}',
    '${_}x',
    '${D}{A}',
    '${A}$${A}${A}',
    'x'.repeat(20) + '${BASE_URL}/item/7' + '$'.repeat(3),
    '${DB_URL}?${TOKEN}#${A}',
  ])('%s', (text) => {
    const src = { ...odd, block: { ...odd.block, _: 'u' } };
    expect(expand(text, src).value).toBe(byRegExp(text, src));
  });
});

describe('expandInto', () => {
  it('adds the secrets expand lists, in its order, and makes no map when there are none', () => {
    const sink: SecretSink = { found: undefined };
    expect(expandInto('${BASE_URL}/ready', source, sink)).toBe('https://example.com/ready');
    expect(sink.found).toBeUndefined();
    const value = { a: '${DB_URL}', b: ['Bearer ${TOKEN}', '${DB_URL}'] };
    expect(expandInto(value, source, sink)).toEqual(expand(value, source).value);
    expect([...sink.found!]).toEqual([...expand(value, source).secrets]);
    expect([...sink.found!]).toEqual([
      ['hunter2hunter2', '${DB_PASSWORD}'],
      ['tok-123456', '${TOKEN}'],
    ]);
  });
});

describe('hasReference', () => {
  it.each([
    ['${A}', true],
    [['x', { y: 'a${B_2}' }], true],
    ['$A', false],
    [{ a: 1 }, false],
  ])('%o -> %s', (value, result) => {
    expect(hasReference(value)).toBe(result);
  });
});

describe('a name expanded again and again', () => {
  // A run expands the same `${NAME}` in every target: each must still be what its own block says, and a
  // value that names a secret must record it every time.
  it('takes each value from the block it is expanded with, in any order', () => {
    const a = { ...source, block: { BASE_URL: 'https://a.example', BASE: 'https://short.example' } };
    const b = { ...source, block: { BASE_URL: 'https://b.example' } };
    const order = [a, a, b, a, b, b, source, a];
    expect(order.map((s) => expand('${BASE_URL}/x', s).value)).toEqual(
      order.map((s) => `${s.block.BASE_URL}/x`),
    );
    expect(expand('${BASE}/${BASE_URL}', a).value).toBe('https://short.example/https://a.example');
    expect(expand('${BASE_URL}', { ...b, block: {} }).value).toBe('https://ignored.example');
  });

  it('records a secret a block value names at every expansion, and refuses a loop at every depth', () => {
    for (let i = 0; i < 3; i++) {
      expect(expand('${BASE_URL}', source).value).toBe('https://example.com');
      expect([...expand('${DB_URL}', source).secrets]).toEqual([['hunter2hunter2', '${DB_PASSWORD}']]);
    }
    const deep = { ...source, block: { A: '${B}', B: '${C}', C: 'c', D: '${D}' } };
    expect(expand('${C}', deep).value).toBe('c');
    expect(expand('${A}', deep).value).toBe('c');
    expect(() => expand('${D}', deep)).toThrow(ExpansionError);
    // Eight names deep, the ninth is refused even when it was just taken at the top.
    const chain: Record<string, string> = { C: 'c' };
    for (let n = 1; n <= 8; n++) chain[`N${n}`] = n === 8 ? '${C}' : `\${N${n + 1}}`;
    const long = { ...source, block: chain };
    expect(expand('${C}', long).value).toBe('c');
    expect(() => expand('${N1}', long)).toThrow('refers to itself');
  });
});
