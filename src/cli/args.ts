import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../model/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse a command's arguments with node:util parseArgs, turning its errors into ConfigError (exit 2).
 * `--db` is accepted everywhere (the composition root reads it from the raw argv).
 * @example const { values, positionals } = parseArgs(args, { env: { type: 'string' } }, 'run FILE [--env E]');
 */
export function parseArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return nodeParseArgs({
      args,
      options: { ...options, db: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\nusage: gonogo ${usage}`);
  }
}

/** Require exactly `n` positionals, naming what is missing. */
export function positionals(values: string[], names: string[], usage: string): string[] {
  if (values.length < names.length) {
    throw new ConfigError(`missing ${names.slice(values.length).join(' and ')}\nusage: gonogo ${usage}`);
  }
  if (values.length > names.length) {
    throw new ConfigError(`unexpected argument "${values[names.length]}"\nusage: gonogo ${usage}`);
  }
  return values;
}
