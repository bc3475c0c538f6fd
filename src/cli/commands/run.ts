import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RunReport } from '../../engine/report.js';
import type { RunProgress } from '../../engine/run-checklist.js';
import { checkKinds } from '../../model/checklist.js';
import { displayText } from '../../model/display-text.js';

import { ConfigError } from '../../model/errors.js';
import { personActor, resolveEnvironment, runChecks } from '../../usecases/index.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, type CommandContext, EXIT } from '../context.js';
import { summaryLine } from '../format/formatter.js';
import { colorWanted, FORMAT_NAMES, fileWriter, getFormat, writeReport } from '../format/index.js';
import { applyOnly, parseOnly } from '../report-filter.js';
import { growOldGeneration, growYoungGeneration, setRunFlags } from '../run-flags.js';
import { envOf } from '../state-command.js';
import { terminalWidth } from '../terminal.js';

const USAGE =
  'run FILE [--env E] [--bind B] [--format text|json|junit|markdown] [--out F] [--wait] [--only failing]';

const HELP = `usage: gonogo ${USAGE}

Run every check of the checklist FILE for one environment, apply the stored attestations, waivers and
sign-offs, store the run and print the report.

  --env E       environment from the front matter (default: the first one, or "default")
  --bind B      YAML file binding item ids or titles to checks, for a document you do not edit
  --format F    ${FORMAT_NAMES.join(' | ')} (default text)
  --out F       write the report to F and print a one-line verdict instead
  --wait        keep sampling windowed checks (hold:) until every window is decided
  --only failing  list only what blocks GO: failing, erroring and pending blocking items and missing
                sign-offs (summary, verdict and reasons stay whole)
  --db PATH|URL store (default .gonogo/gonogo.db; or GONOGO_DB)

Exit: 0 GO, 1 NO-GO, 2 usage or configuration error.`;

/**
 * A live progress line on stderr ("checking 37/120 · 3 failing"), redrawn in place and erased at the
 * end so the report starts on a clean terminal. Redraws are spaced out: a 5,000-item run would
 * otherwise spend its time painting.
 */
function progressLine(stderr: CommandContext['io']['stderr']) {
  let failing = 0;
  let last = 0;
  let shown = false;
  return {
    update(p: RunProgress) {
      if (p.status === 'fail' || p.status === 'error') failing += 1;
      const now = Date.now();
      if (p.done < p.total && now - last < 80) return;
      last = now;
      shown = true;
      stderr.write(`\r\x1b[2Kchecking ${p.done}/${p.total} · ${failing} failing`);
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
    },
  };
}

/** The store's page cache for a run (SQLite; KiB). */
const RUN_PAGE_CACHE_KIB = 2000;

const run: Command = {
  usage: HELP,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        env: { type: 'string' },
        bind: { type: 'string' },
        format: { type: 'string', default: 'text' },
        out: { type: 'string' },
        wait: { type: 'boolean', default: false },
        only: { type: 'string' },
      },
      USAGE,
    );
    const [file] = positionals(pos, ['FILE'], USAGE) as [string];
    const format = await getFormat(values.format);
    const only = parseOnly(values.only);
    const { io, services } = ctx;

    // Loaded by the path as typed, so reports name the file the way the user wrote it. Loaded means
    // validated: nothing in the run reads the conditions' positions again (from the cache, never built).
    const checklist = await services.loadChecklist(file, {
      positions: false,
      ...(values.bind ? { bind: values.bind } : {}),
    });
    // Checked before the store opens: a typo in --env must not leave a half-started run behind.
    const environment = resolveEnvironment(checklist, await envOf(values.env, checklist, ctx));
    // The run writes its results in one transaction and exits: SQLite's 2 MB default page cache, not the
    // driver's 16 MB (bench/README "branch warmmem").
    const [registry, store] = await Promise.all([
      services.registry(),
      services.openStore({ pageCacheKiB: RUN_PAGE_CACHE_KIB }),
    ]);
    await registry.load?.(checkKinds(checklist));
    // The queue is opened only for a checklist that sends checks to runners (pg-boss costs a pool).
    const bound = checklist.items.some((i) => i.check?.runner !== undefined && i.skip === undefined);
    const runners = bound ? await services.runnerQueue() : undefined;

    const progress = format.name === 'text' && io.isTTY ? progressLine(io.stderr) : undefined;
    // The run's V8 flags, now that its code and checklist are loaded (run-flags.ts), until its report is out.
    const restoreFlags = setRunFlags(io.env);
    try {
      // Only the report is kept: the run's outcomes and evaluation may be collected while it is written.
      let full: RunReport;
      try {
        // The person at the terminal runs the checks; the stored trigger stays `cli`.
        const useCases = { store, now: () => services.now(), ...(runners ? { runners } : {}) };
        ({ report: full } = await runChecks(useCases, personActor('cli'), {
          checklist,
          environment,
          registry,
          env: io.env,
          baseDir: dirname(resolve(io.cwd, file)),
          trigger: 'cli',
          wait: values.wait,
          // Loaded for this run alone: each check's spec goes once prepared (run-checklist.ts).
          dropSpecs: true,
          // A long run's young generation grows once as its checks start, and its old generation may
          // grow further after a mark-compact (run-flags.ts).
          onChecksStart: (checks: number) => {
            growYoungGeneration(checks);
            growOldGeneration(checks, io.env);
          },
          ...(progress ? { onProgress: (p: RunProgress) => progress.update(p) } : {}),
        }));
      } finally {
        progress?.clear();
      }
      const report = applyOnly(full, only);

      if (values.out) {
        const target = resolve(io.cwd, values.out);
        try {
          await mkdir(dirname(target), { recursive: true });
          const handle = await open(target, 'w');
          try {
            await writeReport(
              format,
              report,
              { color: false, width: terminalWidth(io) },
              fileWriter(handle.fd),
            );
          } finally {
            await handle.close();
          }
        } catch (err) {
          throw new ConfigError(`cannot write the report to ${values.out}: ${(err as Error).message}`, 'out');
        }
        const line =
          `${report.verdict} ${report.checklist.id} (${environment}): ${summaryLine(report)}; ` +
          `${report.reasons.length} reason(s). ${format.name} report written to ${values.out}`;
        io.stdout.write(`${displayText(line)}\n`);
      } else {
        const color = format.name === 'text' && colorWanted(io.env, io.isTTY);
        await writeReport(format, report, { color, width: terminalWidth(io) }, (text) =>
          io.stdout.write(text),
        );
      }
      return report.verdict === 'GO' ? EXIT.GO : EXIT.NO_GO;
    } finally {
      restoreFlags();
    }
  },
};

export default run;
