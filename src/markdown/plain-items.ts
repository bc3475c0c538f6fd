import type { List, ListItem, Root } from 'mdast';

/**
 * The tree of a text that is nothing but a tight list of plain task items, built without micromark. Once
 * lift.ts has taken a flat checklist's check blocks out, each piece of it (pieces.ts) is such a text:
 *
 *     - [ ] Endpoint 1 answers      a bullet at column 0, one space, `[ ]`/`[x]`/`[X]`, one space, text
 *     - [x] Endpoint 2 answers      the same marker on every line, no blank line, no other line
 *
 * and micromark spends ~1.5 s of a 5,000-item checklist's parse on those lines, for a tree fully
 * determined by them: one list (not ordered, not spread), one item per line (`checked` from its box), a
 * paragraph holding one text node. The text is limited to characters that can start no inline construct
 * (no emphasis, code, link, HTML, entity, escape, strikethrough, footnote, table cell) and to no autolink
 * literal (AUTOLINK_HINT), and ends with no space (a trailing space would be dropped). Anything else, and
 * the text is parsed as usual. `plain-items.test.ts` compares with a single parse (generated and corpus
 * documents); `lift.test.ts` and `pieces-flat.test.ts` run it within the lifted, piecewise parse.
 */

/** A plain task item line: marker, `[ ]`/`[x]`, text of inert characters ending in a non-space. */
const PLAIN_ITEM =
  /^([-*+]) \[([ xX])\] [A-Za-z0-9](?:[A-Za-z0-9 ,.;:'"()/?%+=-]*[A-Za-z0-9,.;:'"()/?%+=-])?$/;
/** Text that GFM's autolink literal patterns may match (a `:` is inert unless in `http://`, `https://`). */
export const AUTOLINK_HINT = /@|https?:\/\/|www\./i;

type Point = { line: number; column: number; offset: number };
const at = (line: number, column: number, offset: number): Point => ({ line, column, offset });

/**
 * The tree remark (GFM, front matter) gives for `text` when it is a tight list of plain task items, else
 * undefined. Never a different tree: see above.
 * @example const root = plainItems(piece) ?? parseMarkdown(piece);
 */
export function plainItems(text: string): Root | undefined {
  if (text.length === 0 || AUTOLINK_HINT.test(text)) return undefined;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  const marker = body[0];
  const items: ListItem[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = PLAIN_ITEM.exec(line);
    if (!m || m[1] !== marker) return undefined;
    const end = () => at(i + 1, line.length + 1, offset + line.length);
    const from = () => at(i + 1, 7, offset + 6);
    items.push({
      type: 'listItem',
      spread: false,
      checked: m[2] !== ' ',
      children: [
        {
          type: 'paragraph',
          children: [{ type: 'text', value: line.slice(6), position: { start: from(), end: end() } }],
          position: { start: from(), end: end() },
        },
      ],
      position: { start: at(i + 1, 1, offset), end: end() },
    });
    offset += line.length + 1;
  }
  const last = items[items.length - 1]!.position!.end;
  const list: List = {
    type: 'list',
    ordered: false,
    start: null,
    spread: false,
    children: items,
    position: { start: at(1, 1, 0), end: { ...last } },
  };
  const end = text === body ? { ...last } : at(lines.length + 1, 1, text.length);
  return { type: 'root', children: [list], position: { start: at(1, 1, 0), end } };
}
