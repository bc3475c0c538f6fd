import { resolve } from 'node:path';
import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';

const usage = 'serve [--checklists DIR] [--host H] [--port P]';

/** `gonogo serve`: the API, the dashboard and the operations endpoints over a checklists directory. */
const serve: Command = {
  usage: `usage: gonogo ${usage}
  --checklists DIR  directory of Markdown checklists, each NAME.md with its bindings NAME.gonogo.yaml
                    when there is one (default: the checklists of the project file gonogo.yaml,
                    else the current directory); reloaded on change
  --host H          address to listen on (default 127.0.0.1)
  --port P          port (default 8080; 0 picks a free one)
Environment: GONOGO_DB, GONOGO_PUBLIC_URL, GONOGO_TRUST_PROXY, GONOGO_RATE_LIMIT,
  GONOGO_AUTH_FAILURE_LIMIT, GONOGO_PREFLIGHT_MAX_AGE (see docs/configuration.md).`,
  async run(args, ctx) {
    const { values, positionals: rest } = parseArgs(
      args,
      { checklists: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } },
      usage,
    );
    positionals(rest, [], usage);
    const portText = values.port ?? '8080';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      throw new ConfigError(
        `--port "${portText}" is not a port number (0-65535)\nusage: gonogo ${usage}`,
        'port',
      );
    }
    await ctx.services.serve({
      checklists: values.checklists === undefined ? undefined : resolve(ctx.io.cwd, values.checklists),
      host: values.host ?? '127.0.0.1',
      port,
    });
    return EXIT.OK;
  },
};

export default serve;
