import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Where the project file is and what it holds, without reading it: the CLI asks this first, and loads
// the YAML parser and the schema (project-file.ts) only when there is a project file to read.

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

/** The bindings file the project pairs with `file` (a path as typed, relative to `cwd`), if any. */
export function projectBinding(project: Project | undefined, file: string, cwd: string): string | undefined {
  const target = resolve(cwd, file);
  return project?.checklists.find((c) => c.file === target)?.bind;
}
