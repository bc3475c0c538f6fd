import { displayText } from '../../model/display-text.js';
import { waive } from '../../usecases/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { actorOf, envOf, openChecklist, requireFlags, statusHint } from '../state-command.js';

const usage =
  'waive FILE ITEM --reason TEXT --owner NAME --expires DATE|Nd [--by NAME | --token T] [--env E] [--bind B] [--db PATH|URL]';

/** `gonogo waive`: accept an exception for one item until a date, within policy.waiver_max_days. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  ITEM            item id (see \`gonogo lint FILE\`) or its exact title
  --reason T      why the exception is accepted
  --owner NAME    who fixes the item before the waiver expires
  --expires X     YYYY-MM-DD (valid through that day, UTC), an ISO date-time, or Nd (e.g. 14d)
  --by NAME       who grants it (default: $GONOGO_USER, then your user name)
  --token T       act as the holder of API token T, with its role (as through the API)
  --env E         environment (default: the checklist's first)`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        reason: { type: 'string' },
        owner: { type: 'string' },
        expires: { type: 'string' },
        by: { type: 'string' },
        token: { type: 'string' },
        env: { type: 'string' },
        bind: { type: 'string' },
      },
      usage,
    );
    const [file, ref] = positionals(pos, ['FILE', 'ITEM'], usage) as [string, string];
    requireFlags(values, ['reason', 'owner', 'expires'], usage);
    const { checklist, useCases } = await openChecklist(ctx, file, { bind: values.bind });
    const w = await waive(useCases, await actorOf(values, ctx, useCases.store), {
      checklist,
      item: ref,
      reason: values.reason ?? '',
      owner: values.owner ?? '',
      expires: values.expires ?? '',
      environment: await envOf(values.env, checklist, ctx),
    });
    ctx.io.stdout.write(
      [
        `waived ${w.item} for ${w.environment} until ${w.expiresAt} (owner ${w.owner}, granted by ${w.by}): ${w.reason}`,
        `when it expires the item's real status counts again; fix it before then`,
        `next: ${statusHint(file, w.environment, values)}`,
      ]
        // Reason, owner and --by are the user's text: shown, never acted on by the terminal.
        .map((l) => displayText(l))
        .join('\n') + '\n',
    );
    return EXIT.OK;
  },
};

export default command;
