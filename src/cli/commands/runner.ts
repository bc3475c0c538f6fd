import { hostname } from 'node:os';
import { runnerLabelProblem } from '../../engine/runners.js';
import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT, VERSION } from '../context.js';
import { type RunnerOptions, runRunner } from '../runner-loop.js';

const usage = 'runner --server URL --token T --labels a,b [--concurrency N] [--name NAME]';

const MAX_CONCURRENCY = 256;

/** The runner's options from its arguments, each checked once (ConfigError, exit 2, naming the flag). */
export function runnerOptions(
  values: { server?: string; token?: string; labels?: string; concurrency?: string; name?: string },
  _env: Readonly<Record<string, string | undefined>> = {},
): RunnerOptions {
  const missing = (flag: string, hint: string) =>
    new ConfigError(`missing --${flag}: ${hint}\nusage: gonogo ${usage}`, flag);
  const token = values.token;
  if (values.server === undefined)
    throw missing('server', 'the URL of `gonogo serve`, e.g. https://gonogo.example.com');
  if (token === undefined || token.trim() === '') {
    throw missing('token', 'a runner token (gonogo token create --role runner --labels …)');
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

/** `gonogo runner`: run the `runner:` checks of its labels for a server, from inside a private network. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  --server URL      the gonogo server (gonogo serve) to take jobs from
  --token T         a runner token: gonogo token create --name N --role runner --labels a,b
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
        labels: { type: 'string' },
        concurrency: { type: 'string' },
        name: { type: 'string' },
      },
      usage,
    );
    positionals(rest, [], usage);
    const options = runnerOptions(values, ctx.io.env);
    const registry = await ctx.services.registry();
    const stop = new AbortController();
    const kill = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) {
        ctx.io.stderr.write(`${signal} again: stopping now; unanswered jobs go back to the queue\n`);
        kill.abort();
        return;
      }
      ctx.io.stderr.write(`${signal}: no new jobs; answering the jobs in hand (again to stop now)\n`);
      stop.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      const exit = await runRunner(options, {
        registry,
        env: ctx.io.env,
        baseDir: ctx.io.cwd,
        now: () => ctx.services.now(),
        log: (line) => ctx.io.stderr.write(`${line}\n`),
        stop: stop.signal,
        kill: kill.signal,
      });
      return exit === 'refused' ? EXIT.USAGE : EXIT.OK;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
};

export default command;
