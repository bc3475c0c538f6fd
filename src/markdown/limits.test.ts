import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../model/errors.js';
import { MAX_DEPTH } from './limits.js';
import { readChecklist } from './read-checklist.js';

/** Generated documents nested far beyond any checklist: refused, located, before the parser sees them. */

const kinds = new Set<string>();
const filler = (indent: string) => `${indent}  more text in the deepest item\n`.repeat(200);

function list(depth: number): string {
  const lines = ['# Deep', '## Items'];
  for (let i = 0; i < depth; i++) lines.push(`${'  '.repeat(i)}- [ ] item ${i}`);
  return `${lines.join('\n')}\n${filler('  '.repeat(depth - 1))}`;
}

function quoteInList(depth: number): string {
  const lines = ['# Deep', '## Items', '- [ ] top'];
  for (let i = 0; i < depth; i++) lines.push(`  ${'> '.repeat(i + 1)}text ${i}`);
  return `${lines.join('\n')}\n`;
}

function errorsOf(text: string): string[] {
  try {
    readChecklist({ bytes: text, file: 'deep.md', kinds });
  } catch (err) {
    if (err instanceof ValidationErrors) return err.errors.map((e) => e.format());
    throw err;
  }
  return [];
}

describe('nesting and size limits', () => {
  it.each([
    ['a list nested 1,000 levels', list(1_000), 'deep.md:53:103:'],
    ['a list nested 3,000 levels', list(3_000), 'deep.md:53:103:'],
    ['a block quote nested 1,000 levels in a list', quoteInList(1_000), 'deep.md:37:71:'],
  ])('refuses %s at the first line too deep', (_name, text, where) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(where);
    expect(errors[0]).toMatch(/nested \d+ levels deep here; gonogo reads at most 50 levels/);
  });

  it('refuses a text over the size limit at 1:1', () => {
    const errors = errorsOf(`# Big\n${'x'.repeat(11 * 1024 * 1024)}\n`);
    expect(errors).toEqual([
      expect.stringMatching(/^deep\.md:1:1: the checklist is 11\.0 MB; gonogo reads checklists up to 10 MB/),
    ]);
  });

  it.each([
    ['a list nested to the limit', list(MAX_DEPTH - 2)],
    [
      'deep indentation inside fenced code',
      `# Code\n- [ ] item\n  \`\`\`text\n${`${' '.repeat(400)}- x\n`.repeat(3)}  \`\`\`\n`,
    ],
  ])('reads %s', (_name, text) => {
    expect(errorsOf(text)).toEqual([]);
  });
});
