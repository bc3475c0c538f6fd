import { access, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ConfigError } from '../../model/errors.js';
import { renderBindings, suggest } from '../../suggest/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { shellQuote } from '../state-command.js';

const USAGE = 'init [FILE]';

const HELP = `usage: gonogo ${USAGE}

Start a gonogo project in the current directory: write the project file gonogo.yaml and, for an
existing checklist FILE, its bindings NAME.gonogo.yaml beside it with the checks \`gonogo suggest\`
proposes. The document itself is not touched. Every command run here (or below) then reads the
project file, so \`gonogo run FILE\` uses the bindings without --bind, and \`gonogo serve\` serves it.

Refuses to replace gonogo.yaml or the bindings file when either exists (nothing is written then).
Exit: 0 written, 2 a file in the way or a checklist that does not load.`;

/** The bindings file beside a checklist: `launch.md` -> `launch.gonogo.yaml`. */
export function bindingsPathFor(file: string): string {
  return join(dirname(file), `${basename(file).replace(/\.(md|markdown)$/i, '')}.gonogo.yaml`);
}

/** The project file `init` writes: the checklist with its bindings, and the other settings commented. */
export function projectFileText(entry: { file: string; bind: string } | undefined): string {
  const lines = [
    '# gonogo project file: every gonogo command run in this folder (or below it) reads it.',
    '# Paths are relative to this file. Flags (--bind, --db, --env) and GONOGO_* variables win over it.',
  ];
  if (entry) {
    lines.push('checklists:', `  - file: ${yamlString(entry.file)}`, `    bind: ${yamlString(entry.bind)}`);
  } else {
    lines.push('checklists: []', '#  - file: launch.md', '#    bind: launch.gonogo.yaml');
  }
  lines.push(
    '# db: .gonogo/gonogo.db      # the store: an SQLite file, or postgres://…',
    '# env: production            # the default environment of `run`, `status`, `attest`, …',
    '# cache: on                  # the parse cache: on, off, or a directory',
  );
  return `${lines.join('\n')}\n`;
}

/** A path as a YAML scalar: plain when that reads back the same, else double-quoted JSON. */
function yamlString(path: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(path) && !/^[-.]{3}/.test(path) ? path : JSON.stringify(path);
}

/** Write `text` to `path`, refusing to replace a file that exists. */
async function create(path: string, text: string, shown: string): Promise<void> {
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(
      e.code === 'EEXIST'
        ? `${shown} exists; gonogo init never replaces a file`
        : `cannot write ${shown}: ${e.message}`,
    );
  }
}

/** `gonogo init`: the project file, and bindings proposed by `suggest` for an existing checklist. */
const command: Command = {
  usage: HELP,
  async run(args, ctx) {
    const { positionals: pos } = parseArgs(args, {}, USAGE);
    if (pos.length > 1) positionals(pos, ['FILE'], USAGE);
    const file = pos[0];
    const { io, services } = ctx;
    const project = resolve(io.cwd, 'gonogo.yaml');
    const exists = (path: string) =>
      access(path).then(
        () => true,
        () => false,
      );
    if (await exists(project)) {
      throw new ConfigError('gonogo.yaml exists in this directory; gonogo init never replaces a file');
    }
    if (file === undefined) {
      await create(project, projectFileText(undefined), 'gonogo.yaml');
      io.stdout.write('wrote gonogo.yaml; list your checklists in it (or run `gonogo init FILE`)\n');
      return EXIT.OK;
    }
    const bindPath = bindingsPathFor(resolve(io.cwd, file));
    const bindShown = relative(io.cwd, bindPath);
    if (await exists(bindPath)) {
      throw new ConfigError(
        `${bindShown} exists; gonogo init never replaces a file (list it in a gonogo.yaml by hand, or move it away)`,
      );
    }
    // The document as it is (no bindings yet): it must load before anything is written.
    const checklist = await services.loadChecklist(file, { bind: null });
    const result = suggest(checklist, await services.readSource(file));
    await mkdir(dirname(bindPath), { recursive: true });
    await create(bindPath, renderBindings(result, file), bindShown);
    const entry = { file: relative(io.cwd, resolve(io.cwd, file)), bind: bindShown };
    await create(project, projectFileText(entry), 'gonogo.yaml');
    io.stdout.write(
      [
        `wrote ${bindShown} (${result.suggestions.length} of ${result.total} items with a proposed check; review them)`,
        `wrote gonogo.yaml (${entry.file} with ${bindShown})`,
        `next: ${['gonogo', 'lint', file].map(shellQuote).join(' ')}`,
        `next: ${['gonogo', 'run', file].map(shellQuote).join(' ')}`,
      ].join('\n') + '\n',
    );
    return EXIT.OK;
  },
};

export default command;
