import { ParseError } from '../model/errors.js';
import { type ReadCheck, readCheckMap } from './check-block.js';
import type { Draft } from './outline.js';
import { YamlSource } from './yaml-source.js';

/** What reading an item's check block needs besides the item. */
export interface InlineCheckContext {
  file?: string;
  kinds: ReadonlySet<string>;
  /** Line `index` (0-based) of the checklist text, to locate errors inside an indented block. */
  lineAt(index: number): string;
}

/**
 * The check written in an item's ```check block, if any. Problems (a second block, invalid YAML, an invalid
 * check) go to `errors`, located in the checklist file.
 * @example const check = readInlineCheck(draft, { file, kinds, lineAt }, errors);
 */
export function readInlineCheck(
  draft: Draft,
  { file, kinds, lineAt }: InlineCheckContext,
  errors: ParseError[],
): ReadCheck | undefined {
  const [block, extra] = draft.checkBlocks;
  if (extra) {
    errors.push(
      new ParseError(
        `item already has a check block at line ${block!.position?.start.line}; bind one check per item`,
        { file, line: extra.position?.start.line ?? draft.line, column: extra.position?.start.column ?? 1 },
      ),
    );
  }
  if (!block) return undefined;
  const start = block.position?.start ?? { line: draft.line, column: draft.column };
  // The block's lines, split when the first position in it is mapped (every condition is located).
  let yamlLines: string[] | undefined;
  // `yaml` keeps positions, so a problem anywhere in the block is reported at its place in the file.
  const source = new YamlSource(
    block.value,
    file,
    (line, column) => {
      const sourceLine = lineAt(start.line + line - 1);
      yamlLines ??= block.value.split('\n');
      const yamlLine = yamlLines[line - 1] ?? '';
      return { line: start.line + line, column: Math.max(0, sourceLine.length - yamlLine.length) + column };
    },
    true,
  );
  const value = source.value();
  errors.push(...source.errors);
  if (source.errors.length > 0) return undefined;
  if (value === null || value === undefined) {
    errors.push(
      new ParseError(
        'check block is empty; write the kind and its target, e.g. "http: https://example.com"',
        {
          file,
          line: start.line,
          column: start.column,
        },
      ),
    );
    return undefined;
  }
  return readCheckMap(value, source, [], kinds, errors, { ...start, ...(file ? { file } : {}) });
}
