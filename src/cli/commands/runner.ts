import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { runnerLabelProblem } from '../../engine/runners.js';
import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT, VERSION } from '../context.js';
import { type RunnerOptions, runRunner } from '../runner-loop.js';
import { onStopSignal, type StopSignal } from '../stop-signals.js';

const usage =
  'runner --server URL (--token-file PATH | --token T | GONOGO_RUNNER_TOKEN) --labels a,b [--concurrency N] [--name NAME]';

const MAX_CONCURRENCY = 256;

/** The runner's options from its arguments, each checked once (ConfigError, exit 2, naming the flag). */
export function runnerOptions(values: {
  server?: string;
  token?: string;
  labels?: string;
  concurrency?: string;
  name?: string;
}): RunnerOptions {
  const missing = (flag: string, hint: string) =>
    new ConfigError(`missing --${flag}: ${hint}\nusage: gonogo ${usage}`, flag);
  const token = values.token;
  if (values.server === undefined)
    throw missing('server', 'the URL of `gonogo serve`, e.g. https://gonogo.example.com');
  if (token === undefined || token.trim() === '') {
    throw missing(
      'token',
      'a runner token (gonogo token create --role runner --labels …), as --token-file PATH, GONOGO_RUNNER_TOKEN or --token T',
    );
  }
  if (values.labels === undefined)
    throw missing('labels', 'the labels of the checks to run here, e.g. --labels prod-vpc');
  let server: URL;
  try {
    server = new URL(values.server);
  } catch {
    throw new ConfigError(
      `--server "${values.server}" is not a URL; write e.g. https://gonogo.example.com`,
      'server',
    );
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new ConfigError(`--server ${server.origin}: use an http:// or https:// URL`, 'server');
  }
  const labels = [
    ...new Set(
      values.labels
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
  if (labels.length === 0) throw missing('labels', 'at least one label, e.g. --labels prod-vpc');
  for (const label of labels) {
    const problem = runnerLabelProblem(label);
    if (problem) throw new ConfigError(`--labels: ${problem}`, 'labels');
  }
  const text = values.concurrency ?? '4';
  const concurrency = Number(text);
  if (!/^\d+$/.test(text) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new ConfigError(
      `--concurrency "${text}": write a whole number from 1 to ${MAX_CONCURRENCY}`,
      'concurrency',
    );
  }
  const name = (values.name ?? `${hostname()}-${process.pid}`).trim();
  if (name === '' || name.length > 100)
    throw new ConfigError('--name: write a name of 1 to 100 characters', 'name');
  return { server, token: token.trim(), labels, concurrency, name, version: VERSION, waitS: 20 };
}

/**
 * The runner token from its one source: `--token T` (visible in `ps` and shell history), `--token-file
 * PATH` (its first line, trimmed) or `GONOGO_RUNNER_TOKEN`. None, or more than one, is a ConfigError
 * (exit 2) naming the sources, never the token; so is a file that cannot be read or has no token.
 */
export async function runnerToken(
  values: { token?: string | undefined; 'token-file'?: string | undefined },
  envToken: string | undefined,
): Promise<string | undefined> {
  const given = [
    ...(values.token === undefined ? [] : ['--token']),
    ...(values['token-file'] === undefined ? [] : ['--token-file']),
    ...(envToken === undefined ? [] : ['GONOGO_RUNNER_TOKEN']),
  ];
  if (given.length > 1) {
    throw new ConfigError(
      `the runner token is given ${given.length} ways (${given.join(', ')}): give exactly one of --token-file PATH, GONOGO_RUNNER_TOKEN or --token T\nusage: gonogo ${usage}`,
      'token',
    );
  }
  const path = values['token-file'];
  if (path === undefined) return values.token ?? envToken;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : 'cannot be read';
    throw new ConfigError(`--token-file ${path}: ${why}`, 'token-file');
  }
  const token = text.split(/\r?\n/, 1)[0]!.trim();
  if (token === '') {
    throw new ConfigError(
      `--token-file ${path}: its first line is empty; write the runner token there`,
      'token-file',
    );
  }
  return token;
}

/** `gonogo runner`: run the `runner:` checks of its labels for a server, from inside a private network. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  --server URL      the gonogo server (gonogo serve) to take jobs from
  --token-file PATH read the runner token from the first line of PATH (a mounted secret)
  --token T         the runner token itself (shows in ps and shell history: prefer the file or
                    GONOGO_RUNNER_TOKEN); gonogo token create --name N --role runner --labels a,b
  --labels a,b      take the jobs of checks with these runner: labels (all held by the token)
  --concurrency N   checks run at once (default 4)
  --name NAME       shown on the dashboard's Runners page (default host-pid)
Stops on SIGTERM or SIGINT after answering the jobs in hand; a second signal stops at once.
Exit 0 when stopped, 2 when the server refuses the token. See docs/runners.md.`,
  async run(args, ctx) {
    const { values, positionals: rest } = parseArgs(
      args,
      {
        server: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        labels: { type: 'string' },
        concurrency: { type: 'string' },
        name: { type: 'string' },
      },
      usage,
    );
    positionals(rest, [], usage);
    const { 'token-file': _file, ...flags } = values;
    const token = await runnerToken(values, ctx.services.config.runnerToken);
    const options = runnerOptions({ ...flags, ...(token === undefined ? {} : { token }) });
    const registry = await ctx.services.registry();
    const stop = new AbortController();
    const kill = new AbortController();
    const onSignal = (signal: StopSignal) => {
      if (stop.signal.aborted) {
        ctx.io.stderr.write(`${signal} again: stopping now; unanswered jobs go back to the queue\n`);
        kill.abort();
        return;
      }
      ctx.io.stderr.write(`${signal}: no new jobs; answering the jobs in hand (again to stop now)\n`);
      stop.abort();
    };
    // Counted once however many ways it arrives (stop-signals.ts: the launcher forwards it too).
    const off = onStopSignal(onSignal);
    try {
      const exit = await runRunner(options, {
        registry,
        // The checks never see the runner's own token (nor GONOGO_DB): no `${…}` or `env:` check sends it away.
        env: ctx.services.config.checkEnv,
        baseDir: ctx.io.cwd,
        now: () => ctx.services.now(),
        log: (line) => ctx.io.stderr.write(`${line}\n`),
        stop: stop.signal,
        kill: kill.signal,
      });
      return exit === 'refused' ? EXIT.USAGE : EXIT.OK;
    } finally {
      off();
    }
  },
};

export default command;
