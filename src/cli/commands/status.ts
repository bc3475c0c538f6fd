import { displayText } from '../../model/display-text.js';
import { evaluateStored, resolveEnvironment } from '../../usecases/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, EXIT } from '../context.js';
import { colorWanted, FORMAT_NAMES, getFormat, writeReport } from '../format/index.js';
import { applyOnly, parseOnly } from '../report-filter.js';
import { envOf, nextCommand } from '../state-command.js';
import { terminalWidth } from '../terminal.js';

const usage =
  'status FILE [--env E] [--format text|json|junit|markdown] [--bind B] [--only failing] [--db PATH|URL]';

/** `gonogo status`: the verdict from stored state (last run, attestations, waivers, sign-offs); runs nothing. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  --env E         environment (default: the checklist's first)
  --format F      ${FORMAT_NAMES.join(', ')} (default text)
  --only failing  list only what blocks GO (blocking items not passed, missing sign-offs)
Check items take their status from the latest stored run (\`gonogo run\`); exit 0 GO, 1 NO-GO.`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        env: { type: 'string' },
        format: { type: 'string' },
        bind: { type: 'string' },
        only: { type: 'string' },
      },
      usage,
    );
    const [file] = positionals(pos, ['FILE'], usage) as [string];
    const format = await getFormat(values.format ?? 'text');
    const only = parseOnly(values.only);
    const checklist = await ctx.services.loadChecklist(file, values.bind ? { bind: values.bind } : {});
    const environment = resolveEnvironment(checklist, await envOf(values.env, checklist, ctx));
    const store = await ctx.services.openStore();
    const {
      evaluation,
      report: full,
      latest,
    } = await evaluateStored({ store, now: () => ctx.services.now() }, { checklist, environment });
    const color = format.name === 'text' && colorWanted(ctx.io.env, ctx.io.isTTY);
    const report = applyOnly(full, only);
    await writeReport(format, report, { color, width: terminalWidth(ctx.io) }, (text) =>
      ctx.io.stdout.write(text),
    );
    if (format.name === 'text') {
      const hasChecks = checklist.items.some((i) => i.check);
      if (hasChecks && !latest) {
        ctx.io.stderr.write(
          `${displayText(`no stored run yet for ${environment}: run \`${nextCommand('run', file, environment, values)}\``)}\n`,
        );
      } else if (latest && latest.digest !== checklist.digest) {
        ctx.io.stderr.write(
          `the latest run (#${latest.id}, ${latest.finishedAt}) checked an earlier version of the checklist; run it again: ${nextCommand('run', file, environment, values)}\n`,
        );
      }
    }
    return evaluation.verdict === 'GO' ? EXIT.GO : EXIT.NO_GO;
  },
};

export default command;
