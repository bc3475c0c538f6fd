import { displayText } from '../model/display-text.js';
import { ConfigError, ParseError, ValidationErrors } from '../model/errors.js';
import { type CommandName, commands, summaries } from './commands/commands.js';
import { type CliServices, type Command, type CommandContext, EXIT, type Io } from './context.js';

/** The command names of commands.ts, sorted (the order of `--help`). */
const COMMAND_NAMES = (Object.keys(commands) as CommandName[]).sort();

const isCommand = (name: string): name is CommandName => Object.hasOwn(commands, name);

function help(io: Io): void {
  const lines = [
    'gonogo: turn a go-live checklist in Markdown into an executable launch gate.',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((name) => `  ${name.padEnd(10)} ${summaries[name]}`),
    '',
    'Global: --db PATH|URL (or GONOGO_DB), GONOGO_NOW=<ISO time> to set the clock.',
    'Run `gonogo COMMAND --help` for a command’s options.',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
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

/**
 * Dispatch `argv` (without node and script) to a command. Returns the exit code. `services` is called
 * only when a command runs: `--help`, `--version`, a command's `--help` and an unknown name load nothing
 * else (the composition root, its configuration and drivers stay unloaded).
 */
export async function dispatch(
  argv: string[],
  io: Io,
  services: () => Promise<CliServices>,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write('gonogo 0.1.0\n');
    return EXIT.OK;
  }
  if (!isCommand(name)) {
    io.stderr.write(`gonogo: unknown command "${name}". Run \`gonogo --help\` for the list.\n`);
    return EXIT.USAGE;
  }
  const cmd: Command = (await commands[name]()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${cmd.usage}\n`);
    return EXIT.OK;
  }
  const ctx: CommandContext = { io, services: await services() };
  try {
    return await cmd.run(rest, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}
