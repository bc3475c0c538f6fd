import { resolveStoreLocation } from '../store/dialects.js';

/** Find `--db X` / `--db=X` anywhere in argv (a global flag). */
export function dbFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db') return argv[i + 1];
    if (a.startsWith('--db=')) return a.slice(5);
  }
  return undefined;
}

/**
 * The store location: `--db`, then `GONOGO_DB` (`fromEnv`), then `.gonogo/gonogo.db` under the current
 * directory, resolved by the store's dialects (a URL they do not support is a ConfigError, never a file name).
 */
export function resolveDbUrl(flag: string | undefined, fromEnv: string | undefined, cwd: string): string {
  return resolveStoreLocation(flag ?? fromEnv ?? '.gonogo/gonogo.db', cwd);
}
