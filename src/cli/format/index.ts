import { writeSync } from 'node:fs';
import type { RunReport } from '../../engine/report.js';
import { ConfigError } from '../../model/errors.js';
import { formats } from './formats.js';
import type { Formatter, RenderOptions } from './formatter.js';

export type { Formatter, RenderOptions } from './formatter.js';

/** Built-in format names; formats.ts lists every one. */
export type FormatName = 'text' | 'json' | 'junit' | 'markdown' | (string & {});

const isFormatter = (v: unknown): v is Formatter =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Formatter).name === 'string' &&
  typeof (v as Formatter).render === 'function';

/** The names of the output formats of formats.ts, sorted. */
export const FORMAT_NAMES: readonly string[] = Object.keys(formats).sort();

const loaded = new Map<string, Promise<Formatter>>();

/** The format plugin of that name, or a ConfigError (exit 2) listing the known ones. */
export function getFormat(name: string): Promise<Formatter> {
  if (!Object.hasOwn(formats, name)) {
    return Promise.reject(
      new ConfigError(`unknown format "${name}"; use one of: ${FORMAT_NAMES.join(', ')}`, 'format'),
    );
  }
  let format = loaded.get(name);
  if (!format) {
    format = formats[name as keyof typeof formats]().then((mod: { default?: unknown }) => {
      if (!isFormatter(mod.default) || mod.default.name !== name) {
        throw new Error(`format module ${name}.ts must export default a Formatter named "${name}"`);
      }
      return mod.default;
    });
    loaded.set(name, format);
  }
  return format;
}

/**
 * Render a run report in one of the output formats (`text`, `json`, `junit`, `markdown`).
 * Shared by `gonogo run` and `gonogo status`.
 * @example process.stdout.write(await renderReport('markdown', report, { color: false }));
 */
export async function renderReport(
  format: FormatName,
  report: RunReport,
  opts: RenderOptions,
): Promise<string> {
  return (await getFormat(format)).render(report, opts);
}

/**
 * Characters of a report handed to `write` at a time by writeReport (the last batch may be shorter):
 * under V8's large-object size (~128 KB) even as two-byte text, so a batch and its encoded copy are
 * freed young instead of staying until a full collection (1 MB batches did: ~50 MB at 50,000 items).
 */
export const REPORT_BATCH_CHARS = 1 << 15;

/**
 * Render a report and hand its text to `write` in batches of about `batchChars` (each awaited before
 * the next is handed over), in order: the concatenation is exactly `format.render(report, opts)`. A format with `pieces` is never
 * held whole, so a 50,000-item JSON report (~50 MB) costs a batch of memory, not the text and its
 * encoded copy; another format is written as its one string.
 * @example await writeReport(format, report, { color: false }, (text) => handle.write(text));
 */
export async function writeReport(
  format: Formatter,
  report: RunReport,
  opts: RenderOptions,
  write: (text: string) => unknown,
  batchChars = REPORT_BATCH_CHARS,
): Promise<void> {
  const pieces = format.pieces ? format.pieces(report, opts) : [format.render(report, opts)];
  // One batch is written while the next is rendered: the file's writes (off the main thread) overlap
  // the rendering instead of alternating with it. Batches go to `write` one at a time, in order.
  let writing: unknown;
  let text = '';
  try {
    for (const piece of pieces) {
      text += piece;
      if (text.length >= batchChars) {
        await writing;
        writing = write(text);
        text = '';
      }
    }
  } catch (err) {
    // A render that throws while a batch is being written: that write's own failure is not left unhandled.
    await Promise.resolve(writing).catch(() => undefined);
    throw err;
  }
  await writing;
  if (text !== '') await write(text);
}

/** The longest batch (characters) fileWriter encodes into its one reused Buffer: two full batches. */
const REUSED_CHARS = 2 * REPORT_BATCH_CHARS;

/**
 * A `write` for writeReport that writes each batch to the file `fd` at once, on this thread, continuing a
 * short write until every byte is out. A report file's ~1,600 batches (50,000 items) handed to
 * `FileHandle.writeFile` one by one each cost a Buffer, promises and a round trip through libuv's threads:
 * ~100 ms more CPU than writing them here (bench/README "branch end11"); a run has nothing else to do
 * meanwhile. `write` is the system call's stand-in (tests pass one that writes a few bytes at a time).
 * @example await writeReport(format, report, opts, fileWriter(handle.fd));
 */
export function fileWriter(
  fd: number,
  write: (fd: number, bytes: Uint8Array, offset: number) => number = writeSync,
): (text: string) => void {
  // One Buffer, encoded into again for each batch that fits (UTF-8 takes at most 3 bytes per UTF-16 unit):
  // not a new Buffer per batch, each ~33 KB outside the heap until a collection frees it (~53 MB for a
  // 50,000-item report). A longer text (a format without pieces, written as its one string) gets its own.
  let reused: Buffer | undefined;
  return (text) => {
    let bytes: Buffer;
    if (text.length <= REUSED_CHARS) {
      reused ??= Buffer.allocUnsafe(REUSED_CHARS * 3);
      bytes = reused.subarray(0, reused.write(text, 0, 'utf8'));
    } else bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; ) {
      const written = write(fd, bytes, at);
      // A regular file takes at least a byte or fails; this guards the loop against a write that would not.
      if (!(written > 0)) throw new Error(`the report's file took no bytes (${written}); check the disk`);
      at += written;
    }
  };
}

/**
 * Whether ANSI colour suits this output: FORCE_COLOR (not `0`) forces it on, NO_COLOR (non-empty)
 * turns it off (https://no-color.org), else only a terminal gets it.
 */
export function colorWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return isTTY;
}
