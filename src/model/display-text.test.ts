import { describe, expect, it } from 'vitest';
import { displayText } from './display-text.js';

/** What a terminal would act on (tab and line feed aside). */
const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe('displayText', () => {
  it.each([
    ['clear screen', 'a\x1b[2Jb', 'a\\x1b[2Jb'],
    ['colour', '\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    [
      'OSC-8 link',
      '\x1b]8;;https://evil\x07Click\x1b]8;;\x07',
      '\\x1b]8;;https://evil\\x07Click\\x1b]8;;\\x07',
    ],
    ['bell', 'ding\x07', 'ding\\x07'],
    ['NUL', 'a\x00b', 'a\\x00b'],
    ['DEL and C1 CSI', 'a\x7f\x9b2J', 'a\\x7f\\x9b2J'],
    ['RLO', 'txt.\u202Eexe', 'txt.\\u202eexe'],
    ['isolates', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['lone surrogate', 'a\uD800b', 'a\\ud800b'],
    ['line break in a one-line field', 'signed\nGO', 'signed\\nGO'],
    ['carriage return', 'x\ry', 'x\\ry'],
    ['tab kept', 'a\tb', 'a\tb'],
    ['letters and emoji kept', 'çğış ✅ 😀', 'çğış ✅ 😀'],
  ])('%s', (_name, input, want) => {
    expect(displayText(input)).toBe(want);
    expect(displayText(input)).not.toMatch(RAW);
  });

  it('keeps line breaks in multi-line text, CRLF folded', () => {
    expect(displayText('one\r\ntwo\rthree\n\x1b', { multiline: true })).toBe('one\ntwo\nthree\n\\x1b');
  });
});
