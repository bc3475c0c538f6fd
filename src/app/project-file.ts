import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { YamlSource } from '../markdown/yaml-source.js';
import { ConfigError, type ParseError, ValidationErrors } from '../model/errors.js';

/** The name of the project file, looked for in the current directory and then in each one above it. */
export const PROJECT_FILE = 'gonogo.yaml';

/** One checklist of the project, paths absolute (written relative to the project file's directory). */
export interface ProjectChecklist {
  file: string;
  bind?: string;
}

/**
 * The project file `gonogo.yaml` (DESIGN.md "Checklist format"), parsed into typed values: what the
 * commands would otherwise need as flags. Flags and `GONOGO_*` variables win over it.
 */
export interface Project {
  /** Absolute path of the project file. */
  path: string;
  /** Its directory: relative paths in it are relative to this, wherever the command runs. */
  dir: string;
  checklists: ProjectChecklist[];
  /** Store location: an SQLite path (resolved against `dir`) or a `postgres://` URL, as written. */
  db?: string;
  /** Default environment, for the checklists that define it. */
  env?: string;
  /** Parse cache: false turns it off, a string is its directory (resolved against `dir`). */
  cache?: false | string;
}

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

/** Find `gonogo.yaml` in `cwd` or the nearest directory above it. */
export function findProjectFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, PROJECT_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

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

/** The bindings file the project pairs with `file` (a path as typed, relative to `cwd`), if any. */
export function projectBinding(project: Project | undefined, file: string, cwd: string): string | undefined {
  const target = resolve(cwd, file);
  return project?.checklists.find((c) => c.file === target)?.bind;
}
