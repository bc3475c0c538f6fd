import { type FSWatcher, watch } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Checklist } from '../model/checklist.js';
import { ParseError, ValidationErrors } from '../model/errors.js';
import type { Logger } from './logger.js';

/** One Markdown file of the checklists directory: its checklist, or why it could not be loaded. */
export interface CatalogEntry {
  /** The checklist id, or the file name without `.md` when it did not load. */
  id: string;
  /** The file's path relative to the checklists directory: what users see (never a server path). */
  file: string;
  checklist?: Checklist;
  /** How many items `gonogo suggest` would bind that have no check yet (when the server counts them). */
  automatableUnbound?: number;
  /** Every problem, one `file:line:column: message` per line. */
  error?: string;
}

/** The checklists the server knows. */
export interface ChecklistCatalog {
  list(): CatalogEntry[];
  get(id: string): CatalogEntry | undefined;
  /**
   * While the first load is under way: how many of its files are read so far. Undefined once it has
   * ended (later reloads keep serving the previous entries until they end, so they never show here).
   */
  loading?(): { read: number; total: number } | undefined;
}

/** Options of createCatalog. `load` is the CLI's loading path (read, repair, parse, validate). */
export interface CatalogOptions {
  dir: string;
  /** Load a checklist, with its bindings file when it has one. */
  load(file: string, bind?: string): Promise<Checklist>;
  /**
   * The checklists of a project file (absolute paths, with their bindings), served instead of the
   * `*.md` files of `dir`; `dir` is then the project's directory, which names them.
   */
  checklists?: readonly { file: string; bind?: string }[];
  /**
   * How many items of a loaded checklist look automatable but have no check. The composition root
   * counts them (with the suggest rules, which the server layer does not import).
   */
  automatableUnbound?(file: string, checklist: Checklist): Promise<number | undefined>;
  /** Called for each checklist that loads (the server records its digest in the store). */
  onLoaded?(checklist: Checklist): Promise<void> | void;
  logger: Logger;
  /** Quiet time after the last file event before reloading; editors write files in several steps. */
  debounceMs?: number;
  /** Watch the directory for changes (off in tests that reload by hand). */
  watch?: boolean;
}

/** A catalog over a directory that reloads when its Markdown files change. */
export interface DirectoryCatalog extends ChecklistCatalog {
  /** Reload every file now. */
  reload(): Promise<void>;
  /** Called after every reload. */
  onReload(listener: () => void): void;
  close(): void;
  /** Settles when the first load has ended (its failures are entries, never a rejection). */
  loaded: Promise<void>;
}

/** Describe a load failure the way `gonogo lint` prints it. */
export function describeLoadError(err: unknown): string {
  if (err instanceof ValidationErrors) return err.errors.map((e) => e.format()).join('\n');
  if (err instanceof ParseError) return err.format();
  return err instanceof Error ? err.message : String(err);
}

/**
 * Where a directory entry really is, or why it is refused: a symbolic link that leaves the directory
 * would let whoever can write the folder make the server read (and show) any file it can.
 */
async function insideDir(realDir: string, file: string, name: string): Promise<string | Error> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return new Error(`${name}: cannot be read (a broken symbolic link?); fix or remove it`);
  }
  const rel = relative(realDir, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    // The target is not named: the listing must not reveal what the link points at.
    return new Error(
      `${name}: a symbolic link that leads outside the checklists directory is refused; copy the file into the directory instead`,
    );
  }
  return real;
}

/** The bindings file paired with `NAME.md` in a checklists directory. */
export function bindingsName(name: string): string {
  return `${name.replace(/\.md$/i, '')}.gonogo.yaml`;
}

/** A file event that may change a checklist: the Markdown itself or a bindings file. */
const RELEVANT = /\.(md|ya?ml)$/i;

/**
 * Load every `*.md` in `opts.dir`, each with its bindings file `NAME.gonogo.yaml` when one is beside
 * it (or the project file's checklists, `opts.checklists`); a file that fails is listed with its error,
 * never fatal. Files are shown by their path relative to the directory, and symbolic links that leave it
 * are refused.
 * @example const catalog = await createCatalog({ dir: 'checklists', load, logger });
 */
export async function createCatalog(opts: CatalogOptions): Promise<DirectoryCatalog> {
  const catalog = openCatalog(opts);
  await catalog.loaded;
  return catalog;
}

/**
 * The catalog of createCatalog, returned at once while its first load runs (`loading()` tells how far it
 * is, `loaded` when it ends): a server listens, and answers, before its checklists are read.
 */
export function openCatalog(opts: CatalogOptions): DirectoryCatalog {
  const dir = resolve(opts.dir);
  let entries: CatalogEntry[] = [];
  let first: { read: number; total: number } | undefined = { read: 0, total: 0 };
  const listeners: (() => void)[] = [];
  let running: Promise<void> | undefined;
  let again = false;

  async function loadAll(): Promise<void> {
    // Loading may take a while (a long checklist is parsed in a worker, the server answering meanwhile).
    opts.logger.info('checklists loading', { dir });
    const realDir = await realpath(dir).catch(() => dir);
    // Load errors name the file as `gonogo lint` would; the directory part is the server's business.
    const prefixes = [...new Set([realDir, dir])].map((d) => d + sep);
    const shown = (text: string) => prefixes.reduce((t, p) => t.replaceAll(p, ''), text);
    const sources = await listSources(dir, opts);
    if (first) first.total = sources.length;
    const next: CatalogEntry[] = [];
    const seen = new Set<string>();
    for (const { name, bind } of sources) {
      if (first) first.read = next.length;
      const file = name;
      const fallbackId = basename(name).replace(/\.md$/i, '');
      // A project's checklists are listed by whoever runs the service: taken as written.
      const listed = opts.checklists !== undefined;
      const real = listed ? resolve(dir, name) : await insideDir(realDir, join(dir, name), name);
      const realBind = bind === undefined || listed ? bind : await insideDir(realDir, join(dir, bind), bind);
      const refused = real instanceof Error ? real : realBind instanceof Error ? realBind : undefined;
      if (refused) {
        opts.logger.warn('checklist refused', { file, error: refused.message });
        next.push({ id: fallbackId, file, error: refused.message });
        continue;
      }
      try {
        // The checked path is the one loaded, so swapping the link afterwards changes nothing.
        const started = performance.now();
        const checklist = await opts.load(real as string, realBind as string | undefined);
        opts.logger.info('checklist read', {
          file,
          id: checklist.id,
          items: checklist.items.length,
          ms: Math.round(performance.now() - started),
        });
        if (seen.has(checklist.id)) {
          next.push({
            id: fallbackId,
            file,
            error: `${file}: checklist id "${checklist.id}" is already used by another file; give it its own id in front matter`,
          });
          continue;
        }
        seen.add(checklist.id);
        await opts.onLoaded?.(checklist);
        const automatableUnbound = await opts.automatableUnbound?.(real as string, checklist);
        next.push({
          id: checklist.id,
          file,
          checklist,
          ...(automatableUnbound === undefined ? {} : { automatableUnbound }),
        });
      } catch (err) {
        const error = shown(describeLoadError(err));
        opts.logger.warn('checklist did not load', { file, error });
        next.push({ id: fallbackId, file, error });
      }
    }
    entries = next;
    first = undefined;
    opts.logger.info('checklists loaded', {
      dir,
      loaded: next.filter((e) => e.checklist).length,
      failed: next.filter((e) => e.error).length,
    });
    for (const l of listeners) l();
  }

  // Reloads never overlap: a change during a reload schedules exactly one more.
  function reload(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = loadAll().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void reload();
      }
    });
    return running;
  }

  // A first load that throws (it lists failures as entries, so only a bug would) still ends the wait.
  const loaded = reload().catch((err: unknown) => {
    first = undefined;
    opts.logger.error('checklists did not load', { dir, error: (err as Error).message });
  });

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (opts.watch !== false) {
    try {
      // A project's checklists may sit in sub-folders: watch the whole tree then.
      watcher = watch(dir, { recursive: opts.checklists !== undefined }, (_event, filename) => {
        if (filename && !RELEVANT.test(filename.toString())) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), opts.debounceMs ?? 200);
      });
      watcher.on('error', (err) =>
        opts.logger.error('watching checklists stopped', { dir, error: err.message }),
      );
    } catch (err) {
      opts.logger.warn('cannot watch checklists directory; restart to pick up changes', {
        dir,
        error: (err as Error).message,
      });
    }
  }

  return {
    list: () => entries,
    get: (id) => entries.find((e) => e.id === id),
    loading: () => (first ? { ...first } : undefined),
    loaded,
    reload,
    onReload: (l) => listeners.push(l),
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

/** The checklists to load: the project's, or each `*.md` of the directory with its bindings file. */
async function listSources(dir: string, opts: CatalogOptions): Promise<{ name: string; bind?: string }[]> {
  if (opts.checklists) {
    return opts.checklists.map((c) => ({
      name: relative(dir, c.file) || c.file,
      ...(c.bind === undefined ? {} : { bind: c.bind }),
    }));
  }
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    opts.logger.error('cannot read checklists directory', { dir, error: (err as Error).message });
    return [];
  }
  const present = new Set(names);
  return names
    .filter((n) => n.toLowerCase().endsWith('.md'))
    .map((name) => (present.has(bindingsName(name)) ? { name, bind: bindingsName(name) } : { name }));
}

/** What a request that needs the checklists is told while the first load runs. */
export function loadingDetail(progress: { read: number; total: number }): string {
  return `loading checklists (${progress.read} of ${progress.total} read); retry shortly`;
}
