import type { Heading, List, ListItem, PhrasingContent, Root, RootContent } from 'mdast';

/**
 * The tree of a text made of nothing but plain blocks, built without micromark. Once lift.ts has taken a
 * flat checklist's check blocks out, each piece of it (pieces.ts) is such a text, and so are most
 * hand-written checklists (seed 004 whole):
 *
 *     ## Database                   an ATX heading: 1-6 `#`, one space, inline text (below)
 *                                   blank lines (empty) between blocks
 *     - [ ] Endpoint 1 answers      a bullet at column 0, one space, `[ ]`/`[x]`/`[X]`, one space, inline text
 *     - [x] Alerts for:             the same marker on every line of a list, no blank line inside it
 *       - Error rate > 1%           nested bullets right under an item: two spaces, one marker, inline text
 *
 *     A paragraph, or **one strong span**, or a thematic break (`---`, `***`, `___`), between blank lines
 *
 * micromark spends ~1.5 s of a 5,000-item checklist's parse on those lines (~30 ms of a cold `gonogo
 * lint` of a 200-item one), for a tree fully determined by them: a heading holding its inline text; one
 * list (not ordered, not spread) per run of items, one item per line (`checked` from its box) holding a
 * paragraph and its nested list, if any; a paragraph holding the inline text. Inline text starts with a
 * letter, a digit or a code span (never like an ordered item, `1.`, where a block could start), ends
 * with no space (a trailing space would be dropped), and is made of:
 * - characters that can start no inline construct (no emphasis, link, HTML, entity, escape,
 *   strikethrough, footnote, table cell) and no autolink literal (AUTOLINK_HINT, checked on the whole text);
 * - code spans of one backtick around text without a backtick that neither starts nor ends with
 *   whitespace (its value is then that text), never two in a row (they would be one span);
 * - runs of `_` with a space before and a space or the line's end after, which can neither open nor close
 *   emphasis (so they are text, like `Sign-off: ________`).
 * Two lists with only blank lines between them (one loose list, or two) and anything else fall back: the
 * text is parsed as usual. `plain-items.test.ts` compares with a single parse (generated and corpus
 * documents, their pieces, near misses of each block); `lift.test.ts` and `pieces-flat.test.ts` run it
 * within the lifted, piecewise parse.
 */

/** Characters of inline text that start no inline construct. */
const INERT = /[A-Za-z0-9 ,.;:'"()/?%+=>-]+/y;
/** A code span: one backtick, no backtick inside, no whitespace at either end of its content. */
const CODE = /`([^`\s](?:[^`]*[^`\s])?)`/y;
/** A run of underscores that can neither open nor close emphasis: a space before, a space or the end after. */
const UNDERSCORES = /(?<= )_+(?= |$)/y;
/** What inline text may start with and end with. */
const FIRST = /^[A-Za-z0-9`]/;
const LAST = /[^ ]$/;

const HEADING = /^(#{1,6}) (.+)$/;
/** A task item line: marker, box, inline text. */
const ITEM = /^([-*+]) \[([ xX])\] (.+)$/;
/** Text that GFM's autolink literal patterns may match (a `:` is inert unless in `http://`, `https://`). */
export const AUTOLINK_HINT = /@|https?:\/\/|www\./i;

type Point = { line: number; column: number; offset: number };
const at = (line: number, column: number, offset: number): Point => ({ line, column, offset });

/**
 * The phrasing nodes of inline text `s` that starts at column `column` (1-based) and offset `offset` of
 * line `line`, or undefined when it is not plain inline text (see above).
 */
function inline(s: string, line: number, column: number, offset: number): PhrasingContent[] | undefined {
  if (!FIRST.test(s) || !LAST.test(s)) return undefined;
  const out: PhrasingContent[] = [];
  const span = (from: number, to: number) => ({
    start: at(line, column + from, offset + from),
    end: at(line, column + to, offset + to),
  });
  let text = -1; // where the text node being read started, -1 when none is
  let afterCode = false;
  for (let i = 0; i < s.length; ) {
    CODE.lastIndex = i;
    const code = s[i] === '`' ? CODE.exec(s) : null;
    if (code) {
      if (afterCode) return undefined; // `a``b`: one span, not two
      if (text >= 0) out.push({ type: 'text', value: s.slice(text, i), position: span(text, i) });
      out.push({ type: 'inlineCode', value: code[1]!, position: span(i, CODE.lastIndex) });
      text = -1;
      afterCode = true;
      i = CODE.lastIndex;
      continue;
    }
    const run = s[i] === '_' ? UNDERSCORES : INERT;
    run.lastIndex = i;
    if (!run.test(s)) return undefined;
    if (text < 0) text = i;
    afterCode = false;
    i = run.lastIndex;
  }
  if (text >= 0) out.push({ type: 'text', value: s.slice(text), position: span(text, s.length) });
  return out;
}

/** A heading line's node, or undefined when the line is no plain heading. */
function heading(line: string, n: number, offset: number): Heading | undefined {
  const m = HEADING.exec(line);
  if (!m) return undefined;
  const depth = m[1]!.length;
  const children = inline(m[2]!, n, depth + 2, offset + depth + 1);
  if (!children) return undefined;
  const position = { start: at(n, 1, offset), end: at(n, line.length + 1, offset + line.length) };
  return { type: 'heading', depth: depth as Heading['depth'], children, position };
}

/** An item line's node and marker, or undefined when the line is no plain task item. */
function item(line: string, n: number, offset: number): { marker: string; node: ListItem } | undefined {
  const m = ITEM.exec(line);
  if (!m) return undefined;
  const children = inline(m[3]!, n, 7, offset + 6);
  if (!children) return undefined;
  const end = () => at(n, line.length + 1, offset + line.length);
  // The paragraph starts at its text (mdast-util-gfm-task-list-item moves it there from the box, past
  // the space its text node starts with), or at the box when a code span comes first.
  const start = children[0]!.type === 'text' ? at(n, 7, offset + 6) : at(n, 3, offset + 2);
  const node: ListItem = {
    type: 'listItem',
    spread: false,
    checked: m[2] !== ' ',
    children: [{ type: 'paragraph', children, position: { start, end: end() } }],
    position: { start: at(n, 1, offset), end: end() },
  };
  return { marker: m[1]!, node };
}

/** A new list holding `first`. */
function listOf(first: ListItem): List {
  const p = first.position!;
  return {
    type: 'list',
    ordered: false,
    start: null,
    spread: false,
    children: [first],
    position: { start: { ...p.start }, end: { ...p.end } },
  };
}

/** A nested item line: two spaces, a bullet, one space, inline text (not starting like an ordered item). */
const NESTED = /^ {2}([-*+]) (.+)$/;
/** Text an ordered list item (or a list inside the text's item) may start with. */
const ORDERED = /^\d{1,9}[.)]/;
/** A paragraph line that is one strong span around inert text (no delimiter inside). */
const STRONG = /^\*\*([A-Za-z0-9](?:[A-Za-z0-9 ,.;:'"()/?%+=>-]*[^ ])?)\*\*$/;
const THEMATIC_BREAK = /^(?:---|\*\*\*|___)$/;

/** What the lines read so far built, and what the next line may continue. */
interface Blocks {
  children: RootContent[];
  /** The list the last line added to (none after a blank line or any other block), and its marker. */
  open?: { list: List; marker: string };
  /** The nested list of the open list's last item, when the last line added to it. */
  nested?: { list: List; marker: string };
  /** What the last line was. */
  last: 'start' | 'blank' | 'heading' | 'item' | 'nested' | 'break' | 'paragraph';
}

const lineEnd = (line: string, n: number, offset: number) => at(n, line.length + 1, offset + line.length);

/** A nested bullet under the open list's last item; false when the line is no plain one or cannot be. */
function addNested(b: Blocks, line: string, n: number, offset: number): boolean {
  const m = NESTED.exec(line);
  if (!m || !b.open || (b.last !== 'item' && b.last !== 'nested') || ORDERED.test(m[2]!)) return false;
  const children = inline(m[2]!, n, 5, offset + 4);
  if (!children) return false;
  const end = lineEnd(line, n, offset);
  const node: ListItem = {
    type: 'listItem',
    spread: false,
    checked: null,
    children: [{ type: 'paragraph', children, position: { start: at(n, 5, offset + 4), end: { ...end } } }],
    position: { start: at(n, 3, offset + 2), end: { ...end } },
  };
  const parent = b.open.list.children.at(-1)!;
  if (b.last === 'item') {
    const list = listOf(node);
    b.nested = { list, marker: m[1]! };
    parent.children.push(list);
  } else {
    const nested = b.nested;
    if (!nested || nested.marker !== m[1]) return false;
    nested.list.children.push(node);
    nested.list.position!.end = { ...end };
  }
  parent.position!.end = { ...end };
  b.open.list.position!.end = { ...end };
  return true;
}

/** A task item line, into the open list or a new one; false when the line is no plain one or cannot be. */
function addItem(b: Blocks, line: string, n: number, offset: number): boolean {
  const found = item(line, n, offset);
  if (!found || b.last === 'paragraph') return false;
  if (b.open && b.open.marker === found.marker) {
    b.open.list.children.push(found.node);
    b.open.list.position!.end = { ...found.node.position!.end };
    return true;
  }
  // A list after a blank line right after another list (or after a list of another marker).
  if (b.children.at(-1)?.type === 'list') return false;
  b.open = { list: listOf(found.node), marker: found.marker };
  b.children.push(b.open.list);
  return true;
}

/**
 * A line of its own between blank lines (or the text's ends): a thematic break, or a one-line paragraph
 * of inline text or of one strong span; false when it is neither.
 */
function addAlone(b: Blocks, line: string, next: string | undefined, n: number, offset: number): boolean {
  const position = { start: at(n, 1, offset), end: lineEnd(line, n, offset) };
  if (THEMATIC_BREAK.test(line)) {
    // After anything else a setext underline, maybe; first in the text, maybe front matter.
    if (b.last !== 'blank') return false;
    b.children.push({ type: 'thematicBreak', position });
    return true;
  }
  if (b.last === 'item' || b.last === 'nested' || b.last === 'paragraph' || (next ?? '') !== '') return false;
  if (ORDERED.test(line)) return false;
  const strong = STRONG.exec(line);
  const children: PhrasingContent[] | undefined = strong
    ? [{ type: 'strong', children: inline(strong[1]!, n, 3, offset + 2)!, position }]
    : inline(line, n, 1, offset);
  if (!children) return false;
  b.children.push({
    type: 'paragraph',
    children,
    position: { start: { ...position.start }, end: { ...position.end } },
  });
  return true;
}

/** Add one line of the text to `b`; false when it is not plain (see above). */
function addLine(b: Blocks, line: string, next: string | undefined, n: number, offset: number): boolean {
  if (line === '') {
    b.last = 'blank';
    b.open = undefined;
    return true;
  }
  if (line.startsWith('  ')) {
    if (!addNested(b, line, n, offset)) return false;
    b.last = 'nested';
    return true;
  }
  b.nested = undefined;
  if (line[0] === '#') {
    const node = heading(line, n, offset);
    if (!node) return false;
    b.children.push(node);
    b.last = 'heading';
  } else if (ITEM.test(line)) {
    if (!addItem(b, line, n, offset)) return false;
    b.last = 'item';
    return true;
  } else {
    if (!addAlone(b, line, next, n, offset)) return false;
    b.last = THEMATIC_BREAK.test(line) ? 'break' : 'paragraph';
  }
  b.open = undefined;
  return true;
}

/**
 * The tree remark (GFM, front matter) gives for `text` when it holds only plain blocks (see above), else
 * undefined. Never a different tree.
 * @example const root = plainBlocks(piece) ?? parseMarkdown(piece);
 */
export function plainBlocks(text: string): Root | undefined {
  if (text.length === 0 || text.includes('\r') || AUTOLINK_HINT.test(text)) return undefined;
  const b: Blocks = { children: [], last: 'start' };
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!addLine(b, lines[i]!, lines[i + 1], i + 1, offset)) return undefined;
    offset += lines[i]!.length + 1;
  }
  const lastLine = text.lastIndexOf('\n');
  const end = at(lines.length, text.length - lastLine, text.length);
  return { type: 'root', children: b.children, position: { start: at(1, 1, 0), end } };
}
