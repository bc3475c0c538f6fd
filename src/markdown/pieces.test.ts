import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { random } from '../test-support/random.js';
import { cutPoints, parseInPieces, parseMixed } from './pieces.js';
import { plainBlocks } from './plain-items.js';
import { corpusTexts } from './test-support/corpus.js';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();
const parse = (text: string) => processor.parse(text) as Root;

const corpus = corpusTexts();

/** Lines that open, close or look like the blocks a cut must respect. */
const TRICKY = [
  '',
  '',
  '',
  '# Heading',
  '## Section',
  '#not a heading',
  '    # indented',
  '```',
  '```sh',
  '````',
  '~~~',
  '  ```check',
  '  ```',
  '   ```',
  '    ```',
  '```inline``` code',
  '<!--',
  '-->',
  '<!-- one line -->',
  '<pre>',
  '</pre>',
  '<script>',
  '</script>',
  '<?php',
  '?>',
  '<!DOCTYPE x',
  '>',
  '<![CDATA[',
  ']]>',
  '<div>',
  '</div>',
  '- [ ] item',
  '- [ ] item',
  '* [x] star item',
  '+ plus item',
  '- - -',
  '-     indented code item',
  ' - one-space item',
  '\t- tab item',
  '-\ttab after marker',
  '  text in an item',
  '   > quote in an item',
  '  | c | d |',
  '  |---|---|',
  '  <div>',
  '2. second',
  '  - [ ] nested',
  '1. [x] done',
  '> quote',
  '> ```',
  '| a | b |',
  '|---|---|',
  'text line',
  '---',
  'Setext',
  '===',
  '\t# tab',
  '  http: ${BASE_URL}/x',
];

/** A document of random tricky lines and runs of corpus lines. */
function generate(seed: number): string {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const lines: string[] = next() < 0.3 ? ['---', 'id: gen', '# a YAML comment', '', '# another', '---'] : [];
  for (let n = 12 + pick(40); n > 0; n--) {
    if (next() < 0.75) lines.push(TRICKY[pick(TRICKY.length)]!);
    else {
      const doc = corpus[pick(corpus.length)]!.split('\n');
      const from = pick(doc.length);
      // Link and footnote definitions make the whole document one piece (tested below): leave them out,
      // so a generated document is worth parsing.
      lines.push(...doc.slice(from, from + 1 + pick(8)).filter((l) => !l.includes(']:')));
    }
  }
  return lines.join('\n');
}

/** Both trees, cutting wherever allowed (piece size 1). */
function compare(text: string) {
  return { whole: parse(text), pieces: parseInPieces(text, parse, 1, 0) };
}

describe('parseInPieces gives the tree of a single parse', () => {
  it.each(corpus.map((text, i) => [i, text] as const))('corpus document %i', (_i, text) => {
    const { whole, pieces } = compare(text);
    expect(pieces).toEqual(whole);
  });

  it('on 180 short generated documents full of fences, HTML blocks and headings, each cut somewhere', () => {
    // Only documents that are cut prove anything, so only those are parsed (twice each), and short ones
    // keep the parse work small while every cut still meets a different mix of blocks. The seeds are
    // fixed, so a failure names a seed that reproduces it.
    const WANTED = 180;
    let compared = 0;
    let cuts = 0;
    let listStarts = 0;
    let seed = 0;
    while (compared < WANTED) {
      seed++;
      expect(seed, 'the generator should cut most documents').toBeLessThan(WANTED * 4);
      const text = generate(seed);
      const lines = text.split('\n');
      const found = cutPoints(lines, 1);
      if (found.length === 0) continue;
      const { whole, pieces } = compare(text);
      expect(pieces, `seed ${seed}`).toEqual(whole);
      compared++;
      cuts += found.length;
      listStarts += found.filter((c) => c.list === undefined && /^[-*+] /.test(lines[c.line]!)).length;
    }
    // Enough cuts that the boundaries meet fences, HTML blocks, lists and front matter in many mixes,
    // lists starting after a heading among them.
    expect(cuts).toBeGreaterThanOrEqual(250);
    expect(listStarts).toBeGreaterThanOrEqual(20);
  });

  it('with parseMixed (plain pieces built by plainBlocks, runs of the others parsed together)', () => {
    // Pieces plainBlocks builds, next to runs of pieces it leaves to the parser, in the same mixes.
    let built = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const text = generate(seed);
      const slow: string[] = [];
      const tree = parseMixed(text, plainBlocks, (t) => {
        slow.push(t);
        return parse(t);
      });
      expect(tree, `seed ${seed}`).toEqual(parse(text));
      if (slow.join('') !== text) built++;
    }
    expect(built).toBeGreaterThan(20);
  });

  it('cuts a long checklist into pieces of about the given size', () => {
    const sections = Array.from(
      { length: 40 },
      (_, s) =>
        `## Section ${s}\n\n${Array.from({ length: 30 }, (_, i) => `- [ ] Item ${i}\n  \`\`\`check\n  http: \${BASE_URL}/${s}/${i}\n  \`\`\`\n`).join('')}`,
    );
    const text = `---\nid: long\n---\n# Long\n\n${sections.join('\n')}`;
    const cuts = cutPoints(text.split('\n'), 8 * 1024);
    expect(cuts.length).toBeGreaterThan(5);
    expect(parseInPieces(text, parse, 8 * 1024, 0)).toEqual(parse(text));
  });

  it('does not cut a document with link or footnote definitions', () => {
    const text = `# A\n\nsee [x] and [^1]\n\n# B\n\n[x]: https://example.com\n[^1]: a note\n`;
    let calls = 0;
    parseInPieces(
      text,
      (t) => {
        calls++;
        return parse(t);
      },
      1,
      0,
    );
    expect(calls).toBe(1);
  });
});
