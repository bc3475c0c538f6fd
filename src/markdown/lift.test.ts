import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { random } from '../test-support/random.js';
import { liftableBlocks, parseLifted } from './lift.js';
import { plainBlocks } from './plain-items.js';
import { corpusTexts } from './test-support/corpus.js';

// Check blocks lifted out of the text before parsing and put back after must give the tree of a single
// parse of the whole text, whatever surrounds them.

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();
const parse = (text: string) => processor.parse(text) as Root;
/** As outline-markdown.ts parses what is left: plain item lines without micromark (plain-items.ts). */
const parseRest = (text: string) => plainBlocks(text) ?? parse(text);

/** Lines an item may be followed by, or hold; some break the shape on purpose. */
const LINES: string[][] = [
  [
    '- [ ] Endpoint answers',
    '  ```check',
    '  http: ${BASE_URL}/x',
    '  expect: [status == 200, \'"a" in headers\']',
    '  ```',
  ],
  ['- [x] Done', '  ~~~check', '  tcp: db:5432', '  ~~~'],
  ['* [ ] Star', '  ````check', '  command: echo "```"', '  ````'],
  ['+ [X] Plus', '  ```check', '  ```'],
  ['- [ ] Long fence', '  ```check', '  http: x', '  `````'],
  ['- [ ] Short close', '  ````check', '  http: x', '  ```', '  ````'],
  ['- [ ] Close with spaces', '  ```check', '  http: x', '  ```  '],
  ['- [ ] Indented close', '  ```check', '  http: x', '   ```'],
  ['- [ ] Deeper content', '  ```check', '  http: x', '    nested: y', '  ```'],
  ['- [ ] Blank inside', '  ```check', '  http: x', '', '  owner: a', '  ```'],
  ['- [ ] Tab inside', '  ```check', '  http:\tx', '  ```'],
  ['- [ ] Unindented content', '  ```check', 'http: x', '  ```'],
  ['- [ ] Unclosed', '  ```check', '  http: x'],
  ['- [ ] Other info', '  ```check yaml', '  http: x', '  ```'],
  ['- [ ] Not check', '  ```yaml', '  http: x', '  ```'],
  ['- [ ] Three spaces', '   ```check', '   http: x', '   ```'],
  ['-  [ ] Two spaces after marker', '   ```check', '   http: x', '   ```'],
  ['- Plain bullet', '  ```check', '  http: x', '  ```'],
  ['- [ ] <b>html</b> title `code`', '  ```check', '  http: x', '  ```'],
  ['- [ ] Title with [link](http://x) and https://auto.example', '  ```check', '  http: x', '  ```'],
  ['- [ ] Title ending in backslash\\', '  ```check', '  http: x', '  ```'],
  ['- [ ] Title with trailing spaces  ', '  ```check', '  http: x', '  ```'],
  ['  Notes after the block'],
  ['', '  A paragraph in the item'],
  ['lazy line at column 0'],
  [''],
  ['', ''],
  ['# Heading'],
  ['## Sign-off'],
  ['---'],
  ['***'],
  ['- - -'],
  ['==='],
  ['1. [ ] ordered'],
  ['2. two'],
  ['  - [ ] nested'],
  ['  - sub'],
  ['> quote'],
  ['```', '- [ ] in a fence', '  ```check', '  http: x', '  ```', '```'],
  ['<!--', '- [ ] in a comment', '  ```check', '  http: x', '  ```', '-->'],
  ['<div>', '- [ ] in html', '  ```check', '  http: x', '  ```', '</div>'],
  ['| a | b |', '|---|---|', '- [ ] after a table', '  ```check', '  http: x', '  ```'],
  ['[x]: https://example.com'],
  ['text paragraph'],
  ['    indented code'],
  ['-'],
  ['- '],
];

function generate(seed: number): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines =
    next() < 0.3
      ? pick([
          ['---', 'id: gen', '---'],
          ['---', 'a: |', '  ```', '---'],
          ['---', '- [ ] x'],
        ])
      : [];
  if (next() < 0.5) lines.push('# Flat', '');
  for (let n = 4 + Math.floor(next() * 30); n > 0; n--) {
    lines.push(...(next() < 0.6 ? LINES[Math.floor(next() * 4)]! : pick(LINES)));
  }
  const text = lines.join('\n');
  return next() < 0.8 ? `${text}\n` : text;
}

describe('parseLifted', () => {
  // In batches, so no one test holds the thread for long on a busy machine.
  it.each(Array.from({ length: 10 }, (_, b) => [b * 30 + 1, b * 30 + 30] as const))(
    'gives the tree of a single parse on generated documents %i to %i, lifting blocks in most',
    (from, to) => {
      let lifted = 0;
      for (let seed = from; seed <= to; seed++) {
        const text = generate(seed);
        lifted += liftableBlocks(text.split('\n')).length;
        expect(parseLifted(text, parse), `seed ${seed}:\n${text}`).toEqual(parse(text));
        expect(parseLifted(text, parseRest), `seed ${seed}:\n${text}`).toEqual(parse(text));
      }
      expect(lifted).toBeGreaterThan(15);
    },
  );

  it.each(corpusTexts().map((text, i) => [i, text] as const))(
    'gives the tree of a single parse: corpus %i',
    (_i, text) => {
      expect(parseLifted(text, parse)).toEqual(parse(text));
      expect(parseLifted(text, parseRest)).toEqual(parse(text));
    },
  );

  it('lifts the blocks of a flat checklist, and none after a fence, HTML, a table or a definition', () => {
    const item = (i: number) => [`- [ ] Endpoint ${i}`, '  ```check', `  http: \${BASE_URL}/${i}`, '  ```'];
    const flat = ['# Flat', '', ...item(1), ...item(2), '', ...item(3), ''];
    expect(liftableBlocks(flat)).toEqual([
      { title: 2, from: 3, to: 5 },
      { title: 6, from: 7, to: 9 },
      { title: 11, from: 12, to: 14 },
    ]);
    for (const raw of ['```', '<div>', '|---|', '[x]: y']) {
      expect(liftableBlocks([...item(1), '', raw, ...item(2), ''])).toHaveLength(1);
    }
    // The last block is lifted only when a line ending follows it.
    expect(liftableBlocks(item(1))).toEqual([]);
  });
});
