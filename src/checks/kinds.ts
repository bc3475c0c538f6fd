import type { CheckDefinition } from '../engine/check.js';

/** How a kind's module is loaded: its default export is the kind's definition (of any target and options). */
// biome-ignore lint/suspicious/noExplicitAny: each kind has its own target and option types.
export type KindModule = () => Promise<{ default: CheckDefinition<any, any> }>;

/**
 * The check kinds, one lazy import per file of this folder, named after the file. Adding a kind is
 * adding its file and one line here; kinds.test.ts fails when this list and the folder disagree.
 * Static imports (not a folder read at run time) let a bundler split each kind into its own chunk, and
 * a run of http checks loads only the http kind.
 */
export const kinds = {
  command: () => import('./command.js'),
  dns: () => import('./dns.js'),
  env: () => import('./env.js'),
  file: () => import('./file.js'),
  http: () => import('./http.js'),
  junit: () => import('./junit.js'),
  mysql: () => import('./mysql.js'),
  postgres: () => import('./postgres.js'),
  prometheus: () => import('./prometheus.js'),
  redis: () => import('./redis.js'),
  tcp: () => import('./tcp.js'),
  tls: () => import('./tls.js'),
} satisfies Record<string, KindModule>;
