import type { Nodes, PhrasingContent } from 'mdast';

/**
 * Plain text of inline Markdown as a reader sees it: markup stripped, inline HTML (comments and tags)
 * removed, images by their alt text, whitespace collapsed.
 */
export function plainText(nodes: readonly Nodes[]): string {
  return collect(nodes, true).replace(/\s+/g, ' ').trim();
}

/** The text of text nodes only (no inline code, no link targets): where blanks like `___` are looked for. */
export function proseText(nodes: readonly Nodes[]): string {
  return collect(nodes, false).replace(/\s+/g, ' ').trim();
}

function collect(nodes: readonly Nodes[], withCode: boolean): string {
  let out = '';
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        out += node.value;
        break;
      case 'inlineCode':
        out += withCode ? node.value : ' ';
        break;
      case 'break':
        out += ' ';
        break;
      case 'image':
      case 'imageReference':
        out += node.alt ?? '';
        break;
      case 'html':
        // `a<br>b` reads as two words; `<em>x</em>` keeps its text in sibling nodes.
        out += /^<br\b/i.test(node.value) ? ' ' : '';
        break;
      default:
        if ('children' in node) out += collect(node.children as PhrasingContent[], withCode);
    }
  }
  return out;
}
