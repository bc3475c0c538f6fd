import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import * as z from 'zod';
import { YamlSource } from '../markdown/yaml-source.js';
import { ConfigError, type ParseError, ValidationErrors } from '../model/errors.js';
import { findProjectFile, PROJECT_FILE, type Project } from './project-locate.js';

export {
  findProjectFile,
  PROJECT_FILE,
  type Project,
  type ProjectChecklist,
  projectBinding,
} from './project-locate.js';

const ENV = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const SCHEMA = z.strictObject({
  checklists: z
    .array(
      z.strictObject({
        file: z.string().min(1, 'file: the path of a Markdown checklist, e.g. launch.md'),
        bind: z.string().min(1, 'bind: the path of its bindings file, e.g. launch.gonogo.yaml').optional(),
      }),
    )
    .optional(),
  db: z.string().min(1).optional(),
  env: z.string().regex(ENV, 'env: an environment name such as staging or production').optional(),
  cache: z
    .union([z.boolean(), z.string().min(1)], {
      error: 'cache: write off (no parse cache), on, or the directory to keep it in',
    })
    .optional(),
});

/** Find and read the project file above `cwd`; undefined when there is none. Errors are located. */
export function loadProject(cwd: string): Project | undefined {
  const path = findProjectFile(cwd);
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the project file ${path}: ${(err as Error).message}`);
  }
  // Errors name the file as the user would reach it from here; its directory stays the real one.
  return readProject(text, path, relative(resolve(cwd), path) || PROJECT_FILE);
}

/**
 * Parse the text of a project file at `path`. Every problem is a ParseError at file:line:column,
 * thrown together as ValidationErrors.
 * @example readProject('checklists:\n  - { file: launch.md, bind: launch.gonogo.yaml }\n', '/repo/gonogo.yaml')
 */
export function readProject(text: string, path: string, shown = path): Project {
  const source = new YamlSource(text.replace(/^\uFEFF/, ''), shown, (line, column) => ({ line, column }));
  const raw = source.value() ?? {};
  const errors: ParseError[] = [...source.errors];
  if (errors.length > 0) throw new ValidationErrors(errors);
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    throw new ValidationErrors([
      source.error('the project file is a YAML map: checklists, db, env, cache', []),
    ]);
  }
  const parsed = SCHEMA.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationErrors(
      parsed.error.issues.map((issue) => {
        if (issue.code === 'unrecognized_keys') {
          const key = issue.keys[0]!;
          return source.error(
            `"${key}" is not a project file setting (checklists, db, env, cache; a checklist entry has file and bind)`,
            [...issue.path, key],
            'key',
          );
        }
        const where = issue.path.join('.');
        const message = issue.message.replace(/^Invalid input: /, '');
        return source.error(
          message.startsWith(`${String(issue.path.at(-1))}:`) ? message : `${where}: ${message}`,
          issue.path,
        );
      }),
    );
  }
  const dir = dirname(path);
  const data = parsed.data;
  const project: Project = {
    path,
    dir,
    checklists: (data.checklists ?? []).map((c) => ({
      file: resolve(dir, c.file),
      ...(c.bind === undefined ? {} : { bind: resolve(dir, c.bind) }),
    })),
  };
  if (data.db !== undefined) project.db = data.db;
  if (data.env !== undefined) project.env = data.env;
  if (data.cache !== undefined) project.cache = cacheOf(data.cache, dir);
  return project;
}

function cacheOf(value: boolean | string, dir: string): false | string | undefined {
  if (value === false || value === 'off') return false;
  if (value === true || value === 'on') return undefined;
  return resolve(dir, value);
}
