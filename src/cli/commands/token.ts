import { ConfigError } from '../../model/errors.js';
import { createToken, personActor } from '../../usecases/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { actorFrom, requireFlags } from '../state-command.js';

const usage =
  'token create --name N --role viewer|operator|approver|admin [--signoff-roles a,b] [--by NAME] [--db PATH|URL]';

/** `gonogo token create`: an API token for `gonogo serve`, printed once and stored only as a hash. */
const command: Command = {
  summary: 'create an API token (printed once; only its SHA-256 is stored)',
  usage: `usage: gonogo ${usage}
  --role R          viewer < operator (run, attest) < approver (waive, sign off) < admin (tokens)
  --signoff-roles   the sign-off roles an approver token may sign for, comma-separated
stdout is the token alone, so it can be captured: TOKEN=$(gonogo token create --name ci --role operator)`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        name: { type: 'string' },
        role: { type: 'string' },
        'signoff-roles': { type: 'string' },
        by: { type: 'string' },
      },
      usage,
    );
    const [sub] = positionals(pos, ['create'], usage) as [string];
    if (sub !== 'create')
      throw new ConfigError(`unknown token command "${sub}"; use create\nusage: gonogo ${usage}`);
    requireFlags(values, ['name', 'role'], usage);
    const by = actorFrom(values.by, ctx);
    const store = await ctx.services.openStore();
    const { token, record } = await createToken({ store, now: () => ctx.services.now() }, personActor(by), {
      name: values.name ?? '',
      role: values.role ?? '',
      signoffRoles: (values['signoff-roles'] ?? '').split(','),
    });
    const { signoffRoles } = record;
    ctx.io.stdout.write(`${token}\n`);
    ctx.io.stderr.write(
      `created ${record.role} token "${record.name}" (id ${record.id})` +
        `${signoffRoles.length > 0 ? ` that signs off as ${signoffRoles.join(', ')}` : ''}. ` +
        'It is shown only this once: store it in your secret manager now; send it as "Authorization: Bearer <token>"\n',
    );
    return EXIT.OK;
  },
};

export default command;
