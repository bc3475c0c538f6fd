import type { CliServices, Io } from '../cli/context.js';
import type { AppServices } from './services.js';
import type { Tracing } from './tracing.js';

/** How a command line is dispatched: cli/main.ts's dispatcher, or the run bundle's (app/run-entry.ts). */
export type Dispatch = (argv: string[], io: Io, services: () => Promise<CliServices>) => Promise<number>;

/**
 * Whether traces should be exported: an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or the
 * traces-only `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), and neither `OTEL_SDK_DISABLED=true` nor
 * `OTEL_TRACES_EXPORTER=none` says otherwise. Asked before the SDK is imported, so start-up without
 * tracing never loads it (and with tracing, it loads at the first span: engine/tracing-start.ts).
 */
export function tracingWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() !== 'none';
}

/** The process's own terminal and environment, as commands see them. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Wire the layers and run one command line: its exit code, once the store is closed and the spans sent.
 * The layers are imported when a command runs, not before.
 */
export async function execute(argv: string[], io: Io, dispatch: Dispatch): Promise<number> {
  let tracing: Tracing | undefined;
  let services: AppServices | undefined;
  const code = await dispatch(argv, io, async () => {
    // The SDK starts at the first span (a command that makes none never loads it).
    if (tracingWanted(io.env)) {
      (await import('../engine/tracing-start.js')).deferTracingStart(async () => {
        tracing = (await import('./tracing.js')).startTracing(io.env);
      });
    }
    services = (await import('./services.js')).createServices(argv, io);
    return services;
  });
  await services?.dispose();
  // The batch of spans still queued (a run's) is sent before the process exits.
  await tracing?.shutdown();
  return code;
}

/** Run a command line in this process and exit with its code. */
export async function launch(argv: string[], dispatch: Dispatch): Promise<void> {
  const code = await execute(argv, processIo(), dispatch);
  // Let stdout drain before exiting (piped output of a large report must not be cut).
  process.exitCode = code;
  if (process.stdout.writableNeedDrain) await new Promise((r) => process.stdout.once('drain', r));
  process.exit(code);
}
