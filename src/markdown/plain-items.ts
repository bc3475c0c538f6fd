import type { Heading, List, ListItem, PhrasingContent, Root, RootContent } from 'mdast';

/**
 * The tree of a text made of nothing but plain headings and tight lists of plain task items, built
 * without micromark. Once lift.ts has taken a flat checklist's check blocks out, each piece of it
 * (pieces.ts) is such a text, and so are most sections of a hand-written checklist:
 *
 *     ## Database                   an ATX heading: 1-6 `#`, one space, inline text (below)
 *                                   blank lines (empty) between blocks
 *     - [ ] Endpoint 1 answers      a bullet at column 0, one space, `[ ]`/`[x]`/`[X]`, one space, inline text
 *     - [x] Run `npm test`          the same marker on every line of a list, no blank line inside it
 *
 * and micromark spends ~1.5 s of a 5,000-item checklist's parse on those lines (~30 ms of a cold `gonogo
 * lint` of a 200-item one), for a tree fully determined by them: a heading holding its inline text; one
 * list (not ordered, not spread) per run of items, one item per line (`checked` from its box), a
 * paragraph holding the inline text. Inline text starts with a letter, a digit or a code span, ends with
 * no space (a trailing space would be dropped), and is made of:
 * - characters that can start no inline construct (no emphasis, link, HTML, entity, escape,
 *   strikethrough, footnote, table cell) and no autolink literal (AUTOLINK_HINT, checked on the whole text);
 * - code spans of one backtick around text without a backtick that neither starts nor ends with
 *   whitespace (its value is then that text), never two in a row (they would be one span);
 * - runs of `_` with a space before and a space or the line's end after, which can neither open nor close
 *   emphasis (so they are text, like `Sign-off: ________`).
 * Two lists with only blank lines between them (one loose list, or two) and anything else fall back: the
 * text is parsed as usual. `plain-items.test.ts` compares with a single parse (generated and corpus
 * documents); `lift.test.ts` and `pieces-flat.test.ts` run it within the lifted, piecewise parse.
 */

/** Characters of inline text that start no inline construct. */
const INERT = /[A-Za-z0-9 ,.;:'"()/?%+=-]+/y;
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

/**
 * The tree remark (GFM, front matter) gives for `text` when it holds only plain headings and tight lists
 * of plain task items, else undefined. Never a different tree: see above.
 * @example const root = plainBlocks(piece) ?? parseMarkdown(piece);
 */
export function plainBlocks(text: string): Root | undefined {
  if (text.length === 0 || text.includes('\r') || AUTOLINK_HINT.test(text)) return undefined;
  const children: RootContent[] = [];
  /** The list the last line added to (undefined after a blank line or a heading), and its marker. */
  let open: { list: List; marker: string } | undefined;
  let offset = 0;
  let n = 0;
  for (const line of text.split('\n')) {
    n++;
    if (line === '') {
      open = undefined;
    } else if (line[0] === '#') {
      const node = heading(line, n, offset);
      if (!node) return undefined;
      children.push(node);
      open = undefined;
    } else {
      const found = item(line, n, offset);
      if (!found) return undefined;
      if (open && open.marker === found.marker) {
        open.list.children.push(found.node);
        open.list.position!.end = { ...found.node.position!.end };
      } else {
        // A list after a blank line right after another list (or after a list of another marker).
        if (children.at(-1)?.type === 'list') return undefined;
        open = { list: listOf(found.node), marker: found.marker };
        children.push(open.list);
      }
    }
    offset += line.length + 1;
  }
  const lastLine = text.lastIndexOf('\n');
  const end = at(n, text.length - lastLine, text.length);
  return { type: 'root', children, position: { start: at(1, 1, 0), end } };
}
