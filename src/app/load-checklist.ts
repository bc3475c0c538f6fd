import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { underV8Defaults } from '../cli/run-flags.js';
import type { KindRegistry } from '../engine/check.js';
import { type Checklist, checkKinds, dropConditionPositions } from '../model/checklist.js';
import { ConfigError, ValidationErrors } from '../model/errors.js';
import { type Entry, entryReader, packEntry } from './cache-entry.js';
import { cacheSecret, readSealed, sealEntry } from './cache-seal.js';
import { PARSER_BUNDLE, readWithBundle } from './parser-bundle.js';

/**
 * Read, repair, parse and validate a checklist file: the one loading path of the CLI and the server.
 *
 * Parsing Markdown is the costly step (a 5,000-item checklist takes over a second in micromark), and the
 * same bytes are read again and again (every run in CI, every `attest`, every reload of `serve`). So a
 * parsed checklist is cached by a key over everything it depends on: the bytes, the bindings, the path,
 * the registered kinds and the code that parses and validates (see `codeFingerprint`). On a hit the
 * Markdown parser is never even loaded, and a checklist this code validated before is not validated
 * again (nor is the validator loaded); one that failed validation is cached as parsed only, so its
 * errors are reported afresh.
 * `cacheDir` is undefined when the cache is off (`GONOGO_CACHE=off`, see config.ts).
 */
export async function loadChecklistFile(
  file: string,
  opts: {
    bind?: string;
    registry: KindRegistry;
    cacheDir: string | undefined;
    /** Told whether the parse came from the cache (the service's metrics); not called when it is off. */
    onCache?: (hit: boolean) => void;
    /**
     * Read (parse, check blocks included) in a worker thread above this many bytes, without blocking the
     * event loop (the server loads checklists while it answers). Without it (the CLI) the checklist is
     * read in this thread whatever its size: a command has no event loop to keep answering, and a worker
     * costs its own start, a second copy of the parser, the checklist's structured clone and a second heap
     * (a cold run of 5,000 flat items: ~0.25 s more CPU; of 50,000: a higher peak, ~500 MB against ~450).
     */
    workerChars?: number;
    /**
     * false: the checks' condition positions (`expectAt`) are not kept (`dropConditionPositions`): a
     * run, which never reads them once loaded; from the cache they are then never even built.
     */
    positions?: boolean;
  },
): Promise<Checklist> {
  let bytes: Buffer | undefined = await readInput(file, 'checklist');
  const bind = opts.bind
    ? { text: (await readInput(opts.bind, 'bindings')).toString('utf8'), file: opts.bind }
    : undefined;
  const kinds = opts.registry.names();
  // Without its secret the cache cannot tell its own entries from planted ones: then it is not used.
  const secret = opts.cacheDir ? await cacheSecret(opts.cacheDir) : undefined;
  const cache = secret && opts.cacheDir ? { dir: opts.cacheDir, secret } : undefined;
  let key = cache ? cacheKey(bytes, file, bind, kinds) : undefined;
  const keep = { positions: opts.positions !== false };
  // An entry to read: the Markdown is not needed on a hit, so its bytes (7.4 MB at 50,000 items) go before
  // the entry's checklist is built; read again if the entry turns out to be unusable.
  if (cache && key && existsSync(entryPath(cache, key))) bytes = undefined;
  const cached = cache && key ? await readCached(cache, key, file, keep) : undefined;
  if (cache) opts.onCache?.(cached !== undefined);
  if (cached?.valid) return cached.checklist;
  let checklist = cached?.checklist;
  if (!bytes) {
    bytes = await readInput(file, 'checklist');
    // Changed since it was read a moment ago: what is parsed and written is keyed by what was read.
    key = cache ? cacheKey(bytes, file, bind, kinds) : undefined;
  }
  if (!checklist) {
    const input = { bytes, file, kinds: new Set(kinds), ...(bind ? { bindings: bind } : {}) };
    // What is read in this thread is parsed by the build's parser bundle when there is one (it loads
    // with V8's code cache: parser-bundle.ts); else the worker's launcher is loaded: a long checklist is
    // parsed in a worker (which loads the parser), anything else by the parser's module. Under V8's
    // default flags (a run holds one of its own from its start: cli/run-flags.ts), as the caches were made.
    const workerChars = opts.workerChars ?? Number.POSITIVE_INFINITY;
    checklist = await underV8Defaults(async () => {
      const read = bytes.byteLength <= workerChars ? readWithBundle(codeRoot(), input) : undefined;
      if (read) return read;
      const { readChecklistAsync } = await import('../markdown/read-in-worker.js');
      // From a build, the worker parses with the code-cached bundle (parser-worker.ts).
      return readChecklistAsync(input, { workerChars, ...parserWorker() });
    });
  }
  // The validator (and the CEL and schema libraries under it) loads only when there are checks to
  // validate: a checklist without check blocks has nothing for it to judge.
  const kindsUsed = checkKinds(checklist);
  const errors = kindsUsed.length === 0 ? [] : await validate(checklist, kindsUsed, opts.registry);
  if (cache && key && (!cached || errors.length === 0)) {
    await writeCached(cache, key, { checklist, valid: errors.length === 0 });
  }
  if (errors.length > 0) throw new ValidationErrors(errors);
  if (!keep.positions) dropConditionPositions(checklist);
  return checklist;
}

async function validate(checklist: Checklist, kinds: string[], registry: KindRegistry) {
  const [{ validateChecks }] = await Promise.all([import('../engine/validate.js'), registry.load?.(kinds)]);
  return validateChecks(checklist, registry);
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new ConfigError(`cannot read ${what} ${file}: ${why}`);
  }
}

const MAX_ENTRIES = 256;

let codeBuild: string | undefined;

/** The build's worker for long checklists (app/parser-worker.js beside the parser bundle), when both are there. */
function parserWorker(): { script?: URL } {
  const root = codeRoot();
  const script = join(root, 'app', 'parser-worker.js');
  return existsSync(script) && existsSync(join(root, PARSER_BUNDLE)) ? { script: pathToFileURL(script) } : {};
}

let codeFolder: string | undefined;

/**
 * The folder of the running code: src/ from the sources, dist/ from a build (whichever chunk this module
 * landed in): the topmost folder above this module that is not the package root. Found once: every load
 * asks (the bundle, the worker, the fingerprint) and the running code does not move.
 */
function codeRoot(): string {
  if (codeFolder) return codeFolder;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dirname(dir), 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  codeFolder = dir;
  return dir;
}

/**
 * The files of `dir` that are code, as paths relative to it, sorted: source maps and tests are left out
 * (they change no behaviour, and a build has one map per chunk: half its files to stat at every start).
 */
function codeFilesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) return codeFilesUnder(dir, rel);
      return NOT_CODE.test(e.name) ? [] : [rel];
    })
    .sort();
}

const NOT_CODE = /\.map$|\.test\.tsx?$/;

/**
 * Identity of the running code (names, sizes and mtimes of every code file of src/ or dist/), so a
 * rebuilt or edited parser, engine or kind never reads entries older code wrote. The same from the
 * sources as from a build, however a bundler arranged the modules.
 */
function codeFingerprint(): string {
  if (codeBuild) return codeBuild;
  const h = createHash('sha256');
  const root = codeRoot();
  for (const rel of codeFilesUnder(root)) {
    const s = statSync(join(root, rel));
    h.update(`${rel}:${s.size}:${s.mtimeMs}\n`);
  }
  codeBuild = h.digest('hex');
  return codeBuild;
}

function cacheKey(
  bytes: Buffer,
  file: string,
  bind: { text: string; file: string } | undefined,
  kinds: string[],
) {
  const h = createHash('sha256');
  h.update(codeFingerprint());
  // The path as resolved: `c.md` and `/abs/c.md` are one file (readCached names it as typed this time).
  h.update(`\0${resolve(file)}\0${[...kinds].sort().join(',')}\0`);
  if (bind) h.update(`${resolve(bind.file)}\0${bind.text}\0`);
  h.update(bytes);
  return h.digest('hex');
}

/** Where the cache is and the secret its entries are sealed with. */
interface Cache {
  dir: string;
  secret: Buffer;
}

function entryPath({ dir }: Cache, key: string): string {
  return join(dir, `${key}.json`);
}

async function readCached(
  cache: Cache,
  key: string,
  file: string,
  keep: { positions: boolean },
): Promise<Entry | undefined> {
  try {
    const reader = entryReader(keep);
    // An entry whose MAC does not hold (edited, moved, or from before entries were sealed) is a miss:
    // what was built from its lines is dropped.
    if (!(await readSealed(cache.secret, key, entryPath(cache, key), (line) => reader.line(line)))) {
      return undefined;
    }
    const entry = reader.entry();
    if (!entry) return undefined;
    const written = entry.checklist.file;
    // Written when the same file was named another way: name it as typed this time, everywhere.
    const checklist =
      written !== undefined && written !== file ? renamed(entry.checklist, written, file) : entry.checklist;
    return { checklist, valid: entry.valid };
  } catch {
    return undefined; // a miss, or an entry cut short by a crash: parse again
  }
}

/** `value` with every path `from` (a `file` field, or inside a message) given as `to`. */
function renamed<T>(value: T, from: string, to: string): T {
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'file' && v === from) out[k] = to;
    else if (k === 'message' && typeof v === 'string') out[k] = v.replaceAll(from, to);
    else out[k] = renamed(v, from, to);
  }
  return out as T;
}

async function writeCached({ dir, secret }: Cache, key: string, entry: Entry): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, sealEntry(secret, key, packEntry(entry)), { mode: 0o600 });
    await rename(tmp, entryPath({ dir, secret }, key));
    await prune(dir);
  } catch {
    // The cache is an optimisation: a read-only home or a full disk must never fail a command.
  }
}

/** Keep the newest MAX_ENTRIES entries. */
async function prune(dir: string): Promise<void> {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const aged = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  aged.sort((a, b) => b.t - a.t);
  await Promise.all(aged.slice(MAX_ENTRIES).map((e) => rm(join(dir, e.n), { force: true })));
}
