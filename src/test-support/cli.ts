import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The seeds and fixtures of ../shared, as copied into test/shared/, so the suite runs from a clone
 * anywhere; test/shared-copy.test.ts checks the copy against ../shared wherever that sits beside the repo.
 */
export const SHARED = fileURLToPath(new URL('../../test/shared/', import.meta.url));
/** ../shared beside the repository, where the steering team keeps the originals (may be absent). */
export const SHARED_ORIGINAL = fileURLToPath(new URL('../../../shared/', import.meta.url));
/** Node's arguments that load tsx (given by path, as a process may run in any directory): `.ts` modules run. */
export const TSX: readonly string[] = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
];

/**
 * Node's arguments that run the CLI from the TypeScript sources through tsx (which hooks into that
 * process and starts no other). Only for tests that look at the sources' modules as they load; the
 * others use CLI.
 */
export const CLI_FROM_SOURCES: readonly string[] = [
  ...TSX,
  fileURLToPath(new URL('../app/bin.ts', import.meta.url)),
];

/** bin/gonogo of the build of the current sources that build-once.ts (vitest's globalSetup) made for this run. */
function builtBin(): string | undefined {
  try {
    return inject('gonogoBin');
  } catch {
    return undefined; // not in a vitest worker
  }
}

/**
 * Node's arguments that run the real CLI in a process of its own, so exit codes and signals are the real
 * ones: `spawn(process.execPath, [...CLI, 'serve'])`. Under vitest, bin/gonogo of this run's build of the
 * sources (build-once.ts): a start costs no TypeScript transpiling. Elsewhere, the sources through tsx.
 */
export const CLI: readonly string[] = ((bin) => (bin ? [bin] : CLI_FROM_SOURCES))(builtBin());

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the real CLI (this run's build of the sources, or `cli`: see CLI) as a user would.
 * @example const r = await runCli(['lint', 'launch.md', '--format', 'json'], { cwd: dir });
 */
export function runCli(
  args: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    input?: string;
    timeoutMs?: number;
    cli?: readonly string[];
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', ...opts.env } as Record<string, string>;
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [...(opts.cli ?? CLI), ...args], { cwd: opts.cwd ?? ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/**
 * Resolves once a `gonogo serve` at `url` says its first load of checklists has ended (`/health/ready`
 * reports `checklists: "ok"`): it prints its URL before the checklists are in.
 * @example await checklistsLoaded('http://127.0.0.1:4000')
 */
export async function checklistsLoaded(url: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    const r = await fetch(`${url}/health/ready`).catch(() => undefined);
    const body = r ? ((await r.json()) as { checks?: { checklists?: string } }) : undefined;
    if (body?.checks?.checklists === 'ok') return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`gonogo serve at ${url} did not finish loading its checklists`);
}

/** The processes `pid` started (Linux's /proc; none elsewhere). */
export function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

/**
 * The process that serves for a `gonogo serve` (or `runner`) started as `pid`: the node process its launcher
 * started with the server's flags (app/respawn.ts), or `pid` itself when it runs alone.
 */
export const serverPid = (pid: number): number => childPids(pid)[0] ?? pid;
