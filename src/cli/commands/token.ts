import { createHash, randomBytes } from 'node:crypto';
import type { TokenRole } from '../../engine/store.js';
import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { actorFrom, requireFlags } from '../state-command.js';

const usage =
  'token create --name N --role viewer|operator|approver|admin [--signoff-roles a,b] [--by NAME] [--db PATH|URL]';
const ROLES: readonly TokenRole[] = ['viewer', 'operator', 'approver', 'admin'];

/** `gng_` + 32 random bytes, base64url: recognisable in secret scanners, 256 bits of entropy. */
function newToken(): string {
  return `gng_${randomBytes(32).toString('base64url')}`;
}

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
    const role = values.role as TokenRole;
    if (!ROLES.includes(role)) {
      throw new ConfigError(`--role ${values.role}: use one of ${ROLES.join(', ')}`, 'role');
    }
    const signoffRoles = (values['signoff-roles'] ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    if (signoffRoles.length > 0 && role !== 'approver' && role !== 'admin') {
      throw new ConfigError(
        `--signoff-roles needs --role approver (or admin): a ${role} token cannot sign off`,
        'signoff-roles',
      );
    }
    const by = actorFrom(values.by, ctx);
    const store = await ctx.services.openStore();
    const token = newToken();
    const record = await store.createToken(
      {
        name: values.name!.trim(),
        role,
        signoffRoles,
        hash: createHash('sha256').update(token, 'utf8').digest('hex'),
        at: ctx.services.now().toISOString(),
      },
      by,
    );
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
