import { displayText } from '../model/display-text.js';
import { ConfigError, ParseError, ValidationErrors } from '../model/errors.js';
import { commands } from './commands/commands.js';
import { type Command, type CommandContext, EXIT, VERSION } from './context.js';

/** The command names of commands.ts, sorted (the order of `--help`). */
const COMMAND_NAMES = Object.keys(commands).sort();

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!Object.hasOwn(commands, name)) return undefined;
  return (await commands[name as keyof typeof commands]()).default;
}

async function help(ctx: CommandContext): Promise<void> {
  const lines = [
    'gonogo: turn a go-live checklist in Markdown into an executable launch gate.',
    '',
    'Commands:',
  ];
  for (const name of COMMAND_NAMES) {
    const cmd = await loadCommand(name);
    if (cmd) lines.push(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  lines.push('', 'Global: --db PATH|URL (or GONOGO_DB), GONOGO_NOW=<ISO time> to set the clock.');
  lines.push('Run `gonogo COMMAND --help` for a command’s options.');
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
}

/** Print an error the way users read it and return the exit code. Never a stack trace unless GONOGO_DEBUG. */
export function reportError(err: unknown, ctx: CommandContext): number {
  // Messages quote what the user gave (names, flags, file contents): shown, never acted on by the terminal.
  const stderr = { write: (text: string) => ctx.io.stderr.write(displayText(text, { multiline: true })) };
  if (err instanceof ValidationErrors) {
    for (const e of err.errors) stderr.write(`${e.format()}\n`);
  } else if (err instanceof ParseError) {
    stderr.write(`${err.format()}\n`);
  } else if (err instanceof ConfigError) {
    stderr.write(`gonogo: ${err.message}\n`);
  } else {
    const e = err as NodeJS.ErrnoException;
    stderr.write(`gonogo: ${e?.message ?? String(err)}\n`);
    if (ctx.services.config.debug && e?.stack) stderr.write(`${e.stack}\n`);
  }
  return EXIT.USAGE;
}

/** Dispatch `argv` (without node and script) to a command. Returns the exit code. */
export async function dispatch(argv: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(ctx);
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (name === '--version' || name === '-V') {
    ctx.io.stdout.write(`gonogo ${VERSION}\n`);
    return EXIT.OK;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    ctx.io.stderr.write(`gonogo: unknown command "${name}". Run \`gonogo --help\` for the list.\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.io.stdout.write(`${cmd.usage}\n`);
    return EXIT.OK;
  }
  try {
    return await cmd.run(rest, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}
