import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * A CommonJS bundle of the build (dist/parser/read-checklist.cjs), compiled with V8's code cache. Node 20
 * caches no compiled code for ES modules, and a cold `gonogo lint` spends much of its time compiling the
 * Markdown parser's functions as they first run; the build runs the bundle once on sample checklists and
 * writes what V8 compiled beside it (`writeCodeCache`), so a later process deserialises it instead.
 *
 * The cache is an optimisation that must never change what runs: V8 itself checks only the source's
 * length (and its own version and flags), so the file also holds the SHA-256 of the source it was made
 * from and of its own data. A cache for other code, a corrupt or cut-short file, or a missing one is not
 * used: the bundle is compiled from its source as any module would be.
 *
 * Layout: MAGIC | sha256(source) | sha256(data) | data (V8's cached data).
 */
const MAGIC = Buffer.from('gonogo v8 code cache 1\n');
const HASH = 32;

/** The code cache of `file`: beside it, the same name with this suffix. */
export const CODE_CACHE_SUFFIX = '.v8cache';

/** A loaded bundle: its exports, whether its code cache was used, and its script (for writeCodeCache). */
export interface LoadedBundle<T> {
  exports: T;
  /** `used`: compiled from the cache; `rejected`: V8 refused it (another Node); `none`: none fit. */
  cache: 'used' | 'rejected' | 'none';
  file: string;
  source: Buffer;
  script: Script;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/**
 * Load a CommonJS file (a self-contained bundle: its `require` reaches Node's own modules and
 * node_modules from its folder) in this context, compiled with its code cache when one fits its source.
 * Throws as `require` would when the file is missing or fails to run.
 * @example const { exports } = loadBundle<{ read(input: Input): Reply }>(join(dist, 'parser/read-checklist.cjs'));
 */
export function loadBundle<T>(file: string): LoadedBundle<T> {
  const source = readFileSync(file);
  const cachedData = codeCacheFor(source, `${file}${CODE_CACHE_SUFFIX}`);
  const script = new Script(wrap(source.toString('utf8')), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (
    exports: T,
    require: NodeJS.Require,
    module: { exports: T },
    filename: string,
    dirname: string,
  ) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return { exports: module.exports, cache, file, source, script };
}

/** The CommonJS wrapper, the same at build time and at load (V8's cache is of the wrapped text). */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/** The cached data in `cacheFile` when it was made from exactly `source` and is whole; else undefined. */
function codeCacheFor(source: Buffer, cacheFile: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const head = MAGIC.length + 2 * HASH;
  if (file.length <= head || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const forSource = file.subarray(MAGIC.length, MAGIC.length + HASH);
  const forData = file.subarray(MAGIC.length + HASH, head);
  const data = file.subarray(head);
  if (!forSource.equals(sha256(source)) || !forData.equals(sha256(data))) return undefined;
  return data;
}

/**
 * Write the code cache of a loaded bundle: what V8 has compiled of it so far (run it on typical input
 * first, so the functions that input needs are in it). Written whole or not at all (a temporary file,
 * renamed).
 */
export function writeCodeCache(bundle: LoadedBundle<unknown>): void {
  const data = bundle.script.createCachedData();
  const target = `${bundle.file}${CODE_CACHE_SUFFIX}`;
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([MAGIC, sha256(bundle.source), sha256(data), data]));
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}
