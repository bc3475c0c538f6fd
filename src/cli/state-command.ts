import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Store } from '../engine/store.js';
import type { Checklist } from '../model/checklist.js';
import { ConfigError } from '../model/errors.js';
import { type Actor, actorFromToken, personActor, type UseCaseContext } from '../usecases/index.js';
import type { CommandContext } from './context.js';

/**
 * Shared steps of the commands that change state (attest, waive, signoff, token): who acts and loading
 * the checklist into the context the use cases run in.
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

/**
 * Load the checklist (with bindings) and open the store, as the context the use cases run in. The use
 * cases record the checklist's digest themselves, after their checks, so a refused command writes nothing.
 */
export async function openChecklist(
  ctx: CommandContext,
  file: string,
  opts: { bind?: string | undefined },
): Promise<{ checklist: Checklist; useCases: UseCaseContext }> {
  const checklist = await ctx.services.loadChecklist(file, opts.bind ? { bind: opts.bind } : {});
  const store = await ctx.services.openStore();
  return { checklist, useCases: { store, now: () => ctx.services.now() } };
}

/**
 * Who acts: the person at the terminal (every role), or with `--token T` the API token's holder, with
 * that token's role and sign-off roles, refused exactly as the API and the dashboard refuse it.
 */
export async function actorOf(
  values: { by?: string | undefined; token?: string | undefined },
  ctx: CommandContext,
  store: Store,
): Promise<Actor> {
  if (values.token !== undefined)
    return actorFromToken({ store, now: () => ctx.services.now() }, values.token);
  return personActor(actorFrom(values.by, ctx));
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

/** The flags a "next:" hint must carry so that it sees the same checklist and store as this command. */
export interface HintFlags {
  bind?: string | undefined;
  db?: string | undefined;
}

/**
 * A command line that runs as printed: `gonogo VERB FILE --env E`, plus the `--bind` and `--db` this
 * command was given (without them the hint would read another checklist digest, or another store),
 * each argument quoted for a POSIX shell when it needs it.
 * @example nextCommand('status', 'launch.md', 'prod', { bind: 'b.yaml' }) // gonogo status launch.md --env prod --bind b.yaml
 */
export function nextCommand(verb: string, file: string, environment: string, flags: HintFlags = {}): string {
  const args = ['gonogo', verb, file, '--env', environment];
  if (flags.bind) args.push('--bind', flags.bind);
  if (flags.db) args.push('--db', flags.db);
  return args.map(shellQuote).join(' ');
}

/** How to repeat `status` for this checklist and environment, for "what next" hints. */
export function statusHint(file: string, environment: string, flags: HintFlags = {}): string {
  return nextCommand('status', file, environment, flags);
}

/** `word` as one POSIX shell word: unchanged when plain, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The environment a command acts on: `--env`, else the project file's default for this checklist. */
export async function envOf(
  flag: string | undefined,
  checklist: Checklist,
  ctx: CommandContext,
): Promise<string | undefined> {
  return flag ?? (await ctx.services.defaultEnv(checklist));
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
