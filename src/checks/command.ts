import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { CheckFailure, defineCheck } from '../engine/check.js';

/** stdout and stderr each keep at most this many bytes; the rest is read and dropped. */
const OUTPUT_CAP_BYTES = 1024 * 1024;

/**
 * `command`: run a program and judge its exit code and output. A string runs through `/bin/sh -c`,
 * an argv list runs the program directly (no shell quoting to get wrong).
 */
export default defineCheck({
  kind: 'command',
  summary: 'Run a command (shell line or argv list) and judge its exit code, output and duration',
  target: z.union([
    z.string().trim().min(1, 'give a command line, e.g. ./scripts/verify-backups.sh'),
    z.array(z.string()).min(1, 'an argv list needs at least the program').readonly(),
  ]),
  options: z.strictObject({
    cwd: z.string().min(1).optional().describe('Working directory, relative to the checklist'),
    env: z.record(z.string(), z.string()).optional().describe('Variables set over the process environment'),
    shell: z
      .boolean()
      .optional()
      .describe('Run through /bin/sh (default: true for a string, false for an argv list)'),
  }),
  variables: {
    exit_code: { type: 'int', description: 'Exit status; 128 + N when killed by signal N' },
    stdout: { type: 'string', description: 'Standard output (first 1 MB, trailing newlines removed)' },
    stderr: { type: 'string', description: 'Standard error (first 1 MB, trailing newlines removed)' },
    duration_ms: { type: 'double', description: 'Wall time from start to exit, in milliseconds' },
  },
  defaultExpect: ['exit_code == 0'],
  async run(target, options, ctx) {
    const shell = options.shell ?? typeof target === 'string';
    // Through the shell an argv list is one line, its words joined by spaces (the shell splits them).
    const [program, ...args] = typeof target === 'string' ? [target] : shell ? [target.join(' ')] : target;
    const cwd = resolve(ctx.baseDir, options.cwd ?? '.');
    const shown = typeof target === 'string' ? target : target.join(' ');
    // spawn reports a missing cwd as a missing program; say which one it really is.
    const cwdIsDir = await stat(cwd).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!cwdIsDir) throw new CheckFailure(`working directory ${cwd} does not exist: fix the check's cwd`);
    if (ctx.signal.aborted) throw new CheckFailure(`"${shown}" was not started: the check was cancelled`);

    const started = performance.now();
    const child = spawn(program ?? '', args, {
      cwd,
      env: { ...definedOnly(ctx.env), ...options.env },
      shell: shell ? '/bin/sh' : false,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills the children a shell line started too.
      detached: true,
    });
    const stdout = capture(child.stdout);
    const stderr = capture(child.stderr);
    let closed = false;
    // Not only while the shell runs: a background child holding its output keeps the check waiting.
    const killGroup = () => {
      if (child.pid === undefined || closed) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    ctx.signal.addEventListener('abort', killGroup, { once: true });

    try {
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (done, fail) => {
          child.once('error', fail);
          child.once('close', (code, signal) => {
            closed = true;
            done({ code, signal });
          });
        },
      );
      const observed = {
        stdout: stdout.text(),
        stderr: stderr.text(),
        duration_ms: performance.now() - started,
      };
      if (ctx.signal.aborted) {
        throw new CheckFailure(
          `"${shown}" did not finish within ${ctx.timeoutMs} ms and was killed: ` +
            'raise the check timeout or make the command faster',
          observed,
        );
      }
      const exit_code = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      return { exit_code, ...observed };
    } catch (err) {
      if (err instanceof CheckFailure) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const hint =
        code === 'ENOENT' && typeof target === 'string' && !shell
          ? ': without a shell a string is one program path; give arguments as an argv list'
          : code === 'ENOENT'
            ? ': check the program name and PATH'
            : '';
      throw new CheckFailure(`cannot run "${shown}" (${(err as Error).message})${hint}`);
    } finally {
      ctx.signal.removeEventListener('abort', killGroup);
    }
  },
});

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

/** Collects up to the cap and keeps draining, so a chatty command never blocks on a full pipe. */
function capture(stream: Readable): { text(): string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  stream.on('data', (chunk: Buffer) => {
    if (kept >= OUTPUT_CAP_BYTES) return;
    const part = chunk.subarray(0, OUTPUT_CAP_BYTES - kept);
    chunks.push(part);
    kept += part.length;
  });
  return {
    text: () =>
      Buffer.concat(chunks)
        .toString('utf8')
        .replace(/(\r?\n)+$/, ''),
  };
}
