import type { ListItem, RootContent } from 'mdast';

/**
 * The Markdown source of an item's nested content (notes, plain sub-bullets, code blocks), sliced from the
 * text and dedented. Nested task items (items of their own) and `check` blocks (the check) are left out.
 */
export function describe(item: ListItem, text: string): string {
  // The usual item, its title and maybe its check block, has nothing to describe (thousands in a flat list).
  const bare = item.children.every(
    (child, index) =>
      (index === 0 && child.type === 'paragraph') || (child.type === 'code' && child.lang === 'check'),
  );
  if (bare) return '';
  // A part from a tight list joins its previous sibling without a blank line, even across a left-out task.
  const parts: { node: RootContent; tight: boolean }[] = [];
  item.children.forEach((child, index) => {
    if (index === 0 && child.type === 'paragraph') return;
    if (child.type === 'code' && child.lang === 'check') return;
    if (child.type === 'list' && child.children.some((li) => typeof li.checked === 'boolean')) {
      const plain = child.children.filter((li) => typeof li.checked !== 'boolean');
      for (const [i, li] of plain.entries()) parts.push({ node: li, tight: i > 0 && !child.spread });
      return;
    }
    parts.push({ node: child, tight: false });
  });
  const slices: { lines: string[]; first: number; last: number; tight: boolean }[] = [];
  for (const { node, tight } of parts) {
    const start = node.position?.start;
    const end = node.position?.end;
    if (start?.offset === undefined || end?.offset === undefined) continue;
    const from = start.offset - (start.column - 1);
    slices.push({
      lines: text.slice(from, end.offset).split('\n'),
      first: start.line,
      last: end.line,
      tight,
    });
  }
  const indents = slices.flatMap((s) =>
    s.lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length),
  );
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  let out = '';
  slices.forEach((slice, index) => {
    if (index > 0) out += slice.tight || slice.first === slices[index - 1]!.last + 1 ? '\n' : '\n\n';
    out += slice.lines.map((line) => line.slice(Math.min(cut, /^[ \t]*/.exec(line)![0].length))).join('\n');
  });
  return out.trimEnd();
}
