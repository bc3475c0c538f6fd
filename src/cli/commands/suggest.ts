import { constants } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../model/errors.js';
import { renderBindings, type SuggestResult, suggest } from '../../suggest/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';

const USAGE = 'suggest FILE [--out B] [--force] [--bind EXISTING]';

const HELP = `usage: gonogo ${USAGE}

Read the checklist FILE and propose a check for every item a machine can verify (VAR=value, endpoints
with a status, headers, HTTPS, table privileges, database and Redis settings, volume paths, commands in
backticks). Prints a bindings file (or writes it with --out) that \`gonogo lint FILE --bind B\` accepts;
each proposal carries a comment saying which rule matched which text. Nothing is run or fetched.

  --out B          write the bindings to B (refuses to replace an existing file without --force)
  --force          replace B if it exists
  --bind EXISTING  a bindings file you already have: its items are left alone and the proposals are
                   appended to a copy of it

Exit: 0, 2 on a usage error or an unreadable checklist.`;

const read = async (path: string, what: string) => {
  try {
    return await readFile(path);
  } catch (err) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(err as Error).message}`, what);
  }
};

/** The summary line on stderr: `12 of 40 items have a suggestion; 9 are human work`. */
export function summaryLine(result: SuggestResult): string {
  const n = result.suggestions.length;
  const bound = result.bound.length > 0 ? `; ${result.bound.length} already have a check` : '';
  return `${n} of ${result.total} items have a suggestion; ${result.human.length} are human work${bound}`;
}

/** `gonogo suggest`: a thin adapter over src/suggest (read the files, render, write or print). */
const command: Command = {
  usage: HELP,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      { out: { type: 'string' }, force: { type: 'boolean', default: false }, bind: { type: 'string' } },
      USAGE,
    );
    const [file] = positionals(pos, ['FILE'], USAGE) as [string];
    const { io, services } = ctx;
    const checklist = await services.loadChecklist(file, values.bind ? { bind: values.bind } : {});
    const text = await services.readSource(file);
    const result = suggest(checklist, text);
    let out = renderBindings(result, file);
    if (values.bind) {
      // The proposals go after the existing bindings, so one file binds every item.
      const existing = (await read(resolve(io.cwd, values.bind), 'bind')).toString('utf8').trimEnd();
      const body = out.replace(/^(#[^\n]*\n)+/, '').replace(/^\{\}\n?$/m, '');
      out = /^\s*(\{\s*\})?\s*$/.test(existing.replace(/^#.*$/gm, ''))
        ? out
        : `${existing}\n\n# --- proposed by gonogo suggest ---\n${body}`;
    }
    if (values.out) {
      const target = resolve(io.cwd, values.out);
      try {
        await writeFile(
          target,
          out,
          values.force ? {} : { flag: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY },
        );
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EEXIST') {
          throw new ConfigError(
            `${values.out} exists; pass --force to replace it, or choose another --out`,
            'out',
          );
        }
        throw new ConfigError(`cannot write ${values.out}: ${e.message}`, 'out');
      }
      io.stderr.write(`wrote ${values.out}; check it with: gonogo lint ${file} --bind ${values.out}\n`);
    } else {
      io.stdout.write(out);
    }
    io.stderr.write(`${summaryLine(result)}\n`);
    return EXIT.OK;
  },
};

export default command;
