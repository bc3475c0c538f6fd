import type { CommandContext } from '../cli/context.js';
import { dispatch } from '../cli/main.js';
import { createServices } from './services.js';

/** Entry point of `bin/gonogo`: wire the layers, run the command, exit with its code. */
export async function main(argv: string[]): Promise<void> {
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    env: process.env,
    cwd: process.cwd(),
  };
  const services = createServices(argv, io);
  const ctx: CommandContext = { io, services };
  const code = await dispatch(argv, ctx);
  await services.dispose();
  // Let stdout drain before exiting (piped output of a large report must not be cut).
  process.exitCode = code;
  if (process.stdout.writableNeedDrain) await new Promise((r) => process.stdout.once('drain', r));
  process.exit(code);
}
