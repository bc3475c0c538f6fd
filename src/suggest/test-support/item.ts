import { codeSpans } from '../item-text.js';
import type { ItemText } from '../rule.js';

/** An item as rules see it, from its Markdown source line (the title is that line without markup). */
export function item(source: string, opts: Partial<ItemText> & { description?: string } = {}): ItemText {
  const { description = '', ...rest } = opts;
  return {
    id: 'section/item',
    kind: 'task',
    title: source.replace(/`|\*\*/g, ''),
    source,
    codes: codeSpans(source),
    detailCodes: codeSpans(description),
    section: ['Section'],
    ...rest,
  };
}
