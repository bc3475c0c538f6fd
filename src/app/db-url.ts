import { resolve } from 'node:path';

/** Find `--db X` / `--db=X` anywhere in argv (a global flag). */
export function dbFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db') return argv[i + 1];
    if (a.startsWith('--db=')) return a.slice(5);
  }
  return undefined;
}

/** The store location: `--db`, then `GONOGO_DB` (`fromEnv`), then `.gonogo/gonogo.db` under the current directory. */
export function resolveDbUrl(flag: string | undefined, fromEnv: string | undefined, cwd: string): string {
  const raw = flag ?? fromEnv ?? '.gonogo/gonogo.db';
  if (/^postgres(ql)?:\/\//.test(raw)) return raw;
  return resolve(cwd, raw);
}
