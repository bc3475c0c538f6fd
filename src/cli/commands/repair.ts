import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';

const USAGE = 'repair FILE [--write]';

/**
 * `gonogo repair`: the text of a checklist with its encoding repaired (BOM, CRLF, mojibake such as
 * `geÃ§meden` for `geçmeden`), as every command reads it. Printed, or saved in place with `--write`,
 * the original kept beside it as FILE.orig. The digest does not change: it is taken over repaired text.
 */
const command: Command = {
  usage: `usage: gonogo ${USAGE}

Prints FILE with its encoding repaired: the byte order mark removed, CRLF made LF, and mojibake
(UTF-8 read as Windows-1252/1254 and saved again) undone. What changed goes to stderr.

  --write   save the repaired text in place and keep the original bytes as FILE.orig; refused when
            FILE.orig exists; a file with nothing to repair is left untouched (no backup written)

The checklist's digest is unchanged: gonogo repairs on import, so sign-offs stay valid.
Exit: 0 done, 2 unreadable file or a backup in the way.`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      { write: { type: 'boolean', default: false } },
      USAGE,
    );
    const [file] = positionals(pos, ['FILE'], USAGE) as [string];
    const path = resolve(ctx.io.cwd, file);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
      throw new ConfigError(`cannot read ${file}: ${why}`);
    }
    const { text, notes } = await ctx.services.repairText(bytes);
    const changed = !Buffer.from(text, 'utf8').equals(bytes);
    for (const note of notes)
      ctx.io.stderr.write(`${file}:${note.line}: ${note.message.replace(/ Save the.*$/, '')}\n`);
    if (!values.write) {
      ctx.io.stdout.write(text);
      return EXIT.OK;
    }
    if (!changed) {
      ctx.io.stderr.write(`${file}: nothing to repair; left as it is\n`);
      return EXIT.OK;
    }
    const backup = `${path}.orig`;
    try {
      // `wx`: an earlier backup is the only copy of the original bytes; never overwrite it.
      await writeFile(backup, bytes, { flag: 'wx' });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ConfigError(
        e.code === 'EEXIST'
          ? `${file}.orig already exists (an earlier backup?); move it away, then run repair --write again`
          : `cannot write the backup ${file}.orig: ${e.message}`,
      );
    }
    await writeFile(path, text, 'utf8');
    ctx.io.stderr.write(`repaired ${file} (the original is kept as ${file}.orig)\n`);
    return EXIT.OK;
  },
};

export default command;
