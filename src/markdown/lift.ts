import type { Code, List, ListItem, Root } from 'mdast';

/**
 * Parsing a flat checklist without handing its check blocks to micromark. In a checklist of thousands of
 * items, most of the text is the items' ```check blocks, and micromark (then mdast-util-from-markdown)
 * costs about twice as much per character of a fenced block inside a list item as anything else: each
 * line is a container continuation, a fence check and a code chunk, and every token is compiled. Yet for
 * the usual shape of an item the block's node is fully determined by its lines:
 *
 *     - [ ] Title                 a bullet task item at column 0, marker, one space, `[ ]`/`[x]`, text
 *       ```check                  the fence, indented to the item's content (2), info exactly `check`
 *       http: https://example     content lines, each indented by those 2 spaces, no tab, none blank
 *       ```                       the closing fence, same indent, same character, at least as long
 *                                 then a blank line, a bullet item at column 0, an ATX heading, or the end
 *
 * `parseLifted` takes such blocks out of the text, parses the rest, and puts each `code` node back as the
 * second child of its item, every position moved to where it is in the whole text. Removing the lines
 * changes nothing else a parser sees: the fence closed the item's one-line paragraph, and the line after
 * the block (blank, a new item, a heading) ends that paragraph just the same and does everything else it
 * did (ending the item or the list, making it loose). Lines after anything that could hold a bullet line
 * as raw text (a fence, an HTML block, a table, a definition) are left as they are: from the first such
 * line on, nothing is lifted (nor after front matter holding such a line). `lift.test.ts` compares with a single parse on the corpus
 * and generated documents.
 */

/** `- [ ] Title`: a bullet task item at column 0 with one space after its marker (content at column 2). */
const TITLE = /^[-*+] \[[ xX]\][ \t]+\S/;
const OPEN = /^ {2}(`{3,}|~{3,})check$/;
/** Any line that could be a closing fence inside an item indented by 2 (which the strict form must be). */
const MAYBE_CLOSE = /^ {2} {0,3}(`{3,}|~{3,})[ \t]*$/;
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const BULLET = /^[-*+][ \t]+\S/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** Lines after which a later bullet line might be raw text or a table row: lifting stops there. */
const RAW = /^[ \t]*(?:`{3,}|~{3,}|<)|\]:/;
const TABLE_DELIMITER = /^[ \t|:-]*\|[ \t|:-]*$/;

/** A block to lift: the line of its item (0-based, in the text) and the lines it spans. */
interface Block {
  /** The item's line. */
  title: number;
  /** First line of the block (the opening fence), title + 1. */
  from: number;
  /** Last line (the closing fence). */
  to: number;
}

/** The check blocks of `lines` that can be lifted (see above), in order. */
export function liftableBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  if (lines[0] === '---') {
    // Front matter: scanning starts after its closing line (none lifted if anything in it looks raw).
    const close = lines.findIndex((l, n) => n > 0 && (l === '---' || RAW.test(l) || TABLE_DELIMITER.test(l)));
    if (close < 0 || lines[close] !== '---') return blocks;
    i = close + 1;
  }
  while (i < lines.length) {
    const line = lines[i]!;
    if (RAW.test(line) || TABLE_DELIMITER.test(line)) return blocks;
    const open = TITLE.test(line) ? OPEN.exec(lines[i + 1] ?? '') : null;
    if (!open) {
      i++;
      continue;
    }
    const fence = open[1]!;
    let j = i + 2;
    let closed = false;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (MAYBE_CLOSE.test(l)) {
        closed = l.startsWith(`  ${fence}`) && /^ {2}(`+|~+)$/.test(l) && l[2] === fence[0];
        break;
      }
      if (!l.startsWith('  ') || l.trim() === '' || l.includes('\t')) break;
    }
    // Next line: blank, a bullet item, a heading; or the end of the text after a final line ending.
    const after = lines[j + 1];
    const ends =
      after !== undefined &&
      (after.trim() === '' || ATX_HEADING.test(after) || (BULLET.test(after) && !THEMATIC_BREAK.test(after)));
    if (closed && ends) {
      blocks.push({ title: i, from: i + 1, to: j });
      i = j + 1;
    } else {
      // Not liftable: look at the lines again from the one after the item (they may open something raw).
      i++;
    }
  }
  return blocks;
}

type Point = { line: number; column: number; offset?: number };
type Positioned = { position?: { start: Point; end: Point }; children?: Positioned[] };

/**
 * `parse(text)` with the liftable check blocks taken out before and put back after: the same tree.
 * @example const root = parseLifted(text, (t) => processor.parse(t) as Root);
 */
export function parseLifted(text: string, parse: (text: string) => Root): Root {
  if (text.includes('\r')) return parse(text);
  const lines = text.split('\n');
  const blocks = liftableBlocks(lines);
  if (blocks.length === 0) return parse(text);
  // Offsets of each line's start in the text.
  const starts = new Array<number>(lines.length);
  for (let l = 0, o = 0; l < lines.length; l++) {
    starts[l] = o;
    o += lines[l]!.length + 1;
  }
  // The text without the blocks' lines; for each block, where its item's line lands in it.
  let rest = '';
  let from = 0;
  /** Per block: the item's line (1-based) in `rest`, and the lines and characters removed up to it. */
  const moved: { line: number; lines: number; chars: number }[] = [];
  let removedLines = 0;
  let removedChars = 0;
  for (const b of blocks) {
    rest += text.slice(starts[from], starts[b.from]);
    moved.push({ line: b.title + 1 - removedLines, lines: removedLines, chars: removedChars });
    removedLines += b.to - b.from + 1;
    removedChars += starts[b.to + 1]! - starts[b.from]!;
    from = b.to + 1;
  }
  rest += text.slice(starts[from]);
  const root = parse(rest);

  // Move every point below an item's line down by what was removed above it (points on the line stay).
  const seen = new Set<Point>();
  const place = (point: Point) => {
    if (seen.has(point)) return;
    seen.add(point);
    // k: the last block whose item's line is above `point` (its removal and all before it apply).
    let lo = 0;
    let hi = moved.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (moved[mid]!.line < point.line) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return;
    const next = moved[k + 1];
    const shiftLines = next ? next.lines : removedLines;
    const shiftChars = next ? next.chars : removedChars;
    point.line += shiftLines;
    if (point.offset !== undefined) point.offset += shiftChars;
  };
  const walk = (node: Positioned) => {
    if (node.position) {
      place(node.position.start);
      place(node.position.end);
    }
    if (node.children) for (const child of node.children) walk(child);
  };
  walk(root as Positioned);

  // Put each block back into its item, as a single parse would have found it.
  let k = 0;
  const items: { item: ListItem; list: List }[] = [];
  const collect = (node: Root | List) => {
    for (const child of node.children) {
      if (child.type === 'list') {
        for (const item of child.children) items.push({ item, list: child });
      }
    }
  };
  collect(root);
  for (const { item, list } of items) {
    const b = blocks[k];
    if (!b || item.position?.start.line !== b.title + 1) continue;
    const first = item.children[0];
    if (first?.type !== 'paragraph' || first.position?.start.line !== b.title + 1) {
      throw new Error(`lift: the item at line ${b.title + 1} did not parse as expected`);
    }
    const code: Code = {
      type: 'code',
      lang: 'check',
      meta: null,
      value: lines
        .slice(b.from + 1, b.to)
        .map((l) => l.slice(2))
        .join('\n'),
      position: {
        start: { line: b.from + 1, column: 3, offset: starts[b.from]! + 2 },
        end: { line: b.to + 1, column: lines[b.to]!.length + 1, offset: starts[b.to]! + lines[b.to]!.length },
      },
    };
    item.children.splice(1, 0, code);
    // The item (and its list) ended with the block when nothing followed it.
    const end = code.position!.end;
    for (const node of [item, list]) {
      const p = node.position;
      if (p && (p.end.offset ?? 0) < (end.offset ?? 0)) p.end = { ...end };
    }
    k++;
  }
  if (k !== blocks.length) throw new Error('lift: a lifted check block found no item');
  return root;
}
