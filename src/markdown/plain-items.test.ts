import { readFileSync } from 'node:fs';
import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { random } from '../test-support/random.js';
import { cutPoints, parseMixed } from './pieces.js';
import { plainBlocks } from './plain-items.js';
import { corpusTexts } from './test-support/corpus.js';

// A tree built without micromark for plain headings and tight lists of plain task items must be the tree
// a single parse gives, whenever one is built at all; so must parseMixed's, built partly with it.

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();
const parse = (text: string) => processor.parse(text) as Root;

/** Plain item lines of one marker. */
const PLAIN = [
  '- [ ] Endpoint 1 answers',
  '- [x] Done, already (twice): see 3.2/4; 50% + 1 = "ok" \'yes\' ?',
  '- [X] Upper-case box',
  // Code spans and runs of underscores (text when spaced on both sides).
  '- [ ] Run migrations: `npx prisma migrate deploy`',
  '- [ ] `npm test` first, then `npm run e2e` and `x`',
  '- [x] Store `STRIPE_SECRET_KEY` in `.env`: (see `a<b>&amp;\\c *d* [e](f)`)',
  '- [ ] Engineering Lead: ________________ Date: __________',
  '- [ ] RTO 1: __________',
  '- [ ] Alert when: error rate > 1%',
  // Nested bullets under an item.
  '- [ ] Configure alerting for:\n  - API error rate > 1%\n  - Redis `INFO` failures',
];

/** Other lines and blocks, plain between blank lines: paragraphs, strong ones, thematic breaks. */
const ALONE = [
  'A paragraph of plain text.',
  '**This checklist must be completed before production deployment.**',
  'Run `npm test` first: 2 > 1',
  '---',
  '***',
  '___',
];

/** Item lines and headings: plain ones, and near misses of every kind (each must fall back, or still be equal). */
const LINES = [
  ...PLAIN.slice(0, 3),
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
  ...PLAIN.slice(3),
  ...ALONE,
  // Near misses of nested bullets, paragraphs, strong spans and breaks.
  '  - nested',
  '  * nested star',
  '   - three spaces',
  '    - four spaces',
  '  - 1. ordered inside',
  '  - [ ] nested box',
  '  - > quote',
  '  -',
  '1. Starts like an ordered item',
  '2) Also',
  '1.5 hours',
  '**strong** then text',
  '**trailing space **',
  '** spaced**',
  '***triple***',
  '**a `b`**',
  '**a __ b**',
  '- - -',
  '-- -',
  '----',
  '> quoted',
  'a > b',
  '=====',
  // Near misses of code spans and runs of underscores.
  '- [ ] `code`x',
  '- [ ] `x``y`',
  '- [ ] `x` `y`',
  '- [ ] ``double``',
  '- [ ] ` spaced `',
  '- [ ] `  `',
  '- [ ] `trailing `',
  '- [ ] `open',
  '- [ ] close`',
  '- [ ] `a` b `',
  '- [ ] `https://x.example` link in code',
  '- [ ] snake_case word',
  '- [ ] a _b',
  '- [ ] a_ b',
  '- [ ] __init__',
  '- [ ] a __ b',
  '- [ ] a ** b',
  '- [ ] a \\_ b',
  '1. [ ] ordered',
  '  - [ ] nested',
  '  continuation',
  'lazy line',
  '',
  '# Heading',
  '## Section 2',
  '###### Six',
  '####### Seven',
  '## Code `in` heading',
  '## `code` first',
  '## Trailing #',
  '##  Two spaces',
  '## Trailing space ',
  '#NoSpace',
  '# Lead: ____',
  '---',
  '***',
  '- - -',
];

function generate(seed: number): string {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines: string[] = [];
  for (let n = 1 + Math.floor(next() * 12); n > 0; n--) {
    // Mostly plain lines of one marker, so that many documents are plain lists; headings and blank
    // lines between them, so that many are plain sections.
    const r = next();
    if (r < 0.08) lines.push('', `## Section ${n}`, ...(next() < 0.7 ? [''] : []));
    else if (r < 0.12) lines.push('');
    else if (r < 0.18) lines.push('', pick(ALONE), ...(next() < 0.8 ? [''] : []));
    else lines.push(r < 0.85 ? pick(PLAIN).replace(/1/, String(n)) : pick(LINES));
  }
  const text = lines.join('\n');
  return next() < 0.7 ? `${text}\n` : text;
}

describe('parseMixed with plainBlocks', () => {
  it.each(Array.from({ length: 10 }, (_, b) => [b * 50 + 1, b * 50 + 50] as const))(
    'gives the tree of a single parse on generated documents %i to %i',
    (from, to) => {
      let mixed = 0;
      for (let seed = from; seed <= to; seed++) {
        const text = generate(seed + 10_000);
        if (!plainBlocks(text)) mixed++;
        expect(parseMixed(text, plainBlocks, parse), `seed ${seed}:\n${text}`).toEqual(parse(text));
      }
      // Documents plainBlocks gives no tree for: parsed partly by it, partly by remark.
      expect(mixed).toBeGreaterThan(10);
    },
  );
});

describe('plainBlocks', () => {
  it.each(Array.from({ length: 10 }, (_, b) => [b * 50 + 1, b * 50 + 50] as const))(
    'gives the tree of a single parse, or none, on generated documents %i to %i',
    (from, to) => {
      let built = 0;
      for (let seed = from; seed <= to; seed++) {
        const text = generate(seed);
        const tree = plainBlocks(text);
        if (!tree) continue;
        built++;
        expect(tree, `seed ${seed}:\n${text}`).toEqual(parse(text));
      }
      expect(built).toBeGreaterThan(10);
    },
  );

  it('gives the tree of a single parse, or none, for each line and pair of lines above', () => {
    for (const a of LINES) {
      const around = LINES.flatMap((b) => [`- [ ] First\n${a}\n${b}\n`, `## H\n\n${a}\n\n${b}`]);
      for (const text of [a, `${a}\n`, `\n\n${a}\n\n\n`, ...around]) {
        const tree = plainBlocks(text);
        if (tree) expect(tree, text).toEqual(parse(text));
      }
    }
    // The near misses fall back (no tree), the plain ones do not.
    expect(plainBlocks('- [ ] Trailing space \n')).toBeUndefined();
    expect(plainBlocks('- [ ] see www.example.com\n')).toBeUndefined();
    expect(plainBlocks('- [ ] a\n* [ ] b\n')).toBeUndefined();
    expect(plainBlocks('- [ ] a\n\n- [ ] b\n')).toBeUndefined();
    expect(plainBlocks('- [ ] `x``y`\n')).toBeUndefined();
    expect(plainBlocks('- [ ] `x` `y`\n')).toBeDefined();
    expect(plainBlocks('- [ ] a _b\n')).toBeUndefined();
    expect(plainBlocks('## H\n\n- [ ] a\n\n## I\n- [ ] b\n- [ ] c\n')).toBeDefined();
    expect(plainBlocks(`${LINES[0]}\n${LINES[1]}\n${LINES[2]}`)).toBeDefined();
    for (const line of PLAIN) expect(plainBlocks(`# Title\n\n${line}\n`), line).toBeDefined();
    for (const line of ALONE) expect(plainBlocks(`# Title\n\n${line}\n\n## Next\n`), line).toBeDefined();
    // The bench's cold `lint` checklist (seed 004) is built without micromark, whole.
    const seed = readFileSync(
      new URL('../../bench/fixtures/004-production-checklist.md', import.meta.url),
      'utf8',
    );
    expect(plainBlocks(seed)).toEqual(parse(seed));
  });

  it.each(corpusTexts().map((text, i) => [i, text] as const))(
    'gives the tree of a single parse for the pieces of corpus text %i, and parseMixed for the text',
    (_i, text) => {
      const lines = text.split('\n');
      const starts = [0, ...cutPoints(lines, 1).map((cut) => cut.line), lines.length];
      for (let i = 1; i < starts.length; i++) {
        const piece = lines.slice(starts[i - 1], starts[i]).join('\n');
        for (const p of [piece, `${piece}\n`]) {
          const tree = plainBlocks(p);
          if (tree) expect(tree, p).toEqual(parse(p));
        }
      }
      expect(parseMixed(text, plainBlocks, parse)).toEqual(parse(text));
    },
  );

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
          const tree = plainBlocks(piece);
          if (tree) expect(tree, piece).toEqual(parse(piece));
        }
      }
    },
  );
});
