import type { Command } from '../context.js';

/** How a command's module is loaded: its default export is the Command. */
export type CommandModule = () => Promise<{ default: Command }>;

/**
 * The CLI commands, one lazy import per file of this folder, named after the file (`gonogo lint` is
 * lint.ts). Adding a command is adding its file, one line here and its summary below; commands.test.ts
 * fails when this list and the folder disagree. A command loads only its own module.
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

/** A command's name: the name of its file. */
export type CommandName = keyof typeof commands;

/**
 * The line `gonogo --help` prints for each command. Kept here, beside the lazy imports, so `--help`
 * lists the commands without loading any of them.
 */
export const summaries: Readonly<Record<CommandName, string>> = {
  attest: 'attest a manual item, with evidence (text, URL, file hash)',
  audit:
    'verify the audit hash chain and state rows (exit 1 names what broke), print the head, or list events',
  init: 'start a project: write gonogo.yaml and bindings proposed for an existing checklist',
  lint: 'parse and validate a checklist; print its outline or its model as JSON',
  record: 'write a signed launch record (in-toto / DSSE, Ed25519), or verify one offline',
  repair: 'print (or save with --write) a checklist with its encoding repaired',
  run: 'run the checks, decide GO / NO-GO, store the run and print the report',
  runner: 'run the checks bound to runner labels for a gonogo server (outbound HTTP(S) only)',
  serve: 'serve the API and dashboard for a directory of checklists',
  signoff: "sign off the checklist's current version for an environment, as one approver role",
  status: 'show the verdict from stored state, without running checks',
  suggest: 'propose checks for the items a machine can verify, as a bindings file',
  token: 'create, list or revoke API tokens (a token is printed once; only its SHA-256 is stored)',
  waive: 'grant a waiver for one item until a date (at most policy.waiver_max_days)',
};
