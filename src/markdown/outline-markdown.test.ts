import type { Root, Yaml } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { type Draft, outline } from './outline.js';
import { outlineMarkdown, parseMarkdown } from './outline-markdown.js';
import { corpusTexts } from './test-support/corpus.js';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();

/** The outline of the whole tree, walked at once (as readChecklist did before parsing in pieces). */
function wholeOutline(text: string) {
  const root = processor.parse(text) as Root;
  const walk = outline(text);
  for (const node of root.children) walk.add(node);
  const frontMatter = root.children.find((node): node is Yaml => node.type === 'yaml')?.value;
  const { drafts, sections, h1, warnings } = walk.out;
  return { drafts, frontMatter, sections, h1, warnings };
}

/** The outline given piece by piece, cutting wherever allowed. */
function piecewiseOutline(text: string, onPiece = () => {}) {
  const drafts: Draft[] = [];
  const found = outlineMarkdown(
    text,
    (batch) => {
      drafts.push(...batch);
      onPiece();
    },
    1,
    0,
  );
  return { drafts, ...found };
}

const corpus = corpusTexts();

/** A checklist whose sections, criteria, sign-offs, windows and check blocks straddle the cuts. */
function checklist(sections: number): string {
  const out = ['---', 'id: long', '---', '- [ ] above any heading', '  ```check', '  http: x', '  ```', ''];
  for (let s = 0; s < sections; s++) {
    const heading = ['## Day 1-3', '## GO', '## Sign-off', '### Nested', '# Top', '## NO-GO'][s % 6];
    out.push(`${heading} ${s}`, '');
    for (let i = 0; i < 6; i++) {
      out.push(
        i % 3 === 0
          ? `- Criterion ${i} {#c-${s}-${i}}`
          : `- [${i % 2 ? 'x' : ' '}] Item ${i} <!-- due: +2d -->`,
        '  Some notes',
        '  - plain sub-bullet',
        '  - [ ] nested task',
        '  ```check',
        `  http: \${BASE}/${s}/${i}`,
        '  ```',
      );
    }
    out.push('Lead: ____', '', '```check', 'http: outside', '```', '');
  }
  return out.join('\n');
}

describe('outlineMarkdown gives, piece by piece, the outline of the whole tree', () => {
  it.each(corpus.map((text, i) => [i, text] as const))('corpus document %i', (_i, text) => {
    expect(piecewiseOutline(text)).toEqual(wholeOutline(text));
  });

  it('on a long checklist cut at every heading', () => {
    const text = checklist(60);
    let pieces = 0;
    const found = piecewiseOutline(text, () => pieces++);
    expect(pieces).toBeGreaterThan(50);
    expect(found.drafts.length).toBeGreaterThan(600);
    expect(found).toEqual(wholeOutline(text));
  });
});

describe('parseMarkdown', () => {
  const AUTOLINKS = [
    'see https://example.com/a?b=c.',
    'HTTP://EXAMPLE.COM and WWW.Example.com/x',
    'www.example.com',
    'mail ops@example.com or mailto:ops@example.com or xmpp:ops@example.com/r',
    '**bold http://a.b** and _www.c.d_ and `http://code.only`',
    '[a link https://x.y](https://z.w) <https://angle.example>',
    'nothing to link here: example.com, ops at example dot com',
    '&#64; and &#x40;example.com and h&#116;tp://x.y',
    '- [ ] item https://x.y\n  ```check\n  http: https://x.y\n  ```\n',
    '| a | b |\n|---|---|\n| www.x.y | c@d.ef |',
  ];
  it.each(AUTOLINKS.map((text) => [text] as const))('gives the tree remark gives: %j', (text) => {
    expect(parseMarkdown(text)).toEqual(processor.parse(text));
  });

  it.each(corpusTexts().map((text, i) => [i, text] as const))(
    'gives the tree remark gives: corpus %i',
    (_i, text) => {
      expect(parseMarkdown(text)).toEqual(processor.parse(text));
    },
  );
});

describe('parseMarkdown leaves out the GFM constructs a text cannot hold, to the same tree', () => {
  // Each text holds one construct parserFor may leave out, or a near miss of one.
  const CONSTRUCTS = [
    'a\n:-',
    'a\n-:',
    'a\n:-:\nb',
    '- [ ] item\n  head\n  :--\n  cell',
    '> a\n> --:',
    'a | b\n--|--\nc | d',
    '| a |\n| - |',
    'a\n---',
    'a\n- - -',
    'x[^1] and [^ no]\n\n[^1]: the note\n    more',
    '[ ^x] [\n^y]\n\n[^x]: n',
    '~~gone~~ and ~one~ and a ~ alone',
    '**strong** _em_ *~x~*',
    'ops@example.com, a.b+c@d-e.fg and not@',
    'WwW.x.y, HtTpS://a.b and http:/x',
  ];
  it.each(CONSTRUCTS.map((text) => [text] as const))('%j', (text) => {
    expect(parseMarkdown(text)).toEqual(processor.parse(text));
  });

  it('on fuzzed text of Markdown fragments', () => {
    const FRAGMENTS = [
      '- [ ] ',
      '- [x] ',
      '* ',
      '1. ',
      '# ',
      '## ',
      '> ',
      '    ',
      '  ',
      ' ',
      '\n',
      '\n\n',
      'word',
      'W',
      'h',
      '-',
      '--',
      ':',
      '|',
      '~',
      '~~',
      '[',
      ']',
      '^',
      '(',
      ')',
      '*',
      '_',
      '`',
      '```',
      '<',
      '>',
      '@',
      '.',
      'www',
      'http',
      '://',
      '&amp;',
      '\\',
      '!',
      'x.y',
      '{#pin}',
      '<!-- due: +1d -->',
      '---',
    ];
    let seed = 15;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 1500; i++) {
      const text = Array.from({ length: 1 + random(40) }, () => FRAGMENTS[random(FRAGMENTS.length)]).join('');
      expect(parseMarkdown(text), JSON.stringify(text)).toEqual(processor.parse(text));
    }
  });
});
