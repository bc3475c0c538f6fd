import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../model/errors.js';
import { blockTempDir } from '../test-support/temp-dir.js';
import { findProjectFile, loadProject, projectBinding, readProject } from './project-file.js';

const dir = blockTempDir('gonogo-project-');

function errorsOf(text: string): string[] {
  try {
    readProject(text, '/repo/gonogo.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationErrors);
    return (err as ValidationErrors).errors.map((e) => e.format());
  }
  throw new Error('expected the project file to be refused');
}

describe('the project file', () => {
  it('reads checklists with their bindings, db, env and cache, paths relative to its folder', () => {
    const p = readProject(
      'checklists:\n  - { file: launch.md, bind: launch.gonogo.yaml }\n  - file: docs/other.md\ndb: .gonogo/x.db\nenv: staging\ncache: off\n',
      '/repo/gonogo.yaml',
    );
    expect(p.checklists).toEqual([
      { file: '/repo/launch.md', bind: '/repo/launch.gonogo.yaml' },
      { file: '/repo/docs/other.md' },
    ]);
    expect([p.db, p.env, p.cache]).toEqual(['.gonogo/x.db', 'staging', false]);
    expect(projectBinding(p, 'launch.md', '/repo')).toBe('/repo/launch.gonogo.yaml');
    expect(projectBinding(p, '../launch.md', '/repo/docs')).toBe('/repo/launch.gonogo.yaml');
    expect(projectBinding(p, 'docs/other.md', '/repo')).toBeUndefined();
  });

  it('is an empty project when the file is empty', () => {
    expect(readProject('', '/repo/gonogo.yaml').checklists).toEqual([]);
  });

  it.each([
    ['an unknown key', 'checklist: []\n', '/repo/gonogo.yaml:1:1: "checklist" is not a project file setting'],
    ['an unknown entry key', 'checklists:\n  - { file: a.md, bnd: b }\n', '/repo/gonogo.yaml:2:19: "bnd"'],
    ['a missing file', 'checklists:\n  - bind: b.yaml\n', '/repo/gonogo.yaml:2:5: checklists.0.file'],
    ['a bad env', 'env: "prod uction"\n', '/repo/gonogo.yaml:1:6: env: an environment name'],
    ['invalid YAML', 'checklists: [\n', '/repo/gonogo.yaml:2:1: invalid YAML'],
    ['not a map', '- a\n', '/repo/gonogo.yaml:1:1: the project file is a YAML map'],
  ])('refuses %s, located', (_name, text, expected) => {
    expect(errorsOf(text).join('\n')).toContain(expected);
  });

  it('is found in the working directory or the nearest one above it', async () => {
    const deep = join(dir, 'a', 'b');
    await mkdir(deep, { recursive: true });
    expect(findProjectFile(deep)).toBeUndefined();
    await writeFile(join(dir, 'a', 'gonogo.yaml'), 'env: prod\n');
    expect(findProjectFile(deep)).toBe(join(dir, 'a', 'gonogo.yaml'));
    expect(loadProject(deep)?.env).toBe('prod');
  });
});
