import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Code, Root } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parse as parseYaml } from 'yaml';
import type { CheckDefinition } from '../../engine/check.js';
import { hasReference } from '../../engine/expand.js';
import { COMMON_CHECK_OPTIONS } from '../../model/checklist.js';
import { ROOT } from '../../test-support/cli.js';
import { typeErrors } from './cel.js';

function codeBlocks(markdown: string, lang: string): string[] {
  const tree = unified().use(remarkParse).parse(markdown) as Root;
  const found: string[] = [];
  const visit = (node: { type: string; children?: unknown[] }) => {
    if (node.type === 'code' && (node as Code).lang === lang) found.push((node as Code).value);
    for (const child of node.children ?? []) visit(child as { type: string; children?: unknown[] });
  };
  visit(tree);
  return found;
}

/**
 * Problems with the `check` blocks in `docs/checks/<kind>.md` (inside its ````markdown examples): each
 * must have a valid target, valid options and conditions over declared variables. Empty means the
 * documentation's examples would lint.
 */
export async function docExampleProblems(def: CheckDefinition<unknown, unknown>): Promise<string[]> {
  const doc = await readFile(join(ROOT, 'docs', 'checks', `${def.kind}.md`), 'utf8');
  const blocks = codeBlocks(doc, 'markdown').flatMap((md) => codeBlocks(md, 'check'));
  if (blocks.length === 0) return [`docs/checks/${def.kind}.md has no check example`];
  const common = new Set<string>(COMMON_CHECK_OPTIONS);
  return blocks.flatMap((yaml, i) => {
    const block = parseYaml(yaml) as Record<string, unknown>;
    const where = `example ${i + 1}`;
    const problems: string[] = [];
    // As lint does: a target naming `${NAME}` can only be parsed once expanded, at run time.
    const target = block[def.kind];
    if (!hasReference(target) && !def.target.safeParse(target).success)
      problems.push(`${where}: bad target ${target}`);
    const options = Object.fromEntries(
      Object.entries(block).filter(([k]) => k !== def.kind && !common.has(k)),
    );
    const parsed = def.options.safeParse(options);
    if (!parsed.success) problems.push(`${where}: ${parsed.error.message}`);
    const expect = block.expect === undefined ? [] : ([] as string[]).concat(block.expect as string[]);
    problems.push(...typeErrors(def, expect).map((e) => `${where}: ${e}`));
    return problems;
  });
}
