import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { plainItems } from './plain-items.js';
import { corpusTexts } from './test-support/corpus.js';
import { random } from './test-support/random.js';

// A tree built without micromark for a tight list of plain task items must be the tree a single parse
// gives, whenever one is built at all.

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();
const parse = (text: string) => processor.parse(text) as Root;

/** Item lines: plain ones, and near misses of every kind (each must fall back, or still be equal). */
const LINES = [
  '- [ ] Endpoint 1 answers',
  '- [x] Done, already (twice): see 3.2/4; 50% + 1 = "ok" \'yes\' ?',
  '- [X] Upper-case box',
  '* [ ] Star marker',
  '+ [ ] Plus marker',
  '- [ ] a',
  '- [ ] Two  spaces inside',
  '- [ ] 1. looks ordered',
  '- [ ] 2) looks ordered',
  '- [ ] -- dashes --',
  '- [ ] Trailing space ',
  '- [ ] Trailing tab\t',
  '- [ ]  Two spaces after the box',
  '- [ ]\tTab after the box',
  '-  [ ] Two spaces after the marker',
  '- [] No space in the box',
  '- [y] Other box',
  '- [ ]',
  '- [ ] ',
  '- Plain bullet',
  '- [ ] *emphasis*',
  '- [ ] _under_',
  '- [ ] `code`',
  '- [ ] [link](x)',
  '- [ ] <b>html</b>',
  '- [ ] a & b &amp; c',
  '- [ ] back\\slash',
  '- [ ] ~~strike~~',
  '- [ ] a | b',
  '- [ ] see https://example.com',
  '- [ ] see http://example.com',
  '- [ ] see www.example.com',
  '- [ ] mail ops@example.com',
  '- [ ] mailto:x',
  '- [ ] # hash',
  '- [ ] Café ünïcode',
  '- [ ] ✅ emoji',
  '- [ ] {#pinned-id}',
  '- [ ] Lead: ____',
  '- [ ] :colon first',
  '- [ ] ends with a colon:',
  '1. [ ] ordered',
  '  - [ ] nested',
  '  continuation',
  'lazy line',
  '',
  '# Heading',
  '---',
  '***',
  '- - -',
];

function generate(seed: number): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines: string[] = [];
  for (let n = 1 + Math.floor(next() * 12); n > 0; n--) {
    // Mostly plain lines of one marker, so that many documents are plain lists.
    lines.push(next() < 0.85 ? pick(LINES.slice(0, 3)).replace(/1/, String(n)) : pick(LINES));
  }
  const text = lines.join('\n');
  return next() < 0.7 ? `${text}\n` : text;
}

describe('plainItems', () => {
  it.each(Array.from({ length: 10 }, (_, b) => [b * 50 + 1, b * 50 + 50] as const))(
    'gives the tree of a single parse, or none, on generated documents %i to %i',
    (from, to) => {
      let built = 0;
      for (let seed = from; seed <= to; seed++) {
        const text = generate(seed);
        const tree = plainItems(text);
        if (!tree) continue;
        built++;
        expect(tree, `seed ${seed}:\n${text}`).toEqual(parse(text));
      }
      expect(built).toBeGreaterThan(10);
    },
  );

  it('gives the tree of a single parse, or none, for each line and pair of lines above', () => {
    for (const a of LINES) {
      for (const text of [a, `${a}\n`, ...LINES.map((b) => `- [ ] First\n${a}\n${b}\n`)]) {
        const tree = plainItems(text);
        if (tree) expect(tree, text).toEqual(parse(text));
      }
    }
    // The near misses fall back (no tree), the plain ones do not.
    expect(plainItems('- [ ] Trailing space \n')).toBeUndefined();
    expect(plainItems('- [ ] see www.example.com\n')).toBeUndefined();
    expect(plainItems('- [ ] a\n* [ ] b\n')).toBeUndefined();
    expect(plainItems('- [ ] a\n\n- [ ] b\n')).toBeUndefined();
    expect(plainItems(`${LINES[0]}\n${LINES[1]}\n${LINES[2]}`)).toBeDefined();
  });

  it.each(corpusTexts().map((text, i) => [i, text] as const))(
    'gives the tree of a single parse for the task item runs of corpus text %i',
    (_i, text) => {
      // Every run of consecutive task item lines at column 0, as a text of its own.
      const runs: string[][] = [[]];
      for (const line of text.split('\n')) {
        if (/^[-*+] \[[ xX]\] /.test(line)) runs[runs.length - 1]!.push(line);
        else if (runs[runs.length - 1]!.length > 0) runs.push([]);
      }
      for (const run of runs.map((lines) => lines.join('\n')).filter(Boolean)) {
        for (const piece of [run, `${run}\n`]) {
          const tree = plainItems(piece);
          if (tree) expect(tree, piece).toEqual(parse(piece));
        }
      }
    },
  );
});
