import { type FSWatcher, watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Checklist } from '../model/checklist.js';
import { ParseError, ValidationErrors } from '../model/errors.js';
import type { Logger } from './logger.js';

/** One Markdown file of the checklists directory: its checklist, or why it could not be loaded. */
export interface CatalogEntry {
  /** The checklist id, or the file name without `.md` when it did not load. */
  id: string;
  file: string;
  checklist?: Checklist;
  /** Every problem, one `file:line:column: message` per line. */
  error?: string;
}

/** The checklists the server knows. */
export interface ChecklistCatalog {
  list(): CatalogEntry[];
  get(id: string): CatalogEntry | undefined;
}

/** Options of createCatalog. `load` is the CLI's loading path (read, repair, parse, validate). */
export interface CatalogOptions {
  dir: string;
  load(file: string): Promise<Checklist>;
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
}

/** Describe a load failure the way `gonogo lint` prints it. */
export function describeLoadError(err: unknown): string {
  if (err instanceof ValidationErrors) return err.errors.map((e) => e.format()).join('\n');
  if (err instanceof ParseError) return err.format();
  return err instanceof Error ? err.message : String(err);
}

/**
 * Load every `*.md` in `opts.dir`; a file that fails is listed with its error, never fatal.
 * @example const catalog = await createCatalog({ dir: 'checklists', load, logger });
 */
export async function createCatalog(opts: CatalogOptions): Promise<DirectoryCatalog> {
  const dir = resolve(opts.dir);
  let entries: CatalogEntry[] = [];
  const listeners: (() => void)[] = [];
  let running: Promise<void> | undefined;
  let again = false;

  async function loadAll(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.md')).sort();
    } catch (err) {
      opts.logger.error('cannot read checklists directory', { dir, error: (err as Error).message });
      names = [];
    }
    const next: CatalogEntry[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      const file = join(dir, name);
      const fallbackId = basename(name, name.slice(-3));
      try {
        const checklist = await opts.load(file);
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
        next.push({ id: checklist.id, file, checklist });
      } catch (err) {
        const error = describeLoadError(err);
        opts.logger.warn('checklist did not load', { file, error });
        next.push({ id: fallbackId, file, error });
      }
    }
    entries = next;
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

  await reload();

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (opts.watch !== false) {
    try {
      watcher = watch(dir, (_event, filename) => {
        if (filename && !filename.toString().toLowerCase().endsWith('.md')) return;
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
    reload,
    onReload: (l) => listeners.push(l),
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
