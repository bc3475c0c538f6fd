import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Store } from '../engine/store.js';
import type { Checklist } from '../model/checklist.js';
import { ConfigError } from '../model/errors.js';
import type { CommandContext } from './context.js';

/**
 * Shared steps of the commands that change state (attest, waive, signoff, token): who acts, loading
 * the checklist and recording its digest in the log before anything refers to it.
 */

/** Who acts: `--by`, else `$GONOGO_USER`, else the OS user name. */
export function actorFrom(by: string | undefined, ctx: CommandContext): string {
  const name = by?.trim() || ctx.services.config.user || osUser();
  if (!name) throw new ConfigError('cannot tell who you are: pass --by NAME or set GONOGO_USER', 'by');
  return name;
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    // No passwd entry (some containers): the caller asks for --by.
    return undefined;
  }
}

/** Store methods that change a checklist's state (the ones the engine's actions call). */
const STATE_WRITES: ReadonlySet<PropertyKey> = new Set(['addAttestation', 'addWaiver', 'addSignoff']);

/**
 * Load the checklist (with bindings) and open the store. The returned store records the checklist's
 * current digest (`checklist.imported` when new) right before the first state change, so the log names
 * the version an attestation or sign-off refers to, and a refused command writes nothing.
 */
export async function openChecklist(
  ctx: CommandContext,
  file: string,
  opts: { bind?: string | undefined; actor: string },
): Promise<{ checklist: Checklist; store: Store }> {
  const checklist = await ctx.services.loadChecklist(file, opts.bind ? { bind: opts.bind } : {});
  const store = await ctx.services.openStore();
  let recorded: Promise<void> | undefined;
  const record = () =>
    store.recordChecklist(
      {
        id: checklist.id,
        name: checklist.name,
        digest: checklist.digest,
        ...(checklist.file ? { file: checklist.file } : {}),
        at: ctx.services.now().toISOString(),
      },
      opts.actor,
    );
  const recording = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!STATE_WRITES.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        recorded ??= record();
        await recorded;
        return value.apply(target, args);
      };
    },
  });
  return { checklist, store: recording };
}

/** Name and SHA-256 of an evidence file (`attest --file`), relative to the working directory. */
export async function fileEvidence(
  path: string,
  ctx: CommandContext,
): Promise<{ name: string; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(ctx.io.cwd, path));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new ConfigError(`--file ${path}: ${why}; give the path of the evidence file to hash`, 'file');
  }
  return { name: basename(path), sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** How to repeat `status` for this checklist and environment, for "what next" hints. */
export function statusHint(file: string, environment: string): string {
  return `gonogo status ${file} --env ${environment}`;
}

/** Refuse early, naming the flags, when required flags are missing (before anything is loaded). */
export function requireFlags(values: Record<string, unknown>, flags: string[], usage: string): void {
  const missing = flags.filter((f) => typeof values[f] !== 'string' || (values[f] as string).trim() === '');
  if (missing.length > 0) {
    throw new ConfigError(
      `missing ${missing.map((f) => `--${f}`).join(', ')}\nusage: gonogo ${usage}`,
      missing[0],
    );
  }
}
