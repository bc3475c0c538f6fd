import type { Item } from '../model/checklist.js';
import type { ItemText } from './rule.js';

/** A list marker and an optional task box at the start of a line: `- [ ] `, `1. [x] `, `* `. */
const MARKER = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;
const CODE = /`([^`]+)`/g;

/** Inline code spans of a Markdown text, in order. */
export function codeSpans(markdown: string): string[] {
  return [...markdown.matchAll(CODE)].map((m) => m[1]!.trim()).filter(Boolean);
}

/**
 * What the rules read of an item: the title from the model and the item's source line from the
 * (repaired) document, because the title has lost its backticks and rules need them to tell a
 * variable or a command from prose.
 * @example itemText(item, text.split('\n'))
 */
export function itemText(item: Item, lines: readonly string[]): ItemText {
  const raw = lines[item.line - 1] ?? '';
  const source = raw
    .slice(Math.max(0, item.column - 1))
    .replace(MARKER, '')
    .trim();
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    source: source || item.title,
    codes: codeSpans(source),
    detailCodes: codeSpans(item.description),
    section: item.section,
  };
}
