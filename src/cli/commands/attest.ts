import { displayText } from '../../model/display-text.js';
import { attest } from '../../usecases/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { actorOf, envOf, fileEvidence, openChecklist, requireFlags, statusHint } from '../state-command.js';

const usage =
  'attest FILE ITEM --evidence TEXT [--value V] [--file PATH] [--by NAME | --token T] [--valid-for 90d] [--env E] [--bind B] [--db PATH|URL]';

/** `gonogo attest`: state that a manual item holds, with evidence. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  ITEM            item id (see \`gonogo lint FILE\`) or its exact title
  --evidence T    what shows the item holds: a ticket, a URL, a short statement
  --value V       the value of a field item (e.g. --value 4h for "RTO: ____")
  --file PATH     an evidence file: its name and SHA-256 are stored (not its content)
  --by NAME       who attests (default: $GONOGO_USER, then your user name)
  --token T       act as the holder of API token T, with its role (as through the API)
  --valid-for D   the attestation lapses after D (e.g. 90d); the item is pending again
  --env E         environment (default: the checklist's first)`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        evidence: { type: 'string' },
        value: { type: 'string' },
        file: { type: 'string' },
        by: { type: 'string' },
        token: { type: 'string' },
        'valid-for': { type: 'string' },
        env: { type: 'string' },
        bind: { type: 'string' },
      },
      usage,
    );
    const [file, ref] = positionals(pos, ['FILE', 'ITEM'], usage) as [string, string];
    requireFlags(values, ['evidence'], usage);
    const evidenceFile = values.file ? await fileEvidence(values.file, ctx) : undefined;
    const { checklist, useCases } = await openChecklist(ctx, file, { bind: values.bind });
    const a = await attest(useCases, await actorOf(values, ctx, useCases.store), {
      checklist,
      item: ref,
      evidence: values.evidence ?? '',
      environment: await envOf(values.env, checklist, ctx),
      value: values.value,
      validFor: values['valid-for'],
      file: evidenceFile,
    });
    const lines = [
      `attested ${a.item} for ${a.environment} by ${a.by}${a.value ? ` (value ${a.value})` : ''}: ${a.evidence}`,
    ];
    if (a.file) lines.push(`evidence file ${a.file.name} sha256:${a.file.sha256}`);
    if (a.expiresAt)
      lines.push(`valid until ${a.expiresAt}; attest again before then or the item is pending`);
    lines.push(`next: ${statusHint(file, a.environment, values)}`);
    // Evidence, value and --by are the user's text: shown, never acted on by the terminal.
    ctx.io.stdout.write(`${lines.map((l) => displayText(l)).join('\n')}\n`);
    return EXIT.OK;
  },
};

export default command;
