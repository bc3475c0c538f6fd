import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Checklist, DueSpec, Item, Phase, Warning } from '../model/checklist.js';
import { ParseError, type ParseErrorData, ValidationErrors } from '../model/errors.js';
import { type Binding, readBindings, readBindingsFile } from './bindings.js';
import type { ReadCheck } from './check-block.js';
import { parseDue } from './due.js';
import { emptyFrontMatter, type FrontMatter, mergeFrontMatter, readFrontMatter } from './front-matter.js';
import { readInlineCheck } from './inline-check.js';
import { checkLimits } from './limits.js';
import { type Draft, isAdvisoryTitle } from './outline.js';
import { outlineMarkdown } from './outline-markdown.js';
import { REPAIR_FILE, repairText } from './repair.js';
import { fold, slugify } from './slug.js';
import { YamlSource } from './yaml-source.js';

/** Input of readChecklist. */
export interface ReadChecklistInput {
  /** The file's raw bytes (repaired on import), or text already decoded. */
  bytes: Uint8Array | string;
  /** Path of the checklist, for error locations and the default id. */
  file?: string;
  /** Registered check kind names: the YAML key of a check block that names one is the kind. */
  kinds: ReadonlySet<string>;
  /** A bindings file (`--bind`): item id or exact title -> check block. */
  bindings?: { text: string; file: string };
}

const PIN_ID = /^[a-z0-9][a-z0-9._/-]{0,119}$/;

/**
 * Read a Markdown checklist (repairing its encoding) into the model. Every problem found is reported at
 * once: throws ValidationErrors (each a ParseError at file:line:column), never anything else.
 * @example const checklist = readChecklist({ bytes: await readFile(file), file, kinds: new Set(['http']) });
 */
export function readChecklist(input: ReadChecklistInput): Checklist {
  try {
    return read(input);
  } catch (err) {
    if (err instanceof ValidationErrors) throw err;
    // A bug must not crash `lint` with a stack trace; it still names the file and asks for a report.
    const reason = err instanceof Error ? err.message : String(err);
    throw new ValidationErrors([
      new ParseError(`gonogo could not read this file (internal error: ${reason}); please report it`, {
        file: input.file,
        line: 1,
        column: 1,
      }),
    ]);
  }
}

/** readChecklist's answer as data: the checklist, or its located problems (ValidationErrors.toData). */
export type ChecklistReply = { checklist: Checklist } | { errors: ParseErrorData[] };

/**
 * readChecklist, its ValidationErrors given back as data: what a worker thread (read-worker.ts) and the
 * build's parser bundle (app/parser-entry.ts) answer. The other side rebuilds them with
 * ValidationErrors.fromData.
 * @example const reply = readChecklistReply(input); if ('errors' in reply) throw ValidationErrors.fromData(reply.errors);
 */
export function readChecklistReply(input: ReadChecklistInput): ChecklistReply {
  try {
    return { checklist: readChecklist(input) };
  } catch (err) {
    if (!(err instanceof ValidationErrors)) throw err;
    return { errors: err.toData() };
  }
}

function read(input: ReadChecklistInput): Checklist {
  const { file } = input;
  const errors: ParseError[] = [];
  const warnings: Warning[] = [];
  const { text, notes } = repairText(input.bytes);
  for (const note of notes) {
    // The note names the command that saves the repair; name this file in it.
    const message = file ? note.message.replace(`repair ${REPAIR_FILE} `, `repair ${file} `) : note.message;
    warnings.push({ message, line: note.line, column: 1 });
  }
  // Before any parsing: a text nested too deep would hold the parser for minutes.
  const tooMuch = checkLimits(text, file);
  if (tooMuch) throw new ValidationErrors([tooMuch]);
  // Items come piece by piece as the Markdown is parsed (and its tree dropped). A long text is read in a
  // worker thread by readChecklistAsync (read-in-worker.ts), which runs this very function.
  const drafts: Draft[] = [];
  const markdown = outlineMarkdown(text, (batch) => {
    for (const draft of batch) drafts.push(draft);
  });

  let front: FrontMatter = emptyFrontMatter();
  if (markdown.frontMatter !== undefined) {
    // The YAML starts on the line after the opening `---`.
    const source = new YamlSource(markdown.frontMatter, file, (line, column) => ({ line: line + 1, column }));
    front = readFrontMatter(source, errors, warnings) ?? front;
  }
  warnings.push(...markdown.warnings);
  // Front matter first (the document's, then what its bindings file adds): the checklist id it may
  // set is the prefix of the item ids the bindings file's keys name.
  const bindings = input.bindings ? readBindingsFile(input.bindings, errors, warnings) : undefined;
  if (bindings?.front) front = mergeFrontMatter(front, bindings.front);
  const id = front.id ?? defaultId(file);
  const ids = assignIds(drafts, slugify(id) || 'checklist', file, errors);
  const bound = bindings
    ? readBindings(bindings, drafts, ids, input.kinds, errors)
    : new Map<Draft, Binding>();

  // Lines are needed to locate a condition or an error inside a check block: where each starts is found
  // once, when the first one is, and a line is cut out when asked (splitting the text would keep a
  // string per line alive through the whole read: 25,000 of them in a flat 5,000-item checklist).
  let starts: number[] | undefined;
  const lineAt = (index: number) => {
    starts ??= lineStarts(text);
    const from = starts[index];
    if (from === undefined) return '';
    const next = starts[index + 1];
    return text.slice(from, next === undefined ? text.length : next - 1);
  };
  const inline = new Map<Draft, ReadCheck>();
  for (const draft of drafts) {
    const check = readInlineCheck(draft, { file, kinds: input.kinds, lineAt }, errors);
    if (check) inline.set(draft, check);
  }

  for (const [draft, binding] of bound) {
    if (draft.checkBlocks.length > 0) {
      errors.push(
        new ParseError(
          `item "${ids.get(draft)}" already has a check block at ${file ?? '<input>'}:${draft.checkBlocks[0]!.position?.start.line}; remove one of the two`,
          binding.position,
        ),
      );
    }
  }

  const items: Item[] = [];
  for (const draft of drafts) {
    const check = inline.get(draft) ?? bound.get(draft);
    const item = toItem(draft, ids.get(draft)!, check, file, errors);
    if (draft.recurs) item.recurs = draft.recurs === 'regular' ? front.policy.regular : draft.recurs;
    items.push(item);
  }
  applyPhases(items, front.phases, warnings);
  const relative = items.filter((item) => item.due && item.due.date === undefined);
  if (relative.length > 0 && !front.launch) {
    warnings.push({
      message:
        `${relative.length} item(s) are due relative to launch (first: "${relative[0]!.id}", ${relative[0]!.due!.text}) ` +
        'but the front matter has no launch date; add `launch: YYYY-MM-DD` to track them',
      line: relative[0]!.line,
      column: relative[0]!.column,
    });
  }

  if (errors.length > 0) throw new ValidationErrors(sortErrors(errors));

  const slots = items.filter((i) => i.kind === 'signoff' && i.role).map((i) => i.role!);
  const environments =
    front.environments && Object.keys(front.environments).length > 0 ? front.environments : { default: {} };
  const { signoffsGiven, ...policy } = front.policy;
  return {
    id,
    name: front.name ?? markdown.h1 ?? id,
    digest: digestOf(text, input.bindings?.text),
    ...(file === undefined ? {} : { file }),
    ...(front.launch === undefined ? {} : { launch: front.launch }),
    environments,
    policy,
    ...(front.schedule === undefined ? {} : { schedule: front.schedule }),
    ...(front.secrets === undefined ? {} : { secrets: front.secrets }),
    ...(front.badge === undefined ? {} : { badge: front.badge }),
    ...(front.lang === undefined ? {} : { lang: front.lang }),
    notify: front.notify,
    sections: markdown.sections,
    items,
    signoffs: signoffsGiven ? policy.signoffs : [...new Set(slots)],
    warnings: warnings.sort((a, b) => a.line - b.line || a.column - b.column),
  };
}

function defaultId(file: string | undefined): string {
  if (!file) return 'checklist';
  return slugify(basename(file).replace(/\.(md|markdown)$/i, '')) || 'checklist';
}

/**
 * `<section-slug>/<item-slug>` (`fallback` for the section above the first heading), `{#pins}` first, `-2`,
 * `-3` for duplicates in document order.
 */
function assignIds(
  drafts: Draft[],
  fallback: string,
  file: string | undefined,
  errors: ParseError[],
): Map<Draft, string> {
  const ids = new Map<Draft, string>();
  const taken = new Map<string, Draft>();
  for (const draft of drafts) {
    if (draft.pin === undefined) continue;
    const where = { file, line: draft.line, column: draft.column };
    if (!PIN_ID.test(draft.pin)) {
      errors.push(
        new ParseError(
          `{#${draft.pin}} is not a usable id: use lower-case letters, digits, ".", "_", "-", "/"`,
          where,
        ),
      );
      continue;
    }
    const other = taken.get(draft.pin);
    if (other) {
      errors.push(
        new ParseError(`id "${draft.pin}" is already pinned by the item at line ${other.line}`, where),
      );
      continue;
    }
    taken.set(draft.pin, draft);
    ids.set(draft, draft.pin);
  }
  for (const draft of drafts) {
    if (ids.has(draft)) continue;
    const base = `${draft.sectionSlug ?? fallback}/${slugify(draft.slugText) || 'item'}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.set(id, draft);
    ids.set(draft, id);
  }
  return ids;
}

/** Where each line of `text` starts (a line per `\n`, as `text.split('\n')` cuts it). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function toItem(
  draft: Draft,
  id: string,
  read: ReadCheck | undefined,
  file: string | undefined,
  errors: ParseError[],
): Item {
  const check = read?.check ?? null;
  const item: Item = {
    id,
    title: draft.title,
    kind: draft.kind,
    section: draft.section,
    checked: draft.checked,
    blocking: !(isAdvisoryTitle(draft.title) || check?.blocking === false),
    check,
    line: draft.line,
    column: draft.column,
    description: draft.description,
    phase: draft.phase,
  };
  if (draft.track !== undefined) item.track = draft.track;
  if (draft.polarity) item.polarity = draft.polarity;
  if (draft.role) item.role = draft.role;
  let due: DueSpec | undefined = read?.due;
  const note = draft.annotation;
  if (!due && note?.due !== undefined) {
    const parsed = parseDue(note.due);
    if (typeof parsed === 'string')
      errors.push(new ParseError(parsed, { file, line: note.line, column: note.column }));
    else due = parsed;
  }
  due ??= draft.window;
  if (due) item.due = due;
  const owner = read?.owner ?? note?.owner;
  if (owner !== undefined) item.owner = owner;
  if (read?.skip !== undefined) item.skip = read.skip;
  return item;
}

/**
 * Front matter `phases:` wins over the headings: each entry names an item id or a heading, and every item
 * under that heading takes the phase. An entry that names nothing is a warning (a typo would go unseen).
 */
function applyPhases(items: Item[], phases: Partial<Record<Phase, string[]>>, warnings: Warning[]): void {
  const norm = (s: string) => fold(s).replace(/\s+/g, ' ').trim();
  for (const phase of ['pre-launch', 'post-launch'] as const) {
    for (const entry of phases[phase] ?? []) {
      const wanted = norm(entry);
      const hits = items.filter((i) => i.id === entry || i.section.some((h) => norm(h) === wanted));
      for (const item of hits) item.phase = phase;
      if (hits.length === 0) {
        warnings.push({
          message: `phases.${phase}: "${entry}" is neither an item id nor a heading of this checklist`,
          line: 1,
          column: 1,
        });
      }
    }
  }
}

/** `sha256:` of the normalised text (LF, repaired) and the bindings, if any. */
function digestOf(text: string, bindings: string | undefined): string {
  const hash = createHash('sha256').update(text, 'utf8');
  if (bindings !== undefined) hash.update('\0bindings\0').update(repairText(bindings).text, 'utf8');
  return `sha256:${hash.digest('hex')}`;
}

function sortErrors(errors: ParseError[]): ParseError[] {
  return [...errors].sort(
    (a, b) =>
      (a.position.file ?? '').localeCompare(b.position.file ?? '') ||
      a.position.line - b.position.line ||
      a.position.column - b.position.column,
  );
}
