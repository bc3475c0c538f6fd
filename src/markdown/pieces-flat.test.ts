import type { Root, Yaml } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { random } from '../test-support/random.js';
import { parseLifted } from './lift.js';
import { type Draft, outline } from './outline.js';
import { outlineMarkdown } from './outline-markdown.js';
import { cutPoints, parseInPieces } from './pieces.js';
import { plainBlocks } from './plain-items.js';

// Flat checklists (one heading, one long list) are cut between the items of their one list: the pieces,
// joined, must give the tree and the outline a single parse gives, whatever the items hold.

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();
const parse = (text: string) => processor.parse(text) as Root;
/** Each piece as outline-markdown.ts parses it: check blocks lifted, plain item lines built directly. */
const parsePiece = (text: string) => parseLifted(text, (rest) => plainBlocks(rest) ?? parse(rest));

/** What an item of a flat list may hold, each line indented for the item (or not, on purpose). */
const BODIES: string[][] = [
  [
    '  ```check',
    '  http: ${BASE_URL}/x',
    '  expect: [status == 200, \'"x-request-id" in headers\']',
    '  ```',
  ],
  ['  ~~~check', '  http: https://[::1]/a', '  ~~~'],
  ['  ```check', '  command: echo "a]: b"', '  ```'],
  ['  ```', '- [ ] inside a fence', '```', '  ```'],
  ['  - plain sub-bullet', '  - [ ] nested task', '    - [x] deeper'],
  ['  1. ordered', '  2. second'],
  ['  > a quote', '  > - [ ] in a quote'],
  ['  > lazy quote', 'lazy line'],
  ['  | a | b |', '  |---|---|', '  | 1 | 2 |'],
  ['  <div>', '  html', '  </div>'],
  ['  <!--', '- [ ] in a comment', '  -->'],
  ['  <!-- due: +2d owner: ops -->'],
  ['  Some notes', '  on two lines'],
  ['lazy continuation at column 0'],
  [''],
  ['', '  a second paragraph'],
  ['    indented code in the item'],
  ['', '## A heading between items', ''],
  ['', '#### GO', ''],
  ['', '###### Sign-off', ''],
  ['', '# Top', ''],
  ['', 'Setext heading', '---', ''],
  ['', '***', ''],
  ['', 'a paragraph between lists', ''],
  ['<div>', '- [ ] in raw html', '</div>', ''],
  ['```', '- [ ] in a top fence', '```'],
  ['  ```check', '  http: unclosed'],
];

const TITLES = [
  '- [ ] Endpoint answers',
  '- [x] Done already {#pinned}',
  '- Criterion without a box',
  '- [ ] Lead: ____',
  '* [ ] star marker',
  '+ [ ] plus marker',
  '-   [ ] wide marker',
  '1. [ ] ordered item',
  '- [ ] <b>html</b> title',
  '- [ ] Plain, with (punctuation): 50% "quoted"',
  '- [ ] Trailing space ',
  '- [ ] see www.example.com',
];

/** A flat checklist: front matter sometimes, one heading, then `items` items of random content. */
function flat(seed: number, items: number): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines = next() < 0.5 ? ['---', 'id: flat', 'name: Flat', '---'] : [];
  lines.push(pick(['# Flat', '## GO', '## Day 1-3', '## Sign-off', 'Flat\n===']), '');
  for (let i = 0; i < items; i++) {
    // Mostly the same marker, so the cuts fall inside one long list.
    lines.push(next() < 0.8 ? `- [${i % 3 ? ' ' : 'x'}] Item ${i}` : `${pick(TITLES)} ${i}`);
    for (let b = Math.floor(next() * 3); b > 0; b--) lines.push(...pick(BODIES));
  }
  if (next() < 0.1) lines.push('', '[ref]: https://example.com/ref');
  const text = `${lines.join('\n')}\n`;
  return next() < 0.2 ? text.replaceAll('\n', '\r\n') : text;
}

/** The outline a single parse and walk gives. */
function wholeOutline(text: string) {
  const root = parse(text);
  const walk = outline(text);
  for (const node of root.children) walk.add(node);
  const frontMatter = root.children.find((node): node is Yaml => node.type === 'yaml')?.value;
  const { drafts, sections, h1, warnings } = walk.out;
  return {
    drafts,
    ...(frontMatter === undefined ? {} : { frontMatter }),
    sections,
    ...(h1 ? { h1 } : {}),
    warnings,
  };
}

/** The outline given piece by piece, cut wherever allowed. */
function piecewiseOutline(text: string) {
  const drafts: Draft[] = [];
  const found = outlineMarkdown(text, (batch) => drafts.push(...batch), 1, 0);
  return { drafts, ...found };
}

describe('a flat list cut between its items', () => {
  // 300 generated checklists in batches, so no one test holds the thread for long on a busy machine.
  it.each(Array.from({ length: 10 }, (_, b) => [b * 30 + 1, b * 30 + 30] as const))(
    'gives the tree and the outline of a single parse, on generated flat checklists %i to %i',
    (from, to) => {
      let listCuts = 0;
      for (let seed = from; seed <= to; seed++) {
        const text = flat(seed, 6 + (seed % 20));
        listCuts += cutPoints(text.split('\n'), 1).filter((c) => c.list !== undefined).length;
        expect(parseInPieces(text, parse, 1, 0), `seed ${seed}`).toEqual(parse(text));
        expect(parseInPieces(text, parsePiece, 1, 0), `seed ${seed}`).toEqual(parse(text));
        expect(piecewiseOutline(text), `seed ${seed}`).toEqual(wholeOutline(text));
      }
      // The generated items meet the cuts often enough to prove something.
      expect(listCuts).toBeGreaterThan(20);
    },
  );

  it('cuts a long flat checklist into pieces of about the given size, joined into one list again', () => {
    const items = Array.from(
      { length: 600 },
      (_, i) => `- [ ] Endpoint ${i}\n  \`\`\`check\n  http: \${BASE_URL}/item/${i}\n  \`\`\`\n`,
    );
    const text = `---\nid: flat\n---\n# Flat\n\n${items.join('')}`;
    const cuts = cutPoints(text.split('\n'), 8 * 1024);
    expect(cuts.length).toBeGreaterThan(3);
    // First where the list starts after its heading (front matter and heading make a piece of their
    // own: the items' pieces hold nothing else), then between its items.
    expect(cuts[0]).toEqual({ line: 5 });
    expect(cuts.slice(1).every((c) => c.list === '-')).toBe(true);
    const tree = parseInPieces(text, parse, 8 * 1024, 0);
    expect(tree.children.filter((n) => n.type === 'list')).toHaveLength(1);
    expect(tree).toEqual(parse(text));
    expect(parseInPieces(text, parsePiece, 8 * 1024, 0)).toEqual(tree);
  });

  it('keeps criteria polarity across a cut (a GO list cut in two is still criteria)', () => {
    const text = `## GO\n\n${Array.from({ length: 40 }, (_, i) => `- Criterion ${i}\n`).join('')}`;
    const found = piecewiseOutline(text);
    expect(found.drafts).toHaveLength(40);
    expect(found.drafts.every((d) => d.polarity === 'go')).toBe(true);
    expect(found).toEqual(wholeOutline(text));
  });

  it('does not cut at all when a link definition outside code may reach back', () => {
    const text = `# A\n\n- [ ] see [x]\n- [ ] two\n- [ ] three\n\n[x]: https://example.com\n`;
    expect(cutPoints(text.split('\n'), 1)).toEqual([]);
    // Inside a fence `]:` is code, not a definition: the list is cut.
    const fenced = `# A\n\n- [ ] one\n  \`\`\`check\n  http: http://[::1]:80/\n  \`\`\`\n- [ ] two\n`;
    expect(cutPoints(fenced.split('\n'), 1).length).toBeGreaterThan(0);
    expect(parseInPieces(fenced, parse, 1, 0)).toEqual(parse(fenced));
  });
});
