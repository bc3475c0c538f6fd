import { type CommandName, commands, summaries } from './commands/commands.js';
import { type CliServices, EXIT, type Io } from './context.js';
import { runCommand } from './run-command.js';

export { reportError } from './run-command.js';

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
  return runCommand((await commands[name]()).default, rest, io, services);
}
