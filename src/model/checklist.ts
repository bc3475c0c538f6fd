/**
 * The checklist model: what a Markdown checklist means once read. Pure data, no I/O.
 * Contracts: DESIGN.md "Vocabulary" and "Checklist format".
 */

/**
 * `task` (`- [ ]`), `field` (text has a `___` blank), `signoff` (a sign-off slot), `criterion` (GO / NO-GO
 * bullet), `workstream` (a numbered or plain item of a program's day-range section), `review` (a plain
 * bullet of a rhythm section that recurs). Only the first three are task-list items.
 */
export type ItemKind = 'task' | 'field' | 'signoff' | 'criterion' | 'workstream' | 'review';

/** Kinds written as GFM task-list items (`- [ ]`): the ones task-list counts count. */
export const TASK_LIST_KINDS: ReadonlySet<ItemKind> = new Set(['task', 'field', 'signoff']);

/** Before the launch (the item gates it) or after it (the program that follows; never blocks the verdict). */
export type Phase = 'pre-launch' | 'post-launch';

/** Criteria polarity: a GO criterion must hold; a NO-GO criterion names a condition that must not. */
export type Polarity = 'go' | 'nogo';

/** Options every check kind accepts, beside its own (DESIGN.md "Check kinds"). */
export const COMMON_CHECK_OPTIONS = [
  'expect',
  'timeout',
  'retries',
  'retry_delay',
  'blocking',
  'hold',
  'every',
  'tolerance',
  'due',
  'owner',
  'runner',
  'skip',
  'name',
] as const;

/** A window (`hold` + `every` + `tolerance`), in milliseconds; `tolerance` is the share that must pass. */
export interface CheckWindow {
  holdMs: number;
  everyMs: number;
  /** 0 < tolerance <= 1; 1 means every sample must pass. */
  tolerance: number;
  /** The hold as the author wrote it (`24h`), for messages like "window 3h/24h". */
  holdText: string;
}

/**
 * A check bound to an item: the kind, its target, its own options and the common ones. The common
 * options are parsed once, when the checklist is read (model/check-options.ts): the engine reads the
 * typed values (`timeoutMs`, `retries`, `retryDelayMs`, `window`); the texts as written are kept for
 * reports and `lint --format json`.
 */
export interface CheckSpec {
  /** The kind name, e.g. `http`; also the YAML key that holds the target. */
  kind: string;
  /** The value under the kind key: a URL, `host:port`, a command line or argv list... */
  target: unknown;
  /** Kind-specific options (every key that is neither the kind key nor a common option). */
  options: Record<string, unknown>;
  /** CEL conditions; empty means the kind's default expectation. */
  expect: string[];
  /** Per attempt, in milliseconds (default 10s). */
  timeoutMs: number;
  /** Extra attempts after a fail or an error, 0 to 100. */
  retries: number;
  /** Pause between attempts, in milliseconds (default 1s). */
  retryDelayMs: number;
  /** Window: the item passes only when samples cover `holdMs` taken every `everyMs`. */
  window?: CheckWindow;
  /** `false` makes the item advisory. */
  blocking?: boolean;
  runner?: string;
  /** A display name for the check (`name:` in the block). */
  name?: string;
  /** As written: `timeout: 5s`, `retry_delay`, `hold: 24h`, `every: 1m`, `tolerance: 99.9%`. */
  timeout?: string;
  retry_delay?: string;
  hold?: string;
  every?: string;
  tolerance?: string;
  /** Where the check block (or binding) starts, 1-based. */
  line: number;
  column: number;
  /** The file the check came from (the checklist, or a bindings file). */
  file?: string;
  /** Where each `expect` condition is written, in order, so lint points at the one it refuses. */
  expectAt?: { line: number; column: number }[];
}

/** When an item falls due. `date` is absolute (YYYY-MM-DD); offsets count days from `launch`. */
export interface DueSpec {
  /** Absolute due date, YYYY-MM-DD. */
  date?: string;
  /** Days after `launch` by which the item is due (the end of a window like `0–14 days`). */
  offsetDays?: number;
  /** Start of the window in days after launch, when a heading gives a range. */
  fromDays?: number;
  /** What gave the due date: an annotation (`due:`) or a day-range heading. */
  source: 'annotation' | 'heading';
  /** The text as written, for reports: `+14d`, `2026-12-01`, `0–14 Gün (P0)`. */
  text: string;
}

/** One checklist item. */
export interface Item {
  /** Stable id: `<section-slug>/<item-slug>`, or the `{#pin}`. */
  id: string;
  /** Plain text of the item (markup stripped, `{#pin}` and annotations removed). */
  title: string;
  kind: ItemKind;
  /** Heading texts from the outermost to the innermost section holding the item. */
  section: string[];
  /** `[x]` / `[X]` in the document. */
  checked: boolean;
  /** False for advisory items: `(optional)`, `(opsiyonel)`, `(if applicable)` or `blocking: false`. */
  blocking: boolean;
  check: CheckSpec | null;
  /** 1-based position of the item in the source. */
  line: number;
  column: number;
  /** Markdown of the item's nested content (notes, sub-bullets, code blocks) for reports. */
  description: string;
  /** Criteria only. */
  polarity?: Polarity;
  /** Sign-off slots only: the role slug (`engineering`, `security`...). */
  role?: string;
  due?: DueSpec;
  owner?: string;
  /** Marked not applicable, with this reason. */
  skip?: string;
  /** `pre-launch` (the default) gates the launch; `post-launch` never blocks the verdict (DESIGN.md "Phases"). */
  phase?: Phase;
  /** Recurring items: the period, e.g. `7d`; first due one period after launch, then one after each attestation. */
  recurs?: string;
  /** Program work items: the heading enclosing their day-range section (`A) GÜVENİLİRLİK İZİ (SRE / Ops)`). */
  track?: string;
}

/** A heading of the document. */
export interface Section {
  title: string;
  slug: string;
  depth: number;
  line: number;
}

/** A notification target from front matter `notify:`. */
export interface NotifyTarget {
  slack?: string;
  webhook?: string;
  secret?: string;
  events?: string[];
  /** Where the entry is written (the document's front matter or its bindings file), for warnings. */
  at?: { file?: string; line: number; column: number };
}

/** Policy from front matter. */
export interface Policy {
  waiver_max_days: number;
  /** Sign-off roles required for GO. */
  signoffs: string[];
  /** `ready`: a sign-off is refused while anything but sign-offs blocks GO. Absent: any time. */
  signoff_when?: 'any' | 'ready';
  /** One person signs one role, and never where they granted a waiver. */
  distinct_signers?: boolean;
  /** A sign-off given on different evidence than now no longer counts. */
  resign_on_change?: boolean;
  /** The period of a `Regular` item, e.g. `90d` (DEFAULT_REGULAR when unset). */
  regular?: string;
}

/** Default period of an item that recurs "regularly". */
export const DEFAULT_REGULAR = '90d';

/** Something worth telling the author that does not make the checklist invalid. */
export interface Warning {
  message: string;
  line: number;
  column: number;
  /** The file it is in, when not the checklist itself (e.g. its bindings file). */
  file?: string;
}

/** A whole checklist, as read from one Markdown file (plus optional bindings). */
export interface Checklist {
  id: string;
  name: string;
  /** `sha256:<hex>` of the normalised content (and bindings); sign-offs bind to it. */
  digest: string;
  /** The path it was read from, when read from a file. */
  file?: string;
  /** Launch date, YYYY-MM-DD; relative due dates count from it. */
  launch?: string;
  /** Environment name -> variables. A checklist with none has one, `default`. */
  environments: Record<string, Record<string, string>>;
  policy: Policy;
  /** Service schedule: an interval (`5m`) or a cron line. */
  schedule?: string;
  notify: NotifyTarget[];
  /** Process-environment variables (front matter `secrets:`) redacted wherever their values appear. */
  secrets?: string[];
  /** Front matter `badge:`; `public` serves the status badge without a token. */
  badge?: 'public' | 'private';
  /** Front matter `lang:` (BCP 47); when absent the dashboard guesses it from the text. */
  lang?: string;
  sections: Section[];
  items: Item[];
  /** Sign-off roles required (from `policy.signoffs`, else from the sign-off slots). */
  signoffs: string[];
  warnings: Warning[];
}

/** Default waiver limit in days (DESIGN.md "Vocabulary"). */
export const DEFAULT_WAIVER_MAX_DAYS = 30;

/** An item's phase: `pre-launch` unless the document (or front matter) puts it after the launch. */
export function phaseOf(item: Pick<Item, 'phase'>): Phase {
  return item.phase ?? 'pre-launch';
}

/**
 * The check kinds a checklist uses, each once.
 * @example checkKinds(checklist) // ['http', 'postgres']
 */
export function checkKinds(checklist: Pick<Checklist, 'items'>): string[] {
  const kinds = new Set<string>();
  // Indexed: a loop run once per checklist runs unoptimized, where `for...of` allocates a result per item.
  const { items } = checklist;
  for (let i = 0; i < items.length; i++) {
    const check = items[i]!.check;
    if (check) kinds.add(check.kind);
  }
  return [...kinds];
}

/**
 * Let go of the checks' condition positions (`expectAt`) once the checklist is loaded and validated:
 * only validation reads them (lint's messages, and loading's own ValidationErrors), and a run holds its
 * checklist to the end (~0.2 KB an item at 50,000 items: bench/README "branch mem50k"). The field is
 * set to undefined, not deleted, so every check keeps its shape; JSON omits it either way.
 * @example dropConditionPositions(checklist); // before a run, after loadChecklist
 */
export function dropConditionPositions(checklist: Pick<Checklist, 'items'>): void {
  for (const item of checklist.items) {
    if (item.check?.expectAt !== undefined) item.check.expectAt = undefined;
  }
}

/** The stand-ins `dropCheckSpec` puts in place of prepared checks, one per kind, frozen. */
const spentChecks = new Map<string, Readonly<CheckSpec>>();

/**
 * Let go of an item's check spec once a run has prepared its check: the prepared check holds what
 * running it needs (its target and options parsed, its conditions compiled, its window), and after
 * that a run reads an item's check only as "it has one" (decide). The spec, with its target, goes
 * (~0.15 KB an item at 50,000 items: bench/README "branch mem11"); in its place a stand-in of the same
 * kind, shared and frozen, whose other fields say nothing (no target, no options, no conditions). Only
 * for a checklist loaded for that one run (`gonogo run`): the server keeps its checklists' specs.
 * @example dropCheckSpec(item); // after prepareCheck(item, ...)
 */
export function dropCheckSpec(item: Pick<Item, 'check'>): void {
  const kind = item.check?.kind;
  if (kind === undefined) return;
  let spent = spentChecks.get(kind);
  if (!spent) {
    const none = Object.freeze({});
    spent = Object.freeze({
      kind,
      target: undefined,
      options: none,
      expect: Object.freeze([]) as unknown as string[],
      timeoutMs: 0,
      retries: 0,
      retryDelayMs: 0,
      line: 0,
      column: 0,
    });
    spentChecks.set(kind, spent);
  }
  item.check = spent as CheckSpec;
}
