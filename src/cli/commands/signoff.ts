import { displayText } from '../../model/display-text.js';
import { signoff } from '../../usecases/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { actorOf, envOf, openChecklist, requireFlags, statusHint } from '../state-command.js';

const usage = 'signoff FILE --role ROLE [--by NAME | --token T] [--env E] [--bind B] [--db PATH|URL]';

/** `gonogo signoff`: approve the checklist's current version for one environment, as one role. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  --role ROLE     one of the checklist's sign-off roles (policy.signoffs)
  --by NAME       who signs (default: $GONOGO_USER, then your user name)
  --token T       sign as the holder of API token T: only for the sign-off roles that token holds
  --env E         environment (default: the checklist's first)
The sign-off binds the checklist's digest: any later edit of the file makes it stale.`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        role: { type: 'string' },
        by: { type: 'string' },
        token: { type: 'string' },
        env: { type: 'string' },
        bind: { type: 'string' },
      },
      usage,
    );
    const [file] = positionals(pos, ['FILE'], usage) as [string];
    requireFlags(values, ['role'], usage);
    const { checklist, useCases } = await openChecklist(ctx, file, { bind: values.bind });
    const s = await signoff(useCases, await actorOf(values, ctx, useCases.store), {
      checklist,
      role: values.role ?? '',
      environment: await envOf(values.env, checklist, ctx),
    });
    ctx.io.stdout.write(
      [
        `signed off ${checklist.id} for ${s.environment} as ${s.role} by ${s.person ?? s.by}` +
          `${s.person && s.person !== s.by ? ` (token ${s.by})` : ''} (digest ${s.digest}, evidence ${s.evidence ?? '-'})`,
        'editing the checklist makes this sign-off stale; sign again after any change',
        `next: ${statusHint(file, s.environment, values)}`,
      ]
        // Names, roles and --by are the user's text: shown, never acted on by the terminal.
        .map((l) => displayText(l))
        .join('\n') + '\n',
    );
    return EXIT.OK;
  },
};

export default command;
