import type { Root, RootContent } from 'mdast';

/**
 * Parsing a long checklist in pieces. micromark holds every token of the text being parsed at once
 * (hundreds of bytes per token), so one parse of a 700 KB, 5,000-item checklist peaks at ~300 MB while
 * the tree it yields is ~15 MB. Parsed in small pieces, each walked and dropped before the next one
 * (`eachPiece`), little is alive at any time, and V8, which lets the heap grow to a multiple of what is
 * alive, keeps it smaller: pieces of 8 KB instead of 64 KB took ~25 MB off the peak of `lint` on that
 * checklist, and were no slower. Cut at top-level ATX headings, the pieces parse to exactly the trees
 * the whole text would give, shifted by their position: a heading at column 0 after a blank line closes
 * every open block (paragraph, list, block quote, table, HTML blocks of types 6 and 7) unless a fenced
 * code block or an HTML block of types 1-5 is still open, which the scan below tracks. Anything it
 * cannot judge for sure (link or footnote definitions, which are document-wide; a fence or HTML block
 * opened inside a container that may have closed it; a fence-like line inside what may be raw HTML)
 * stops the cutting: the rest parses as one piece.
 * `pieces.test.ts` compares whole and piecewise trees on the seeds, the fixtures and generated documents.
 */

/** Up to this size a checklist parses in one go (every real checklist seen so far is below it). */
export const WHOLE_CHARS = 64 * 1024;
/** A longer one is cut into pieces of about this size (where it can be cut). */
export const PIECE_CHARS = 8 * 1024;

const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
// Any indentation: a fence or HTML block nested in a list is tracked too (cuts wait until it closes).
const FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
// HTML blocks that blank lines do not end (CommonMark types 1-5), with what ends them.
const HTML_BLOCKS: [RegExp, RegExp][] = [
  [/^[ \t]*<(?:script|pre|style|textarea)(?:[\s>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^[ \t]*<!--/, /-->/],
  [/^[ \t]*<\?/, /\?>/],
  [/^[ \t]*<![A-Za-z]/, />/],
  [/^[ \t]*<!\[CDATA\[/, /\]\]>/],
];

/** A tag at the start of a line: maybe an HTML block that only a blank line ends (types 6 and 7). */
const HTML_START = /^ {0,3}<\/?[A-Za-z]/;

interface Open {
  /** Columns of indentation of the opening line (0 means surely top level). */
  indent: number;
  /** Whether `line` closes it. */
  closes(line: string): boolean;
}

/** Index of the first line after a front matter block (0 when there is none), or -1 if it never closes. */
function bodyStart(lines: readonly string[]): number {
  if (lines[0] !== '---') return 0;
  for (let i = 1; i < lines.length; i++) if (lines[i] === '---') return i + 1;
  return -1;
}

/** What `line` opens that blank lines and headings do not close, if anything. */
function opens(line: string): Open | undefined {
  const fence = FENCE.exec(line);
  if (fence) {
    const [, indent, marks, info] = fence as unknown as [string, string, string, string];
    if (marks[0] === '`' && info.includes('`')) return undefined; // not a fence: an inline code span
    const pad = indent.length <= 3 ? ' {0,3}' : '[ \\t]*';
    const close = new RegExp(`^${pad}${marks[0] === '`' ? '`' : '~'}{${marks.length},}[ \\t]*$`);
    return { indent: indent.length, closes: (l) => close.test(l) };
  }
  for (const [start, end] of HTML_BLOCKS) {
    if (!start.test(line)) continue;
    if (end.test(line.replace(start, ''))) return undefined; // ends on its own line
    return { indent: line.length - line.trimStart().length, closes: (l) => end.test(l) };
  }
  return undefined;
}

/**
 * Line indexes where the text may be cut (each a top-level heading after a blank line), at least about
 * `pieceChars` apart. Empty when the text is short or cannot be cut safely.
 */
export function cutPoints(lines: readonly string[], pieceChars: number): number[] {
  const start = bodyStart(lines);
  if (start < 0) return [];
  const cuts: number[] = [];
  let open: Open | undefined;
  let maybeHtml = false;
  let size = 0;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    size += line.length + 1;
    if (open) {
      if (open.indent > 0 && line.trim() !== '' && line.length - line.trimStart().length < open.indent) {
        // Less indented than its opening line: its container may have ended and closed it. Unknowable
        // without parsing, so no more cuts.
        return cuts;
      }
      if (open.closes(line)) open = undefined;
      continue;
    }
    if (line.trim() === '') maybeHtml = false;
    else if (maybeHtml && opens(line)) {
      // Raw HTML (types 6 and 7) until a blank line, or a paragraph: a fence or comment here is one or
      // the other, which only a parser can tell. No more cuts.
      return cuts;
    }
    if (size >= pieceChars && i > start && ATX_HEADING.test(line) && (lines[i - 1] ?? '').trim() === '') {
      cuts.push(i);
      size = line.length + 1;
    }
    open = opens(line);
    if (!open && HTML_START.test(line)) maybeHtml = true;
  }
  return cuts;
}

type Point = { line: number; column: number; offset?: number };

/** Move every position in a subtree down by `lines` lines and `chars` characters. */
function shift(
  node: { position?: { start: Point; end: Point }; children?: unknown[] },
  lines: number,
  chars: number,
  seen: Set<Point>,
): void {
  const p = node.position;
  if (p) {
    for (const point of [p.start, p.end]) {
      if (seen.has(point)) continue;
      seen.add(point);
      point.line += lines;
      if (point.offset !== undefined) point.offset += chars;
    }
  }
  if (node.children) for (const child of node.children) shift(child as typeof node, lines, chars, seen);
}

/**
 * Parse Markdown with `parse`, in pieces when the text is longer than `wholeChars`, handing the top-level
 * nodes of each piece (positions already those of the whole text) to `take` before the next piece is
 * parsed, so only one piece's tree needs to be alive at a time. Returns the position of the root a single
 * parse would give.
 * @example const position = eachPiece(text, (t) => processor.parse(t) as Root, (nodes) => walk(nodes));
 */
export function eachPiece(
  text: string,
  parse: (text: string) => Root,
  take: (nodes: RootContent[]) => void,
  pieceChars = PIECE_CHARS,
  wholeChars = WHOLE_CHARS,
): Root['position'] {
  const cuts =
    // `]:` may end a link or footnote definition (its label can span lines): those are document-wide.
    text.length <= wholeChars || text.includes(']:') ? [] : cutPoints(text.split('\n'), pieceChars);
  if (cuts.length === 0) {
    const root = parse(text);
    take(root.children);
    return root.position;
  }
  let start: Point | undefined;
  let end: Point | undefined;
  let line = 0;
  let offset = 0;
  for (const cut of [...cuts, Number.POSITIVE_INFINITY]) {
    // The piece runs to the start of line `cut` (its last line ending included), or to the end.
    let next = offset;
    for (let l = line; l < cut && next < text.length; l++) {
      const eol = text.indexOf('\n', next);
      next = eol < 0 ? text.length : eol + 1;
    }
    const root = parse(text.slice(offset, next));
    if (line > 0) shift(root, line, offset, new Set());
    start ??= root.position?.start;
    end = root.position?.end;
    take(root.children);
    offset = next;
    line = cut;
  }
  return start && end ? { start, end } : undefined;
}

/**
 * Parse Markdown with `parse`, in pieces when the text is long, into the tree a single parse would give.
 * @example parseInPieces(text, (t) => processor.parse(t) as Root)
 */
export function parseInPieces(
  text: string,
  parse: (text: string) => Root,
  pieceChars = PIECE_CHARS,
  wholeChars = WHOLE_CHARS,
): Root {
  const children: RootContent[] = [];
  const position = eachPiece(
    text,
    parse,
    (nodes) => {
      for (const node of nodes) children.push(node);
    },
    pieceChars,
    wholeChars,
  );
  return position ? { type: 'root', children, position } : { type: 'root', children };
}
