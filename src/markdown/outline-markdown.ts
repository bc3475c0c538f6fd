import type { Root, Yaml } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Section, Warning } from '../model/checklist.js';
import { parseLifted } from './lift.js';
import { type Draft, outline } from './outline.js';
import { eachPiece, PIECE_CHARS, parseMixed, WHOLE_CHARS } from './pieces.js';
import { AUTOLINK_HINT, plainBlocks } from './plain-items.js';

/** What the Markdown of a checklist holds besides its items (which are handed over as they are found). */
export interface MarkdownOutline {
  /** The YAML text of the front matter, if any (it starts on the document's second line). */
  frontMatter?: string;
  sections: Section[];
  /** Text of the first level-1 heading. */
  h1?: string;
  warnings: Warning[];
}

/** mdast transforms taken out of the parser (GFM's autolink literals), run by parseMarkdown when needed. */
type Transform = (tree: Root) => unknown;
const transforms: Transform[] = [];

/**
 * Takes the mdast transforms out of the parser's extensions into `transforms`. The only one is GFM's
 * autolink literals (`mdast-util-gfm-autolink-literal`): a find-and-replace over every text node with four
 * regular expressions, ~15% of parsing a long checklist, which changes nothing in a tree whose text holds
 * no `@` (e-mail, `mailto:`, `xmpp:`), no `http://`/`https://` and no `www.` (each of its patterns needs
 * one of them).
 */
function deferTransforms(this: { data(key: 'fromMarkdownExtensions'): unknown }) {
  const strip = (ext: unknown): unknown => {
    if (Array.isArray(ext)) return ext.map(strip);
    const withTransforms = ext as { transforms?: Transform[] };
    if (!withTransforms.transforms?.length) return ext;
    // Each processor (see parserFor) gives the same functions: kept once.
    for (const t of withTransforms.transforms) if (!transforms.includes(t)) transforms.push(t);
    return { ...withTransforms, transforms: [] };
  };
  const list = this.data('fromMarkdownExtensions') as unknown[];
  list.splice(0, list.length, ...list.map(strip));
}

/**
 * GFM's constructs that cannot match a text without some characters, by their micromark names. micromark
 * tries them at every line (a table) or every letter (an e-mail autolink) of a text, and a cold `gonogo
 * lint` spends a fifth of its parse there; a text without those characters is parsed without them, to the
 * same tree (outline-markdown.test.ts compares every such tree with remark's on a corpus and fuzzed text).
 * - A table needs a delimiter row: a `|`, or an alignment colon beside a dash (`:-`, `-:`) when pipe-less.
 * - A footnote, definition or call, starts `[^`; strikethrough is `~`; an autolink literal is a `www.`,
 *   an `http://` or `https://`, or an e-mail's `@` (AUTOLINK_HINT).
 */
const OPTIONAL: { names: string[]; needs: RegExp }[] = [
  { names: ['table'], needs: /\||:-|-:/ },
  { names: ['gfmFootnoteDefinition', 'gfmFootnoteCall', 'gfmPotentialFootnoteCall'], needs: /\[\^/ },
  { names: ['strikethrough'], needs: /~/ },
  { names: ['wwwAutolink', 'protocolAutolink', 'emailAutolink'], needs: AUTOLINK_HINT },
];

/** The tilde, which strikethrough adds to micromark's attention markers. */
const TILDE = 126;

type Constructs = Record<string, unknown>;

/** A micromark extension without the constructs named in `drop` (and the tilde marker with strikethrough). */
function withoutConstructs(extension: Record<string, Constructs>, drop: ReadonlySet<string>) {
  const out: Record<string, Constructs> = {};
  for (const [field, hooks] of Object.entries(extension)) {
    const kept: Constructs = {};
    for (const [code, value] of Object.entries(hooks)) {
      const list = (Array.isArray(value) ? value : [value]).filter((c) =>
        field === 'attentionMarkers' ? !(c === TILDE && drop.has('strikethrough')) : !drop.has(c?.name),
      );
      if (list.length > 0) kept[code] = list;
    }
    out[field] = kept;
  }
  return out;
}

/** Takes the constructs named in `drop` out of the parser's micromark extensions (GFM's, see OPTIONAL). */
function dropConstructs(this: { data(key: 'micromarkExtensions'): unknown }, drop: ReadonlySet<string>) {
  if (drop.size === 0) return;
  const list = this.data('micromarkExtensions') as Record<string, Constructs>[];
  list.splice(0, list.length, ...list.map((ext) => withoutConstructs(ext, drop)));
}

/** The processors, by the OPTIONAL constructs they leave out; each frozen once (an unfrozen one re-runs its plugins on every parse). */
const parsers = new Map<string, ReturnType<typeof newParser>>();

function newParser(drop: ReadonlySet<string>) {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkFrontmatter, ['yaml'])
    .use(deferTransforms)
    .use(dropConstructs, drop)
    .freeze();
}

/** The processor for `text`: GFM's OPTIONAL constructs that text may hold, and none of the others. */
function parserFor(text: string) {
  const drop = OPTIONAL.filter((o) => !o.needs.test(text)).flatMap((o) => o.names);
  const key = drop.join();
  let parser = parsers.get(key);
  if (!parser) {
    parser = newParser(new Set(drop));
    parsers.set(key, parser);
  }
  return parser;
}

/** Whether a text node outside links holds something the deferred transforms may act on. */
function mayAutolink(node: { type: string; value?: unknown; children?: unknown[] }): boolean {
  if (node.type === 'text') return typeof node.value === 'string' && AUTOLINK_HINT.test(node.value);
  if (node.type === 'link' || node.type === 'linkReference' || !node.children) return false;
  return node.children.some((child) => mayAutolink(child as typeof node));
}

/**
 * Markdown (GFM, YAML front matter) to mdast: the tree remark-parse with remark-gfm and
 * remark-frontmatter gives, the autolink transform run only when some text may hold an autolink.
 * @example const root = parseMarkdown('- [ ] see https://example.com');
 */
export function parseMarkdown(text: string): Root {
  let tree = parserFor(text).parse(text) as Root;
  if (mayAutolink(tree))
    for (const transform of transforms) tree = (transform(tree) as Root | undefined) || tree;
  return tree;
}

/**
 * Parse a checklist's Markdown (remark with GFM and front matter) and walk it, handing the items found to
 * `take` piece by piece, in document order. Each piece's tree is dropped once walked, so a long text
 * never has more than one piece's tree (and micromark tokens) alive. The sizes are those of `eachPiece`.
 * @example const drafts: Draft[] = []; const found = outlineMarkdown(text, (d) => drafts.push(...d));
 */
export function outlineMarkdown(
  text: string,
  take: (drafts: Draft[]) => void,
  pieceChars = PIECE_CHARS,
  wholeChars = WHOLE_CHARS,
): MarkdownOutline {
  const walk = outline(text);
  let frontMatter: string | undefined;
  let first = true;
  eachPiece(
    text,
    // Check blocks of the usual shape are lifted out before micromark and put back (lift.ts); what is
    // left is mostly plain headings and item lines, whose tree is built without micromark (plain-items.ts),
    // micromark parsing only the runs of other lines (parseMixed).
    (piece) => parseLifted(piece, (rest) => parseMixed(rest, plainBlocks, parseMarkdown)),
    (nodes, continues) => {
      // Only the first node of the document can be front matter.
      if (first) frontMatter = nodes.find((node): node is Yaml => node.type === 'yaml')?.value;
      first = false;
      for (const [i, node] of nodes.entries()) walk.add(node, continues && i === 0);
      take(walk.out.drafts.splice(0));
    },
    pieceChars,
    wholeChars,
  );
  const { sections, h1, warnings } = walk.out;
  return {
    ...(frontMatter === undefined ? {} : { frontMatter }),
    sections,
    ...(h1 === undefined ? {} : { h1 }),
    warnings,
  };
}
