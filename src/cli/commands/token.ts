import type { TokenRecord } from '../../engine/store.js';
import { ConfigError } from '../../model/errors.js';
import {
  createToken,
  listTokens,
  personActor,
  revokeToken,
  tokenRefusal,
  type UseCaseContext,
} from '../../usecases/index.js';
import { parseArgs } from '../args.js';
import { type Command, type CommandContext, EXIT } from '../context.js';
import { actorFrom, requireFlags } from '../state-command.js';

const usage =
  'token create --name N --role viewer|operator|approver|admin|runner [--signoff-roles a,b] [--labels a,b] [--person NAME] [--expires 90d|DATE] [--by NAME]' +
  ' | token list [--format text|json] | token revoke NAME|ID [--by NAME]';

/** A token as `token list` shows it: its record and whether it still works now (never a secret). */
function listed(t: TokenRecord, now: Date) {
  const refused = tokenRefusal(t, now);
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    signoff_roles: t.signoffRoles,
    ...(t.labels ? { labels: t.labels } : {}),
    person: t.person ?? null,
    created: t.createdAt,
    expires: t.expiresAt ?? null,
    last_used: t.lastUsedAt ?? null,
    revoked: t.revokedAt ?? null,
    state: refused?.code === 'token-revoked' ? 'revoked' : refused ? 'expired' : 'active',
  };
}

async function list(ctx: CommandContext, useCases: UseCaseContext, by: string, format: string) {
  if (format !== 'text' && format !== 'json')
    throw new ConfigError(`unknown format "${format}"; use text or json`, 'format');
  const rows = (await listTokens(useCases, personActor(by))).map((t) => listed(t, useCases.now()));
  if (format === 'json') {
    ctx.io.stdout.write(`${JSON.stringify({ tokens: rows })}\n`);
    return EXIT.OK;
  }
  if (rows.length === 0) {
    ctx.io.stdout.write('no tokens yet: create one with `gonogo token create --name N --role R`\n');
    return EXIT.OK;
  }
  const lines = rows.map(
    (r) =>
      `${String(r.id).padStart(3)}  ${r.name}  ${r.role}` +
      `${r.signoff_roles.length > 0 ? ` (signs off: ${r.signoff_roles.join(', ')})` : ''}` +
      `${r.labels ? ` (labels: ${r.labels.join(', ')})` : ''}` +
      `  person: ${r.person ?? '-'}  created ${r.created}` +
      `  expires ${r.expires ?? 'never'}  last used ${r.last_used ?? 'never'}` +
      `${r.state === 'revoked' ? `  REVOKED ${r.revoked}` : r.state === 'expired' ? '  EXPIRED' : ''}`,
  );
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.OK;
}

/** `gonogo token`: create, list and revoke API tokens for `gonogo serve` (stored only as hashes). */
const command: Command = {
  usage: `usage: gonogo ${usage}
  --role R          viewer < operator (run, attest) < approver (waive, sign off) < admin (tokens)
  --signoff-roles   the sign-off roles an approver token may sign for, comma-separated
  --person NAME     who holds the token: its sign-offs name this person
  --expires 90d     the token stops working then (days, a date, or an ISO date-time)
  --labels a,b      with --role runner: the runner labels whose jobs the token may claim
stdout of create is the token alone, so it can be captured: TOKEN=$(gonogo token create --name ci --role operator)`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        name: { type: 'string' },
        role: { type: 'string' },
        'signoff-roles': { type: 'string' },
        person: { type: 'string' },
        expires: { type: 'string' },
        labels: { type: 'string' },
        format: { type: 'string' },
        by: { type: 'string' },
      },
      usage,
    );
    const [sub, ...rest] = pos;
    const expected = sub === 'revoke' ? 1 : 0;
    if (sub === undefined) throw new ConfigError(`missing create, list or revoke\nusage: gonogo ${usage}`);
    if (rest.length !== expected) {
      throw new ConfigError(
        rest.length < expected
          ? `missing the name or id of the token to revoke\nusage: gonogo ${usage}`
          : `unexpected argument "${rest[expected]}"\nusage: gonogo ${usage}`,
      );
    }
    if (sub !== 'create' && sub !== 'list' && sub !== 'revoke')
      throw new ConfigError(
        `unknown token command "${sub}"; use create, list or revoke\nusage: gonogo ${usage}`,
      );
    if (sub === 'create') requireFlags(values, ['name', 'role'], usage);
    const by = actorFrom(values.by, ctx);
    const store = await ctx.services.openStore();
    const useCases: UseCaseContext = { store, now: () => ctx.services.now() };
    if (sub === 'list') return list(ctx, useCases, by, values.format ?? 'text');
    if (sub === 'revoke') {
      const t = await revokeToken(useCases, personActor(by), rest[0]!);
      ctx.io.stderr.write(
        `revoked token "${t.name}" (id ${t.id}) at ${t.revokedAt}: the API refuses it and its dashboard sessions end\n`,
      );
      return EXIT.OK;
    }
    const { token, record } = await createToken(useCases, personActor(by), {
      name: values.name ?? '',
      role: values.role ?? '',
      signoffRoles: (values['signoff-roles'] ?? '').split(','),
      person: values.person,
      expires: values.expires,
      labels: values.labels?.split(','),
    });
    const { signoffRoles } = record;
    ctx.io.stdout.write(`${token}\n`);
    ctx.io.stderr.write(
      `created ${record.role} token "${record.name}" (id ${record.id})` +
        `${record.person ? ` for ${record.person}` : ''}` +
        `${signoffRoles.length > 0 ? ` that signs off as ${signoffRoles.join(', ')}` : ''}` +
        `${record.labels ? ` for runner labels ${record.labels.join(', ')}` : ''}` +
        `${record.expiresAt ? `, valid until ${record.expiresAt}` : ''}. ` +
        'It is shown only this once: store it in your secret manager now; send it as "Authorization: Bearer <token>"\n',
    );
    return EXIT.OK;
  },
};

export default command;
