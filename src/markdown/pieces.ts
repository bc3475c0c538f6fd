import type { Root, RootContent } from 'mdast';

/**
 * Parsing a long checklist in pieces. micromark holds every token of the text being parsed at once
 * (hundreds of bytes per token), so one parse of a 700 KB, 5,000-item checklist peaks at ~300 MB while
 * the tree it yields is ~15 MB. Parsed in small pieces, each walked and dropped before the next one
 * (`eachPiece`), little is alive at any time, and V8, which lets the heap grow to a multiple of what is
 * alive, keeps it smaller: pieces of 8 KB instead of 64 KB took ~25 MB off the peak of `lint` on that
 * checklist, and were no slower.
 * Two kinds of cut, both where a single parse closes every open block except the one a cut continues:
 * - at a top-level ATX heading after a blank line: it closes every open block (paragraph, list, block
 *   quote, table, HTML blocks of types 6 and 7) unless a fenced code block or an HTML block of types 1-5
 *   is still open, which the scan below tracks. The pieces parse to exactly the trees the whole text
 *   would give, shifted by their position.
 * - at a bullet item at column 0 (`- `, `* `, `+ ` with text), when every line since the last top-level
 *   item of the same marker was indented or blank (so still inside that list): a flat checklist (one heading, thousands of items) is one
 *   list, which would otherwise be one parse. The piece after such a cut starts a list that continues the
 *   previous piece's last list: `take` is told so (`continues`), and `parseInPieces` joins the two.
 * Anything the scan cannot judge for sure (link or footnote definitions outside code, which are
 * document-wide; a fence or HTML block opened inside a container that may have closed it; a fence-like
 * line inside what may be raw HTML) stops the cutting: the rest parses as one piece.
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

/** Closing fences by shape: a flat checklist opens thousands of fences of one or two shapes (kept: 64 at most). */
const closers = new Map<string, RegExp>();

/** What closes a fence of `length` `mark`s: up to 3 spaces before it when `shallow`, else any indent. */
function closingFence(shallow: boolean, mark: string, length: number): RegExp {
  const key = `${shallow}${mark}${length}`;
  let close = closers.get(key);
  if (!close) {
    const pad = shallow ? ' {0,3}' : '[ \\t]*';
    close = new RegExp(`^${pad}${mark === '`' ? '`' : '~'}{${length},}[ \\t]*$`);
    if (closers.size < 64) closers.set(key, close);
  }
  return close;
}

/** What `line` opens that blank lines and headings do not close, if anything. */
function opens(line: string): Open | undefined {
  const fence = FENCE.exec(line);
  if (fence) {
    const [, indent, marks, info] = fence as unknown as [string, string, string, string];
    if (marks[0] === '`' && info.includes('`')) return undefined; // not a fence: an inline code span
    const close = closingFence(indent.length <= 3, marks[0]!, marks.length);
    return { indent: indent.length, closes: (l) => close.test(l) };
  }
  for (const [start, end] of HTML_BLOCKS) {
    if (!start.test(line)) continue;
    if (end.test(line.replace(start, ''))) return undefined; // ends on its own line
    return { indent: line.length - line.trimStart().length, closes: (l) => end.test(l) };
  }
  return undefined;
}

/** A bullet list item at column 0 with text after its marker (spaces only: tabs count in columns). */
const TOP_BULLET = /^([-*+])( +)\S/;
/** A thematic break (`- - -`, `***`), which a bullet-like line may be. */
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** Where a text may be cut: the line the next piece starts at, and the list it continues, if any. */
export interface Cut {
  line: number;
  /** The bullet marker of the top-level list this piece goes on with (a cut between its items). */
  list?: string;
}

/** A bullet item at column 0: its marker and the column its content starts at; undefined for any other line. */
function topBullet(line: string): { marker: string; content: number } | undefined {
  if (THEMATIC_BREAK.test(line)) return undefined;
  const found = TOP_BULLET.exec(line);
  if (!found) return undefined;
  // Five spaces or more after the marker: the content is indented code starting one space in.
  const spaces = found[2]!.length;
  return { marker: found[1]!, content: 1 + (spaces > 4 ? 1 : spaces) };
}

/** Columns of indentation of a line (tab stops of 4, as CommonMark counts). */
function indentOf(line: string): number {
  let columns = 0;
  for (const c of line) {
    if (c === ' ') columns++;
    else if (c === '\t') columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

/**
 * Where the text may be cut (each a top-level heading after a blank line, or a top-level bullet item
 * of the list already open), at least about `pieceChars` apart. Empty when the text is short or cannot
 * be cut safely (a link or footnote definition outside code anywhere: it may be used anywhere).
 */
export function cutPoints(lines: readonly string[], pieceChars: number): Cut[] {
  const start = bodyStart(lines);
  if (start < 0) return [];
  const cuts: Cut[] = [];
  // The rest of the text is one piece, which is right unless a definition there reaches back.
  const stop = (from: number) => (lines.slice(from).some((l) => l.includes(']:')) ? [] : cuts);
  let open: Open | undefined;
  let maybeHtml = false;
  /** The top-level bullet item every line since has stayed in (indented to its content, or blank). */
  let list: { marker: string; content: number } | undefined;
  let size = 0;
  /** Whether the last line that was not blank is a top-level heading where a cut could be made. */
  let afterHeading = false;
  for (let i = start; i < lines.length; i++) {
    // A CRLF line ending is a line ending like LF: the CR is not part of the line.
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    size += line.length + 1;
    if (open) {
      if (open.indent > 0 && line.trim() !== '' && line.length - line.trimStart().length < open.indent) {
        // Less indented than its opening line: its container may have ended and closed it. Unknowable
        // without parsing, so no more cuts.
        return stop(i);
      }
      if (open.closes(line)) open = undefined;
      continue;
    }
    // `]:` may end a link or footnote definition (its label can span lines): those are document-wide.
    if (line.includes(']:')) return [];
    if (line.trim() === '') maybeHtml = false;
    else if (maybeHtml && opens(line)) {
      // Raw HTML (types 6 and 7) until a blank line, or a paragraph: a fence or comment here is one or
      // the other, which only a parser can tell. No more cuts.
      return stop(i);
    }
    const blank = line.trim() === '';
    const indent = blank ? 0 : indentOf(line);
    const bullet = indent === 0 && !blank ? topBullet(line) : undefined;
    if (bullet && afterHeading && !maybeHtml) {
      // A list right after a heading starts a piece whatever the size: the text before it (front matter,
      // headings, prose) goes to micromark, and a flat list's items alone make the next piece.
      cuts.push({ line: i });
      size = line.length + 1;
    } else if (size >= pieceChars && i > start && !maybeHtml) {
      if (ATX_HEADING.test(line) && (lines[i - 1] ?? '').trim() === '') {
        cuts.push({ line: i });
        size = line.length + 1;
      } else if (bullet && list && bullet.marker === list.marker) {
        cuts.push({ line: i, list: bullet.marker });
        size = line.length + 1;
      }
    }
    // A line less indented than the item's content (a lazy continuation, a block after the list) may
    // have closed the list: no list cut until the next top-level bullet item.
    // Inside what may be raw HTML, a bullet-like line is HTML: no list either.
    if (maybeHtml) list = undefined;
    else if (bullet) list = bullet;
    else if (!blank && indent < (list?.content ?? 0)) list = undefined;
    // A heading where one could cut (after a blank line, or first): it closed every block, and the
    // line after it starts afresh, so a bullet there (past blank lines) starts a new list.
    if (!blank) {
      afterHeading =
        !maybeHtml && ATX_HEADING.test(line) && (i === start || (lines[i - 1] ?? '').trim() === '');
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

/** Where a text may be cut, when it is long enough to be cut at all (see cutPoints). */
function cutsOf(text: string, pieceChars: number, wholeChars: number): Cut[] {
  // A lone CR ends a line too, which the scan (by LF) would not see: such a text is parsed whole.
  return text.length <= wholeChars || /\r(?!\n)/.test(text) ? [] : cutPoints(text.split('\n'), pieceChars);
}

/**
 * Parse Markdown with `parse`, in pieces when the text is longer than `wholeChars`, handing the top-level
 * nodes of each piece (positions already those of the whole text) to `take` before the next piece is
 * parsed, so only one piece's tree needs to be alive at a time. `continues` is true when the piece's
 * first node is a list that a single parse would have made one with the previous piece's last node.
 * Returns the position of the root a single parse would give.
 * @example const position = eachPiece(text, (t) => processor.parse(t) as Root, (nodes) => walk(nodes));
 */
export function eachPiece(
  text: string,
  parse: (text: string) => Root,
  take: (nodes: RootContent[], continues: boolean) => void,
  pieceChars = PIECE_CHARS,
  wholeChars = WHOLE_CHARS,
): Root['position'] {
  return eachPieceAt(text, cutsOf(text, pieceChars, wholeChars), parse, take);
}

/** eachPiece at the given cuts (some of cutPoints', in order); `parse` is told which piece it parses. */
function eachPieceAt(
  text: string,
  cuts: readonly Cut[],
  parse: (text: string, index: number) => Root,
  take: (nodes: RootContent[], continues: boolean) => void,
): Root['position'] {
  if (cuts.length === 0) {
    const root = parse(text, 0);
    take(root.children, false);
    return root.position;
  }
  let start: Point | undefined;
  let end: Point | undefined;
  let lastIsList = false;
  let list: string | undefined;
  for (const [index, piece] of slices(text, cuts).entries()) {
    const root = parse(piece.text, index);
    if (piece.line > 0) shift(root, piece.line, piece.offset, new Set());
    start ??= root.position?.start;
    end = root.position?.end;
    const continues = list !== undefined && lastIsList && root.children[0]?.type === 'list';
    if (list !== undefined && !continues) {
      // The scan promised a list on both sides of the cut: a parser that disagrees is a bug here.
      throw new Error(`pieces: the cut at line ${piece.line + 1} was not between two items of one list`);
    }
    take(root.children, continues);
    lastIsList = root.children.at(-1)?.type === 'list';
    list = piece.list;
  }
  return start && end ? { start, end } : undefined;
}

/** A piece of a text: its text, the line and offset it starts at, the list the next piece continues. */
interface Slice {
  text: string;
  line: number;
  offset: number;
  list: string | undefined;
}

/** The pieces of `text` between `cuts`. */
function slices(text: string, cuts: readonly Cut[]): Slice[] {
  const out: Slice[] = [];
  let line = 0;
  let offset = 0;
  for (const cut of [...cuts, { line: Number.POSITIVE_INFINITY, list: undefined }]) {
    // The piece runs to the start of line `cut` (its last line ending included), or to the end.
    let next = offset;
    for (let l = line; l < cut.line && next < text.length; l++) {
      const eol = text.indexOf('\n', next);
      next = eol < 0 ? text.length : eol + 1;
    }
    out.push({ text: text.slice(offset, next), line, offset, list: cut.list });
    offset = next;
    line = cut.line;
  }
  return out;
}

/** Whether a blank line lies between two offsets of `text`. */
function blankBetween(text: string, from: number, to: number): boolean {
  return /\n[ \t]*\r?\n/.test(text.slice(from, to));
}

/**
 * Parse Markdown with `parse`, in pieces when the text is long, into the tree a single parse would give
 * (a list cut between its items joined again, loose if a blank line lies between the joined items).
 * @example parseInPieces(text, (t) => processor.parse(t) as Root)
 */
export function parseInPieces(
  text: string,
  parse: (text: string) => Root,
  pieceChars = PIECE_CHARS,
  wholeChars = WHOLE_CHARS,
): Root {
  return joinPieces(text, cutsOf(text, pieceChars, wholeChars), parse);
}

/**
 * The tree a single parse with `slow` gives, built with `fast` wherever it gives one (a function that
 * gives a piece's tree or none, never another tree than `slow`'s). When `fast` gives none for the whole
 * text, the text is cut wherever it can be (cutPoints: at every top-level heading after a blank line and
 * between every two items of a top-level list), each piece is given to `fast`, and each run of pieces it
 * gives no tree for is parsed by `slow` in one go. A checklist of plain headings and items with a few
 * other lines is thus mostly built without micromark (plain-items.ts), and micromark parses the rest.
 * @example const root = parseMixed(text, plainBlocks, parseMarkdown);
 */
export function parseMixed(
  text: string,
  fast: (text: string) => Root | undefined,
  slow: (text: string) => Root,
): Root {
  const whole = fast(text);
  if (whole) return whole;
  const cuts = cutsOf(text, 1, 0);
  if (cuts.length === 0) return slow(text);
  const trees = slices(text, cuts).map((piece) => fast(piece.text));
  if (trees.every((tree) => tree === undefined)) return slow(text);
  // Cut i lies between pieces i and i + 1: kept unless both go to `slow` (they are parsed as one).
  const kept: Cut[] = [];
  const built: (Root | undefined)[] = [trees[0]];
  for (const [i, cut] of cuts.entries()) {
    if (trees[i] === undefined && trees[i + 1] === undefined) continue;
    kept.push(cut);
    built.push(trees[i + 1]);
  }
  return joinPieces(text, kept, (piece, index) => built[index] ?? slow(piece));
}

/** The tree of `text` from its pieces at `cuts`, each parsed by `parse`: see parseInPieces. */
function joinPieces(text: string, cuts: readonly Cut[], parse: (text: string, index: number) => Root): Root {
  const children: RootContent[] = [];
  const position = eachPieceAt(text, cuts, parse, (nodes, continues) => {
    let rest = nodes;
    const last = children.at(-1);
    const first = nodes[0];
    if (continues && last?.type === 'list' && first?.type === 'list') {
      const gap = blankBetween(
        text,
        last.children.at(-1)?.position?.end.offset ?? 0,
        first.position?.start.offset ?? 0,
      );
      last.spread = last.spread || first.spread || gap;
      last.children.push(...first.children);
      if (last.position && first.position) last.position.end = first.position.end;
      rest = nodes.slice(1);
    }
    for (const node of rest) children.push(node);
  });
  return position ? { type: 'root', children, position } : { type: 'root', children };
}
