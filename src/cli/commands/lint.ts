import {
  type Checklist,
  type CheckSpec,
  type Item,
  phaseOf,
  TASK_LIST_KINDS,
  type Warning,
} from '../../model/checklist.js';
import { displayText as shown } from '../../model/display-text.js';
import { formatDuration } from '../../model/duration.js';
import { ConfigError, ValidationErrors } from '../../model/errors.js';
// suggest.js, not the layer's index: lint needs the rules, not the YAML writer of `gonogo suggest`.
import { suggest } from '../../suggest/suggest.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, type CommandContext, EXIT } from '../context.js';
import { width, wrap } from '../format/wrap.js';
import { terminalWidth } from '../terminal.js';

const USAGE = 'lint FILE [--bind BINDINGS] [--format text|json]';

const lint: Command = {
  usage: [
    `usage: gonogo ${USAGE}`,
    '',
    'Reads FILE (repairing BOM, CRLF and mojibake), finds its items, criteria, sign-off slots and checks,',
    'and reports every problem as file:line:column: message.',
    '',
    '  --bind B      a YAML file mapping item ids (or exact titles) to check blocks',
    '  --format F    text (an outline, default) or json (the checklist model)',
    '',
    'Exit: 0 valid, 2 invalid (including a runner: check whose condition reads a secret value).',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals: rest } = parseArgs(
      args,
      { bind: { type: 'string' }, format: { type: 'string', default: 'text' } },
      USAGE,
    );
    const [file] = positionals(rest, ['FILE'], USAGE);
    const format = values.format;
    if (format !== 'text' && format !== 'json') {
      throw new ConfigError(
        `--format must be text or json, not "${format}"\nusage: gonogo ${USAGE}`,
        'format',
      );
    }
    const loaded = await ctx.services.loadChecklist(file!, values.bind ? { bind: values.bind } : {});
    await refuseUnjudgeableRunnerChecks(loaded, ctx);
    // Warnings that depend on this process's environment are added here, never cached with the parse.
    const checklist = {
      ...loaded,
      warnings: [...loaded.warnings, ...(await notifyWarnings(loaded, ctx.io.env))],
    };
    // Items a `gonogo suggest` rule recognises that have no check yet (the file was just read: it exists).
    const text = await ctx.services.readSource(file!);
    const automatable = suggest(checklist, text).suggestions.length;
    // The JSON model redacts environments and checks, the outline only checks' targets: the redaction
    // rules load only then.
    const needsRedact = format === 'json' || checklist.items.some((i) => i.check);
    const redact: Redact = needsRedact ? (await import('../../engine/redact.js')).redact : unredacted;
    const out =
      format === 'json'
        ? `${JSON.stringify({ ...toJson(checklist, redact), automatable_unbound: automatable }, null, 2)}\n`
        : renderText(checklist, ctx, redact, automatable === 0 ? undefined : { automatable, file: file! });
    ctx.io.stdout.write(out);
    return EXIT.OK;
  },
};

export default lint;

/**
 * A `runner:` check whose condition reads a secret the runner returns only as a fingerprint is `error` at
 * every run: lint says so, located, with the run's own rule (the validator and the kinds load only when
 * the checklist has runner checks; a checklist from the parse cache has not loaded its kinds yet).
 */
async function refuseUnjudgeableRunnerChecks(checklist: Checklist, ctx: CommandContext): Promise<void> {
  const kinds = new Set(
    checklist.items.flatMap((i) => (i.check?.runner === undefined ? [] : [i.check.kind])),
  );
  if (kinds.size === 0) return;
  const [{ validateRunnerChecks }, registry] = await Promise.all([
    import('../../engine/validate.js'),
    ctx.services.registry(),
  ]);
  await registry.load?.([...kinds]);
  const errors = validateRunnerChecks(checklist, registry);
  if (errors.length > 0) throw new ValidationErrors(errors);
}

/**
 * A warning per `notify:` target the service could not use (or would use at a risk), at its line in
 * the document or its bindings file: the service drops such a target with one log line, so lint says so.
 * The rule (and the expansion of `${VAR}` under it) loads only when there are targets.
 */
async function notifyWarnings(
  checklist: Checklist,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Warning[]> {
  if (checklist.notify.length === 0) return [];
  const { resolveNotifyTargets } = await import('../../engine/notify-targets.js');
  const { problems } = resolveNotifyTargets(checklist, env);
  return problems.map((p) => {
    const at = checklist.notify[p.index]?.at ?? { line: 1, column: 1 };
    const effect = p.dropped ? 'this target is not used: nothing is sent to it' : 'it is used';
    return {
      message: `${p.field}: ${p.message}; ${effect}`,
      line: at.line,
      column: at.column,
      ...(at.file === undefined ? {} : { file: at.file }),
    };
  });
}

/** The checklist model as `lint --format json` prints it (DESIGN.md "Command line"), secrets redacted. */
export function toJson(checklist: Checklist, redact: Redact): Record<string, unknown> {
  return {
    id: checklist.id,
    name: checklist.name,
    digest: checklist.digest,
    ...(checklist.file === undefined ? {} : { file: checklist.file }),
    ...(checklist.launch === undefined ? {} : { launch: checklist.launch }),
    environments: redact(checklist.environments),
    policy: checklist.policy,
    ...(checklist.schedule === undefined ? {} : { schedule: checklist.schedule }),
    notify: checklist.notify.map(({ at: _at, ...target }) => ({
      ...target,
      ...(target.slack === undefined ? {} : { slack: hideUnlessReference(target.slack) }),
      ...(target.secret === undefined ? {} : { secret: hideUnlessReference(target.secret) }),
    })),
    signoffs: checklist.signoffs,
    items: checklist.items.map((item) => itemJson(item, redact)),
    sections: checklist.sections,
    warnings: checklist.warnings,
  };
}

function itemJson(item: Item, redact: Redact): Record<string, unknown> {
  return {
    id: item.id,
    title: item.title,
    kind: item.kind,
    section: item.section,
    checked: item.checked,
    blocking: item.blocking,
    phase: phaseOf(item),
    check: item.check ? redact(withoutPositions(item.check)) : null,
    line: item.line,
    column: item.column,
    ...(item.recurs === undefined ? {} : { recurs: item.recurs }),
    ...(item.track === undefined ? {} : { track: item.track }),
    ...(item.polarity === undefined ? {} : { polarity: item.polarity }),
    ...(item.role === undefined ? {} : { role: item.role }),
    ...(item.due === undefined ? {} : { due: item.due }),
    ...(item.owner === undefined ? {} : { owner: item.owner }),
    ...(item.skip === undefined ? {} : { skip: item.skip }),
    description: item.description,
  };
}

const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const hideUnlessReference = (value: string) => (REFERENCE.test(value) ? value : '[redacted]');

/**
 * Passwords in URLs and values shaped like API keys or JWTs never reach the terminal: the engine's
 * redaction (engine/redact.ts) is the one place that knows their shapes.
 */
type Redact = (value: unknown) => unknown;

/** Given where nothing is redacted: an outline without checks shows no value that could hold a secret. */
const unredacted: Redact = (value) => value;

/** The positions of the conditions serve lint's messages; the JSON model stays as it was. */
function withoutPositions(check: CheckSpec): Omit<CheckSpec, 'expectAt'> {
  const { expectAt: _positions, ...rest } = check;
  return rest;
}

function paint(ctx: CommandContext) {
  const on = ctx.io.isTTY && !ctx.io.env.NO_COLOR;
  const wrap = (code: string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { dim: wrap('2'), bold: wrap('1'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36') };
}

function targetText(check: CheckSpec, redact: Redact): string {
  const target = redact(check.target);
  const text = typeof target === 'string' ? target : JSON.stringify(target);
  return text.length > 70 ? `${text.slice(0, 69)}…` : text;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The readable outline `lint` prints: sections, items with ids, titles, kinds and checks (windows marked),
 * warnings, counts, every line fitted to the terminal width.
 * Every name comes from the document, so it is shown as visible escapes, never acted on by the terminal.
 */
export function renderText(
  checklist: Checklist,
  ctx: CommandContext,
  redact: Redact,
  unbound?: { automatable: number; file: string },
): string {
  const c = paint(ctx);
  const cols = terminalWidth(ctx.io);
  const lines: string[] = [];
  // Lines of prose wrap at the edge (continuations indented); one-line labels are shortened with `…`.
  const prose = (text: string, style = (s: string) => s, indent = 2) =>
    lines.push(...wrap(text, indent, 0, cols).map(style));
  lines.push(
    fitLine(
      [
        { text: shown(checklist.name), style: c.bold },
        { text: `(${shown(checklist.id)})`, style: c.dim },
      ],
      cols,
      ' ',
    ),
  );
  lines.push(...wrap(checklist.digest, 0, 0, cols).map(c.dim));
  if (checklist.launch) lines.push(clip(`launch ${shown(checklist.launch)}`, cols));
  prose(`environments: ${shown(Object.keys(checklist.environments).join(', '))}`);
  if (checklist.signoffs.length > 0) prose(`sign-offs required: ${shown(checklist.signoffs.join(', '))}`);
  let previous: string[] = [];
  for (const item of checklist.items) {
    let same = 0;
    while (same < previous.length && same < item.section.length && previous[same] === item.section[same])
      same++;
    for (let depth = same; depth < item.section.length; depth++) {
      lines.push('');
      lines.push(c.bold(clip(`${'  '.repeat(depth)}${shown(item.section[depth]!)}`, cols)));
    }
    if (same === item.section.length && same < previous.length) lines.push('');
    previous = item.section;
    lines.push(...itemLines(item, c, '  '.repeat(item.section.length), cols, redact));
  }
  if (checklist.warnings.length > 0) {
    lines.push('');
    for (const w of checklist.warnings) {
      prose(
        shown(`${w.file ?? checklist.file ?? '<input>'}:${w.line}:${w.column}: warning: ${w.message}`),
        c.yellow,
      );
    }
  }
  lines.push('');
  if (unbound) {
    prose(
      `${plural(unbound.automatable, 'item')} look${unbound.automatable === 1 ? 's' : ''} automatable but ` +
        `${unbound.automatable === 1 ? 'has' : 'have'} no check: run gonogo suggest ${shown(unbound.file)}`,
      c.cyan,
    );
  }
  prose(summary(checklist));
  return `${lines.join('\n')}\n`;
}

/** One piece of an outline line: its plain text and how it is painted. */
interface Part {
  text: string;
  style?: (s: string) => string;
}

/** `text` cut to `cols` columns, its last one `…` when anything was cut. */
function clip(text: string, cols: number): string {
  const chars = [...text];
  return chars.length <= cols ? text : `${chars.slice(0, Math.max(0, cols - 1)).join('')}…`;
}

/**
 * The parts joined by `sep`, cut at `cols` columns: painting is applied after cutting, so an escape
 * sequence never counts as width nor is cut in half.
 */
function fitLine(parts: Part[], cols: number, sep = '  '): string {
  const kept = parts.filter((p) => p.text !== '');
  const plain = kept.map((p) => p.text).join(sep);
  let rest = [...clip(plain, cols)];
  const out: string[] = [];
  for (const [i, part] of kept.entries()) {
    if (i > 0) {
      out.push(rest.slice(0, width(sep)).join(''));
      rest = rest.slice(width(sep));
    }
    const text = rest.slice(0, width(part.text)).join('');
    rest = rest.slice(width(part.text));
    if (text) out.push(part.style ? part.style(text) : text);
    if (rest.length === 0) break;
  }
  return out.join('');
}

/** A title keeps at least this many columns before the marks after it are cut instead. */
const TITLE_MIN = 12;

function itemLines(
  item: Item,
  c: ReturnType<typeof paint>,
  indent: string,
  cols: number,
  redact: Redact,
): string[] {
  const box =
    item.kind === 'criterion'
      ? item.polarity === 'nogo'
        ? 'NO-GO'
        : 'GO'
      : !TASK_LIST_KINDS.has(item.kind)
        ? '-'
        : item.checked
          ? '[x]'
          : '[ ]';
  const head: Part[] = [
    { text: `${indent}${box}`, ...(item.checked ? { style: c.green } : {}) },
    { text: shown(item.id) },
  ];
  const marks: Part[] = [{ text: item.kind === 'task' ? '' : item.kind, style: c.dim }];
  if (phaseOf(item) === 'post-launch') marks.push({ text: 'after launch', style: c.dim });
  if (item.recurs) marks.push({ text: `every ${shown(item.recurs)}`, style: c.dim });
  if (item.role) marks.push({ text: `role ${shown(item.role)}`, style: c.dim });
  if (item.check) {
    marks.push({ text: shown(`${item.check.kind} ${targetText(item.check, redact)}`), style: c.cyan });
    const windowed = windowMark(item.check);
    if (windowed) marks.push({ text: windowed, style: c.cyan });
  }
  if (!item.blocking) marks.push({ text: 'advisory', style: c.yellow });
  if (item.skip) marks.push({ text: `skipped: ${shown(item.skip)}`, style: c.dim });
  if (item.due) marks.push({ text: `due ${shown(item.due.text)}`, style: c.dim });
  if (item.owner) marks.push({ text: `owner ${shown(item.owner)}`, style: c.dim });
  const under = [{ text: `${indent}${' '.repeat(width(box))}` }];
  return layout(head, shown(item.title), marks, under, cols);
}

const used = (parts: Part[]) => parts.filter((p) => p.text !== '').reduce((n, p) => n + width(p.text) + 2, 0);

/**
 * An item's lines: its title takes the room the other parts leave. When that is under TITLE_MIN
 * columns, the marks move to a line of their own under the title (so a check and its window are never
 * cut off), and when even the id leaves no room, the title moves under the id too.
 */
function layout(head: Part[], title: string, marks: Part[], under: Part[], cols: number): string[] {
  const least = Math.min(width(title), TITLE_MIN);
  const room = cols - used([...head, ...marks]);
  if (room >= least) return [fitLine([...head, { text: clip(title, room) }, ...marks], cols)];
  const beside = cols - used(head);
  const marked = marks.some((p) => p.text !== '');
  if (beside >= least || head === under)
    return [
      fitLine([...head, { text: clip(title, Math.max(1, beside)) }], cols),
      ...(marked ? [fitLine([...under, ...marks], cols)] : []),
    ];
  return [fitLine(head, cols), ...layout(under, title, marks, under, cols)];
}

/** `[window 24h, every 1m]` (and the tolerance when not every sample must pass) for a windowed check. */
function windowMark(check: CheckSpec): string | undefined {
  const w = check.window;
  if (!w) return undefined;
  const every = check.every ?? formatDuration(w.everyMs);
  const tolerance =
    w.tolerance < 1 ? `, tolerance ${check.tolerance ?? `${Math.round(w.tolerance * 1000) / 10}%`}` : '';
  return shown(`[window ${w.holdText || formatDuration(w.holdMs)}, every ${every}${tolerance}]`);
}

/** The count line: `27 items (25 task, 2 field), 8 criteria, 4 sign-off slots; 3 checks`. */
export function summary(checklist: Checklist): string {
  const count = (kind: Item['kind']) => checklist.items.filter((i) => i.kind === kind).length;
  const tasks = count('task');
  const fields = count('field');
  const checks = checklist.items.filter((i) => i.check).length;
  const checked = checklist.items.filter((i) => i.checked).length;
  const slots = count('signoff');
  const post = checklist.items.filter((i) => phaseOf(i) === 'post-launch').length;
  const program = [
    ...(count('workstream') > 0 ? [plural(count('workstream'), 'work item')] : []),
    ...(count('review') > 0 ? [plural(count('review'), 'recurring review')] : []),
  ];
  return (
    `${plural(tasks + fields + slots, 'task-list item')} (${tasks} task, ${fields} field, ${slots} sign-off), ` +
    `${count('criterion')} criteria` +
    (program.length > 0 ? `, ${program.join(', ')}` : '') +
    `; ${plural(checks, 'check')}` +
    (checked > 0 ? `; ${checked} checked` : '') +
    (post > 0 ? `; ${post} after launch (never block the verdict)` : '')
  );
}
