import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED } from '../../test-support/cli.js';
import { repairText } from '../repair.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every checklist (`*.md`, not a README or a list of sources) under `dir`, recursively. */
function checklistsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : checklistsUnder(path);
    return e.name.endsWith('.md') && !/^(README|SOURCES)\.md$/.test(e.name) ? [path] : [];
  });
}

/**
 * The real checklists the parser is proven on, repaired as read: the seeds, the public checklists and the
 * other test fixtures, the bench's fixtures and every checklist under examples/.
 */
export function corpusTexts(): string[] {
  return corpusFiles().map((path) => repairText(readFileSync(path)).text);
}

/** The paths of corpusTexts. */
export function corpusFiles(): string[] {
  return [
    ...checklistsUnder(`${SHARED}seeds`),
    ...checklistsUnder(`${SHARED}fixtures`),
    ...checklistsUnder(join(ROOT, 'bench', 'fixtures')),
    ...checklistsUnder(join(ROOT, 'examples')),
    ...checklistsUnder(join(ROOT, 'src')).filter((f) => f.endsWith('.fixture.md')),
  ].sort();
}
