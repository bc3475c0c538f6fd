import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readChecklist, repairText } from '../src/markdown/index.js';
import { TASK_LIST_KINDS } from '../src/model/checklist.js';
import { SHARED } from '../src/test-support/cli.js';

const DIR = `${SHARED}fixtures/public-checklists/`;
const rows = readFileSync(`${DIR}counts.tsv`, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .map(([file, tasks, checked]) => [file!, Number(tasks), Number(checked)] as const);

describe('public checklists (fixtures/public-checklists, traps listed in SOURCES.md)', () => {
  it('lists every fixture in counts.tsv', () => {
    expect(rows.length).toBe(6);
  });

  it.each(rows)('%s: %i task items, %i checked', (file, tasks, checked) => {
    const bytes = readFileSync(`${DIR}${file}`);
    const c = readChecklist({ bytes, file: `${DIR}${file}`, kinds: new Set() });
    const items = c.items.filter((i) => TASK_LIST_KINDS.has(i.kind));
    expect(items.length).toBe(tasks);
    expect(items.filter((i) => i.checked).length).toBe(checked);
    // Correct UTF-8 is never touched by the mojibake repair.
    expect(repairText(bytes).text).toBe(bytes.toString('utf8'));
  });

  it('cut-release: issue-template front matter gives warnings, its name is used, comments hide tasks', () => {
    const file = `${DIR}kubernetes--sig-release--cut-release.md`;
    const c = readChecklist({ bytes: readFileSync(file), file, kinds: new Set() });
    expect(c.name).toBe('Cut a release');
    expect(c.warnings.map((w) => w.message)).toEqual([
      'front matter key "about" is not a gonogo setting and is ignored',
      'front matter key "title" is not a gonogo setting and is ignored',
      'front matter key "labels" is not a gonogo setting and is ignored',
    ]);
    expect(c.sections).toHaveLength(7);
    expect(c.items.some((i) => /Post-release branch creation|Item 1/.test(i.title))).toBe(false);
    expect(c.items.find((i) => i.title.startsWith('Send email notification'))?.title).toBe(
      'Send email notification:',
    );
  });

  it('zen-rails: lazy continuation lines stay in the item title', () => {
    const file = `${DIR}brunofacca--zen-rails-security-checklist--README.md`;
    const c = readChecklist({ bytes: readFileSync(file), file, kinds: new Set() });
    expect(c.items[0]!.title).toMatch(
      /^Don’t use standard Ruby interpolation .* Mitigates SQL injection attacks\.$/,
    );
  });
});
