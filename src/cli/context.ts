import type { KindRegistry } from '../engine/check.js';
import type { RunnerBroker, RunnerDispatch } from '../engine/runners.js';
import type { Store } from '../engine/store.js';
import type { Checklist } from '../model/checklist.js';

/** Where a command writes and what it knows about its terminal. */
export interface Io {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** stdout is a terminal: colour and a live progress line are allowed. */
  isTTY: boolean;
  /** The terminal's width in columns, when stdout is one. */
  columns?: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Settings the CLI itself uses, from `GONOGO_*` variables validated by the composition root (src/app/config.ts). */
export interface CliConfig {
  /** `GONOGO_USER`: who acts when `--by` is not given. */
  readonly user: string | undefined;
  /** `GONOGO_DEBUG`: print stack traces of unexpected errors. */
  readonly debug: boolean;
  /** `GONOGO_RUNNER_TOKEN`: the token of `gonogo runner`, one of its three sources. */
  readonly runnerToken: string | undefined;
  /** The environment without gonogo's own secret settings, for the checks a runner runs. */
  readonly checkEnv: Readonly<Record<string, string | undefined>>;
}

/** What the composition root (`src/app`) gives commands. Everything is lazy: nothing loads until asked. */
/** The runner queue as commands use it. */
export type RunnerQueuePort = RunnerDispatch & RunnerBroker & { close(): Promise<void> };

export interface CliServices {
  /** `GONOGO_*` settings, each checked on first use (a bad value is a ConfigError naming it). */
  config: CliConfig;
  /** The clock: `GONOGO_NOW` when set, else the real time. */
  now(): Date;
  /**
   * Read, repair, parse and validate a checklist (with optional bindings; without `bind`, the bindings
   * file the project file `gonogo.yaml` pairs with it; `bind: null`, none at all). Throws located errors.
   * `positions: false`: without the conditions' positions (`expectAt`), which only validation reads.
   */
  loadChecklist(file: string, opts?: { bind?: string | null; positions?: boolean }): Promise<Checklist>;
  /**
   * The environment to use when `--env` is not given: the project file's `env`, when this checklist
   * defines it; else undefined (the checklist's first).
   */
  defaultEnv(checklist: Checklist): Promise<string | undefined>;
  /** The checklist's text as gonogo reads it (BOM, CRLF and mis-decoded text repaired); for line-based rules. */
  readSource(file: string): Promise<string>;
  /** Repair a file's bytes as every command reads them (BOM, CRLF, mojibake), with what was changed. */
  repairText(bytes: Uint8Array): Promise<{ text: string; notes: { line: number; message: string }[] }>;
  /** The check kinds, lazily: call `load` with the kinds a checklist uses before `get`. */
  registry(): Promise<KindRegistry>;
  /**
   * Open the store named by `--db`, `GONOGO_DB`, or the default `.gonogo/gonogo.db`. With `existing`, a
   * missing SQLite file is an error instead of a new, empty store.
   */
  openStore(opts?: { existing?: boolean; pageCacheKiB?: number }): Promise<Store>;
  /**
   * The runner queue on the store's database (pg-boss): undefined on SQLite, where `runner:` items are
   * `error`. Opened once; closed when the command ends.
   */
  runnerQueue(opts?: { supervise?: boolean }): Promise<RunnerQueuePort | undefined>;
  /** Start `gonogo serve` (implemented in src/app/serve.ts, which wires src/server). Resolves when it stops. */
  serve(opts: ServeOptions): Promise<void>;
}

/** Options of `gonogo serve`. */
export interface ServeOptions {
  /** A directory of checklists; undefined: the project file's checklists, else the current directory. */
  checklists: string | undefined;
  host: string;
  port: number;
}

export interface CommandContext {
  io: Io;
  services: CliServices;
}

/**
 * One CLI command: `src/cli/commands/<name>.ts` default-exports it; the dispatcher finds it by name. Its
 * one-line summary for `gonogo --help` is in commands.ts, so listing the commands loads none of them.
 */
export interface Command {
  usage: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** gonogo's version, as `--version` prints it and runners report it. */
export const VERSION = '0.1.0';

/** Exit codes (DESIGN.md "Command line"). */
export const EXIT = { GO: 0, OK: 0, NO_GO: 1, BROKEN: 1, USAGE: 2 } as const;
