import * as z from 'zod';
import type { VariableDecl } from '../../engine/check.js';
import { type ConnectionTarget, connectionTarget } from './url.js';

/** What the SQL kinds (postgres, mysql) share: target schema, options and observed variables. */

/**
 * A connection URL with one of `protocols`, parsed into what the kind's run() needs; the value is never
 * echoed back, it may hold a password.
 */
export function connectionUrl(
  protocols: string[],
  defaultPort: number,
  example: string,
): z.ZodType<ConnectionTarget> {
  const message = `give a connection URL like ${example}`;
  return z.string({ error: message }).transform((value, ctx) => {
    try {
      return connectionTarget(value, protocols, defaultPort, message);
    } catch {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  });
}

/** `query` and its `params`; `placeholders` says how the dialect writes them. */
export function sqlOptions(placeholders: string) {
  return z.strictObject({
    query: z.string().trim().min(1).optional().describe(`SQL to run; ${placeholders} take \`params\``),
    params: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe(`Values for ${placeholders}`),
  });
}

export const SQL_VARIABLES: Record<string, VariableDecl> = {
  connected: { type: 'bool', description: 'A session was opened (credentials accepted)' },
  rows: { type: 'list<map<string, dyn>>', description: 'Rows the query returned, as column -> value maps' },
  row: { type: 'map<string, dyn>', description: 'The first row, {} when there is none' },
  count: { type: 'int', description: 'Rows returned (or affected, for INSERT/UPDATE/DELETE)' },
  latency_ms: { type: 'double', description: 'Milliseconds to connect and answer the query' },
};
