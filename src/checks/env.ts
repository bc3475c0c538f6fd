import { z } from 'zod';
import { defineCheck } from '../engine/check.js';

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
    .regex(/^\S+$/, 'a variable name or glob has no spaces'),
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
    const { default: picomatch } = await import('picomatch');
    const defined = Object.keys(ctx.env).filter((name) => ctx.env[name] !== undefined);
    let names: string[];
    if (picomatch.scan(target).isGlob) {
      // Variable names are not paths: `*` must also match dots and the whole name is compared.
      const matches = picomatch(target, { dot: true });
      names = defined.filter((name) => matches(name));
    } else {
      names = defined.filter((name) => name === target);
    }
    names.sort();
    const first = names[0];
    const value = first === undefined ? '' : (ctx.env[first] ?? '');
    return { set: names.length > 0, value, length: [...value].length, names, count: names.length };
  },
});
