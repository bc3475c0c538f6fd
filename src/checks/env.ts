import picomatch from 'picomatch';
import * as z from 'zod';
import { defineCheck } from '../engine/check.js';

/** A parsed env target: one variable name, or a glob compiled to a matcher. */
export type EnvTarget =
  | { readonly name: string; readonly glob?: undefined }
  | { readonly glob: string; matches(name: string): boolean };

/**
 * Parse an env target: a glob (`RATE_LIMIT_*`) is compiled once; anything else is one variable's name.
 * @example parseEnvTarget('RATE_LIMIT_*').glob // 'RATE_LIMIT_*'
 */
export function parseEnvTarget(text: string): EnvTarget {
  if (!picomatch.scan(text).isGlob) return { name: text };
  // Variable names are not paths: `*` must also match dots and the whole name is compared.
  return { glob: text, matches: picomatch(text, { dot: true }) };
}

/**
 * `env`: is a process environment variable (or a family of them, by glob) set, and to what.
 * The value is declared secret: conditions may compare it, reports only show its fingerprint, unless the
 * check says `secret: false` (a setting such as NODE_ENV), when reports show it (still redacted if it looks
 * like a key).
 */
export default defineCheck({
  kind: 'env',
  summary: 'Environment variable (name or glob like RATE_LIMIT_*) is set, with its value, length and names',
  target: z
    .string()
    .trim()
    .min(1, 'give a variable name or a glob, e.g. DATABASE_URL or RATE_LIMIT_*')
    .regex(/^\S+$/, 'a variable name or glob has no spaces')
    .transform(parseEnvTarget),
  options: z.strictObject({
    secret: z
      .boolean({ error: 'secret: write false for a setting that is not a secret, such as NODE_ENV' })
      .optional(),
  }),
  variables: {
    set: { type: 'bool', description: 'The variable is defined (for a glob: at least one name matches)' },
    value: {
      type: 'string',
      description: 'Its value (for a glob: the first matching name’s), empty when unset',
      secret: true,
    },
    length: { type: 'int', description: 'Length of `value` in characters' },
    names: { type: 'list<string>', description: 'Matching variable names, sorted' },
    count: { type: 'int', description: 'How many variables match' },
  },
  defaultExpect: ['set'],
  async run(target, _options, ctx) {
    const defined = Object.keys(ctx.env).filter((name) => ctx.env[name] !== undefined);
    const names =
      target.glob === undefined
        ? defined.filter((name) => name === target.name)
        : defined.filter((name) => target.matches(name));
    names.sort();
    const first = names[0];
    const value = first === undefined ? '' : (ctx.env[first] ?? '');
    return { set: names.length > 0, value, length: [...value].length, names, count: names.length };
  },
});
