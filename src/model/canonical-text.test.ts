import { describe, expect, it } from 'vitest';
import { generator } from '../test-support/random.js';
import { canonicalJson } from './canonical-json.js';
import { canonicalValueEnd, isCanonicalJsonText } from './canonical-text.js';

/** The definition the scanner must agree with, character for character. */
function definition(text: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

const STRINGS = [
  '',
  'a',
  'geçmeden İş',
  '🚀',
  '\ud83d\ude80',
  '\ud800',
  'x\udfffy',
  '\ude80\ud83d',
  'q"uote\\back/slash',
  'line\nbreak\ttab\r\b\f',
  '\u0000\u0001\u001f\u007f\u2028',
  '</script>',
];
const KEYS = [
  ...STRINGS,
  'b',
  'A',
  'aa',
  ' ',
  '0',
  '1',
  '2',
  '10',
  '01',
  '-1',
  '1.5',
  '4294967294',
  '4294967295',
  '4294967296',
  '99999999999',
  '__proto__',
  'é',
  'e\u0301',
];
const NUMBERS = [0, -0, 1, -1, 7.5, 0.1 + 0.2, 1e21, 1e-7, 5e-324, 2 ** 53 + 2, 123456789012345, 1e15, -1e15];

/** A JSON value as data parsed from the store can be (no undefined, no functions). */
function jsonValue(g: ReturnType<typeof generator>, depth: number): unknown {
  const r = g.rand();
  if (depth > 4 || r < 0.35) return g.pick<unknown>([...STRINGS, ...NUMBERS, true, false, null]);
  if (r < 0.55) return Array.from({ length: g.int(4) }, () => jsonValue(g, depth + 1));
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (let i = g.int(6); i > 0; i--) out[g.pick(KEYS)] = jsonValue(g, depth + 1);
  return out;
}

/** Small edits that turn a canonical text into a near miss (or, sometimes, another canonical text). */
const EDITS = [
  ' ',
  '\n',
  '\\',
  '"',
  '0',
  '1',
  '9',
  'e',
  'E',
  '.',
  '-',
  '+',
  ',',
  ':',
  '{',
  '}',
  '[',
  ']',
  'u',
  'n',
  '\u0000',
  '\ud800',
  '\udc00',
  '/',
];

function nearMiss(g: ReturnType<typeof generator>, text: string): string {
  const at = g.int(text.length + 1);
  switch (g.int(5)) {
    case 0:
      return text.slice(0, at) + g.pick(EDITS) + text.slice(at);
    case 1:
      return text.slice(0, at) + g.pick(EDITS) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + text.slice(at + 1);
    case 3: {
      // A character written as a \u escape, as some JSON writers do.
      const c = text.charCodeAt(at);
      return Number.isNaN(c)
        ? text
        : `${text.slice(0, at)}\\u${c.toString(16).padStart(4, '0')}${text.slice(at + 1)}`;
    }
    default:
      // Two neighbouring members swapped, or a key's case changed.
      return text.replace(/"([^"\\]*)":/, (_m, k: string) => `"${k.toUpperCase()}":`);
  }
}

describe('isCanonicalJsonText', () => {
  it('says what canonicalJson(JSON.parse(text)) === text says, over generated texts and near misses', () => {
    const g = generator(7);
    let canonical = 0;
    let not = 0;
    for (let i = 0; i < 4000; i++) {
      const v = jsonValue(g, 0);
      const texts = [canonicalJson(v), JSON.stringify(v), JSON.stringify(v, null, 1)];
      for (let k = 0; k < 6; k++) texts.push(nearMiss(g, texts[0]!));
      texts.push(nearMiss(g, nearMiss(g, texts[0]!)));
      for (const text of texts) {
        const expected = definition(text);
        if (isCanonicalJsonText(text) !== expected)
          expect({ text, scanner: !expected }).toEqual({ text, scanner: expected });
        if (expected) canonical++;
        else not++;
      }
    }
    // Both answers were given often: the comparison covered each side.
    expect(canonical).toBeGreaterThan(5000);
    expect(not).toBeGreaterThan(20000);
  });

  it.each([
    // numbers
    ['0', true],
    ['-0', false],
    ['-0.0', false],
    ['1.0', false],
    ['1.5', true],
    ['1e3', false],
    ['1000', true],
    ['1e21', false],
    ['1e+21', true],
    ['1E+21', false],
    ['1e-7', true],
    ['1.5e-7', true],
    ['0.0000001', false],
    ['01', false],
    ['.5', false],
    ['1.', false],
    ['+1', false],
    ['123456789012345', true],
    ['1234567890123456', true],
    ['9007199254740993', false],
    ['12345678901234567890', false],
    ['100000000000000000000', true],
    ['1e400', false],
    ['5e-324', true],
    ['4.9e-324', false],
    ['1.7976931348623157e+308', true],
    ['-123456789012345', true],
    ['-12345678901234', true],
    // strings
    ['"plain"', true],
    ['"\\u0041"', false],
    ['"\\/"', false],
    ['"/"', true],
    ['"\\n\\t\\"\\\\"', true],
    ['"\\u000a"', false],
    ['"\\u001f"', true],
    ['"\\u001F"', false],
    ['"\\u007f"', false],
    ['"\u007f"', true],
    ['"\\ud800"', true],
    ['"\\uD800"', false],
    ['"\ud800"', false],
    ['"\\ud83d\\ude80"', false],
    ['"\ud83d\ude80"', true],
    ['"\\ud83d\ude80"', false],
    ['"\u2028"', true],
    ['"\\u2028"', false],
    ['"a\u0000"', false],
    ['"\\x41"', false],
    ['"unterminated', false],
    // keys: order, duplicates, array indexes
    ['{"a":1,"b":2}', true],
    ['{"b":2,"a":1}', false],
    ['{"a":1,"a":1}', false],
    ['{"a":1,"aa":2}', true],
    ['{"aa":1,"a":2}', false],
    ['{"2":1,"10":2,"a":3}', true],
    ['{"10":1,"2":2}', false],
    ['{"01":1,"1":2}', false],
    ['{"1":2,"01":1}', true],
    ['{"4294967294":1,"0":2}', false],
    ['{"0":1,"4294967294":2}', true],
    ['{"0":1,"4294967294":2,"4294967295":3}', true],
    ['{"4294967295":1,"4294967294":2}', false],
    ['{"4294967296":1,"4294967295":2}', false],
    ['{"-1":1,"0":2}', false],
    ['{"0":1,"-1":2}', true],
    ['{"Z":1,"a":2}', true],
    ['{"\\"":1,"a":2}', true],
    ['{"a":1,"\\"":2}', false],
    ['{"\\u0000":1,"\\n":2}', true],
    ['{"\\ud800":1,"\ud83d\ude80":2}', true],
    ['{"\ud83d\ude80":1,"\\ud800":2}', false],
    ['{"\uffff":1,"\ud83d\ude80":2}', false],
    ['{"__proto__":1,"a":2}', true],
    // structure and whitespace
    ['{}', true],
    ['[]', true],
    ['{ }', false],
    ['[1,2]', true],
    ['[1, 2]', false],
    ['[1,2,]', false],
    ['{"a":1,}', false],
    ['{"a" :1}', false],
    [' {}', false],
    ['{}\n', false],
    ['{}{}', false],
    ['true', true],
    ['tru', false],
    ['nul', false],
    ['null', true],
    ['', false],
    ['{"a":[{"b":null,"c":[true,false]}]}', true],
  ])('%s is canonical: %s', (text, expected) => {
    expect(definition(text)).toBe(expected);
    expect(isCanonicalJsonText(text)).toBe(expected);
  });

  it('decides texts nested past its own depth by the definition', () => {
    for (const depth of [199, 200, 201, 600]) {
      const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      expect(isCanonicalJsonText(arrays)).toBe(definition(arrays));
      expect(isCanonicalJsonText(arrays)).toBe(true);
      const objects = `${'{"a":'.repeat(depth)}{"b":1,"a":2}${'}'.repeat(depth)}`;
      expect(isCanonicalJsonText(objects)).toBe(false);
      const sorted = `${'{"a":'.repeat(depth)}{"a":2,"b":1}${'}'.repeat(depth)}`;
      expect(isCanonicalJsonText(sorted)).toBe(true);
    }
  });

  it('finds where a canonical value ends inside a longer text', () => {
    expect(canonicalValueEnd('x{"a":1},"b"', 1)).toBe(8);
    expect(canonicalValueEnd('{"a":12,', 5)).toBe(7);
    expect(canonicalValueEnd('{"a":1.0}', 5)).toBe(-1);
    expect(canonicalValueEnd('"a\\"b",', 0)).toBe(6);
  });
});
