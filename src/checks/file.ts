import { constants, createReadStream } from 'node:fs';
import { access, readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';
import { CheckFailure, defineCheck, type Observation } from '../engine/check.js';

/** `text` holds at most this many bytes of the file, so a huge log cannot exhaust memory. */
const TEXT_CAP_BYTES = 1024 * 1024;

/** Filesystems whose content is gone after a reboot or a container restart. */
const VOLATILE_FS = new Set(['tmpfs', 'ramfs', 'overlay', 'devtmpfs', 'squashfs']);

const MOUNT_TABLE = '/proc/self/mountinfo';

/**
 * `file`: does a path exist, what is it, and does it live on storage that survives a restart
 * (a backup directory on tmpfs is a classic launch-day surprise).
 */
export default defineCheck({
  kind: 'file',
  summary: 'File or directory exists, with type, size, mode, age, filesystem and (optionally) its text',
  target: z.string().trim().min(1, 'give a path, absolute or relative to the checklist'),
  options: z.strictObject({
    read: z.boolean().default(false).describe('Read the file into `text` (first 1 MB)'),
  }),
  variables: {
    exists: { type: 'bool', description: 'The path exists (symbolic links are followed)' },
    is_dir: { type: 'bool', description: 'It is a directory' },
    writable: { type: 'bool', description: 'This process may write to it' },
    size: { type: 'int', description: 'Size in bytes' },
    mode: { type: 'string', description: 'Permission bits in octal, e.g. "0644"' },
    age_days: { type: 'double', description: 'Days since it was last modified' },
    fstype: { type: 'string', description: 'Filesystem type of the mount holding it, e.g. "ext4", "tmpfs"' },
    persistent: {
      type: 'bool',
      description: 'Its filesystem survives a restart (not tmpfs, ramfs, overlay, devtmpfs, squashfs)',
    },
    text: { type: 'string', description: 'Content as UTF-8, first 1 MB (only with `read: true`)' },
  },
  defaultExpect: ['exists'],
  async run(target, options, ctx) {
    const path = resolve(ctx.baseDir, target);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new CheckFailure(`${path} does not exist: create it or fix the path in the check`, {
          exists: false,
        });
      }
      throw new CheckFailure(
        `cannot inspect ${path} (${describe(err)}): check the permissions of its directories`,
      );
    }

    const observed: Observation = {
      exists: true,
      is_dir: info.isDirectory(),
      writable: await access(path, constants.W_OK).then(
        () => true,
        () => false,
      ),
      size: info.size,
      mode: (info.mode & 0o7777).toString(8).padStart(4, '0'),
      age_days: ((ctx.now?.() ?? new Date()).getTime() - info.mtimeMs) / 86_400_000,
    };
    // Fields that could not be observed are left out, and the failure names them, so conditions on
    // `exists` or `size` are still judged while one on `persistent` reports why it could not be.
    const problems: string[] = [];

    try {
      const fstype = filesystemOf(await realpath(path), await readFile(MOUNT_TABLE, 'utf8'));
      if (fstype === undefined) problems.push(`no mount in ${MOUNT_TABLE} holds ${path}`);
      else Object.assign(observed, { fstype, persistent: !VOLATILE_FS.has(fstype) });
    } catch (err) {
      problems.push(`cannot tell the filesystem of ${path} (${describe(err)}); fstype needs Linux /proc`);
    }

    if (options.read) {
      if (info.isDirectory()) problems.push(`${path} is a directory: read: true needs a file`);
      else {
        try {
          observed.text = await readCapped(path, ctx.signal);
        } catch (err) {
          problems.push(`cannot read ${path} (${describe(err)}): check its permissions`);
        }
      }
    }

    if (problems.length > 0) throw new CheckFailure(problems.join('; '), observed);
    return observed;
  },
});

/** The filesystem type of the mount with the longest mount point that contains `path`. */
export function filesystemOf(path: string, mountinfo: string): string | undefined {
  let best: { point: string; fstype: string } | undefined;
  for (const line of mountinfo.split('\n')) {
    // Format (proc(5)): id parent major:minor root MOUNT_POINT options [optional...] - FSTYPE source ...
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    const point = fields[4];
    const fstype = fields[separator + 1];
    if (separator < 0 || point === undefined || fstype === undefined) continue;
    const mountPoint = unescapeOctal(point);
    const inside = path === mountPoint || path.startsWith(mountPoint === '/' ? '/' : `${mountPoint}/`);
    // `>=`: a later mount on the same point hides the earlier one.
    if (inside && (!best || mountPoint.length >= best.point.length)) best = { point: mountPoint, fstype };
  }
  return best?.fstype;
}

/** The kernel escapes space, tab, newline and backslash in mount points as `\ooo`. */
function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

async function readCapped(path: string, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { end: TEXT_CAP_BYTES - 1, signal })) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The system's reason without the path, which the surrounding message already names. */
function describe(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? message.replace(/,\s.*$/s, '') : message;
}
