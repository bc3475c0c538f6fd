import type { Command } from '../context.js';

/** How a command's module is loaded: its default export is the Command. */
export type CommandModule = () => Promise<{ default: Command }>;

/**
 * The CLI commands, one lazy import per file of this folder, named after the file (`gonogo lint` is
 * lint.ts). Adding a command is adding its file and one line here; commands.test.ts fails when this
 * list and the folder disagree. A command loads only its own module.
 */
export const commands = {
  attest: () => import('./attest.js'),
  audit: () => import('./audit.js'),
  init: () => import('./init.js'),
  lint: () => import('./lint.js'),
  record: () => import('./record.js'),
  repair: () => import('./repair.js'),
  run: () => import('./run.js'),
  runner: () => import('./runner.js'),
  serve: () => import('./serve.js'),
  signoff: () => import('./signoff.js'),
  status: () => import('./status.js'),
  suggest: () => import('./suggest.js'),
  token: () => import('./token.js'),
  waive: () => import('./waive.js'),
} satisfies Record<string, CommandModule>;
