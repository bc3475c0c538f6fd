import { displayText } from '../model/display-text.js';
import { ConfigError, ParseError, ValidationErrors } from '../model/errors.js';
import { type CliServices, type Command, type CommandContext, EXIT, type Io } from './context.js';

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
 * Run one command with its arguments (`rest`, after the command's name): its usage for `--help`, else
 * its `run` with the services, an error reported as reportError says. Shared by the dispatcher
 * (cli/main.ts) and the run bundle (app/run-entry.ts), which must answer alike.
 */
export async function runCommand(
  cmd: Command,
  rest: string[],
  io: Io,
  services: () => Promise<CliServices>,
): Promise<number> {
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
