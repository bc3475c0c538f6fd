import { stringify } from 'yaml';
import { PLACEHOLDERS, placeholdersOf } from './rule.js';
import type { SuggestResult } from './suggest.js';

/** One line of comment text: no line breaks or control characters, cut to a readable length. */
function comment(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

/**
 * The bindings file `gonogo suggest` writes: a header naming the variables to set, then one entry per
 * suggestion, each under a comment saying which rule matched which text.
 */
export function renderBindings(result: SuggestResult, source: string): string {
  const names = new Set<string>();
  for (const s of result.suggestions) for (const n of placeholdersOf(s.check)) names.add(n);
  const out = [
    `# Checks proposed by \`gonogo suggest ${comment(source)}\`: review each one before you rely on it.`,
    `# Use: gonogo run ${comment(source)} --bind THIS_FILE   (gonogo lint ... --bind THIS_FILE validates it)`,
  ];
  if (names.size > 0) {
    out.push(
      '#',
      '# Set these variables in the environment of `gonogo run` (or in the checklist’s environments):',
    );
    const width = Math.max(...[...names].map((n) => n.length));
    for (const name of [...names].sort()) {
      out.push(`#   ${name.padEnd(width)}  ${PLACEHOLDERS[name] ?? 'set it to the value this check needs'}`);
    }
  }
  if (result.suggestions.length === 0) {
    out.push('#', '# No item looks verifiable by a machine: every item stays manual (attest it).', '{}');
    return `${out.join('\n')}\n`;
  }
  for (const s of result.suggestions) {
    out.push('');
    out.push(`# ${s.rule}: "${comment(s.matched)}" in line ${s.line}: ${comment(s.title)}`);
    if (s.note) out.push(`# note: ${comment(s.note)}`);
    out.push(stringify({ [s.id]: s.check }, { lineWidth: 0 }).trimEnd());
  }
  return `${out.join('\n')}\n`;
}
