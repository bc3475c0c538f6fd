import type { Root, Yaml } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Section, Warning } from '../model/checklist.js';
import { type Draft, outline } from './outline.js';
import { parseLifted } from './lift.js';
import { eachPiece, PIECE_CHARS, WHOLE_CHARS } from './pieces.js';

/** What the Markdown of a checklist holds besides its items (which are handed over as they are found). */
export interface MarkdownOutline {
  /** The YAML text of the front matter, if any (it starts on the document's second line). */
  frontMatter?: string;
  sections: Section[];
  /** Text of the first level-1 heading. */
  h1?: string;
  warnings: Warning[];
}

// Frozen once: an unfrozen processor re-runs its plugins on every parse.
const parser = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();

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
    // Check blocks of the usual shape are lifted out before micromark and put back (lift.ts).
    (piece) => parseLifted(piece, (rest) => parser.parse(rest) as Root),
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
