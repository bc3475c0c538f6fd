import * as z from 'zod';
import type { CheckSpec, CheckWindow, DueSpec } from './checklist.js';
import { parseDue } from './due-date.js';
import { parseDuration } from './duration.js';

/**
 * The options every check kind accepts (DESIGN.md "Check kinds"), parsed once when the checklist is
 * read: one schema, one set of limits, typed values (`timeoutMs`, `retries`, `window`...) for the
 * engine, and problems named by option so the reader can locate each at its YAML node.
 */

/** Defaults and limits of the common options (docs/checks.md "Options every kind accepts"). */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_DELAY_MS = 1_000;
export const DEFAULT_EVERY_MS = 60_000;
export const MAX_RETRIES = 100;
/** Timers longer than ~24.8 days overflow in Node and fire at once; a day is already generous. */
export const MAX_WAIT_MS = 86_400_000;

/** The common options of one check block, typed. */
export interface CheckSettings {
  /** CEL conditions; empty means the kind's default expectation. */
  expect: string[];
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  blocking?: boolean;
  window?: CheckWindow;
  runner?: string;
  name?: string;
  due?: DueSpec;
  owner?: string;
  skip?: string;
  /** Durations and the tolerance as written (`5s`, `99.9%`), for reports and `lint --format json`. */
  written: Partial<Record<'timeout' | 'retry_delay' | 'hold' | 'every' | 'tolerance', string>>;
}

/** One problem with one option; `message` does not repeat the option's name. */
export interface OptionProblem {
  key: string;
  message: string;
}

const DURATION_HINT = 'write a duration such as 10s, 5m or 24h';

/** A duration option: its text as written and its milliseconds, within `[min, max]`. */
function duration(key: string, limits: { positive?: boolean; max?: number } = {}) {
  return z.union([z.string(), z.number()], { error: DURATION_HINT }).transform((value, ctx) => {
    const text = String(value);
    let ms: number;
    try {
      ms = parseDuration(text, key);
    } catch (err) {
      // parseDuration names the field itself; the reader adds it again with the location.
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(`${key}: `, '') });
      return z.NEVER;
    }
    if (limits.positive && ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be longer than 0, e.g. 10s' });
      return z.NEVER;
    }
    if (limits.max !== undefined && ms > limits.max) {
      ctx.addIssue({ code: 'custom', message: `${text} is longer than the limit of 24h` });
      return z.NEVER;
    }
    return { text, ms };
  });
}

const TOLERANCE = /^(\d+(?:\.\d+)?)\s*%$/;
const TOLERANCE_HINT =
  'write the share of window samples that must pass, e.g. 99.9% (more than 0%, at most 100%)';
const NAME_HINT = 'write a single name';

/** Runner labels: lower-case letters, digits, `-` and `_` (they name queues and metric labels). */
export const RUNNER_LABEL = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Why a runner label is refused, or undefined when it is fine. */
export function runnerLabelProblem(label: string): string | undefined {
  return RUNNER_LABEL.test(label)
    ? undefined
    : `"${label}" is not a runner label: use lower-case letters, digits, - and _ (at most 63), e.g. prod-vpc`;
}

const nameSchema = () => z.union([z.string(), z.number()], { error: NAME_HINT }).transform(String);

let settingsSchema: ReturnType<typeof buildSettingsSchema> | undefined;

/**
 * The schema of the common options (only those keys: the reader hands the kind's own keys elsewhere),
 * built on first use: most blocks never need it (parseCheckSettings reads the usual ones without zod),
 * and building it cost every load of the parser, checklists without check blocks included.
 */
export const checkSettingsSchema = () => {
  settingsSchema ??= buildSettingsSchema();
  return settingsSchema;
};

const buildSettingsSchema = () =>
  z
    .object({
      expect: z
        .union([z.string(), z.array(z.string())], { error: 'write a condition or a list of conditions' })
        .transform((value) => (typeof value === 'string' ? [value] : value))
        .refine((list) => list.length > 0 && list.every((c) => c.trim() !== ''), {
          error: 'write a condition or a list of conditions, e.g. expect: status == 200',
        })
        .optional(),
      timeout: duration('timeout', { positive: true, max: MAX_WAIT_MS }).optional(),
      retries: z
        .number({ error: `write a whole number from 0 to ${MAX_RETRIES}, such as 2` })
        .int({ error: `write a whole number from 0 to ${MAX_RETRIES}, such as 2` })
        .min(0, { error: `write a whole number from 0 to ${MAX_RETRIES}, such as 2` })
        .max(MAX_RETRIES, { error: `write a whole number from 0 to ${MAX_RETRIES}, such as 2` })
        .optional(),
      retry_delay: duration('retry_delay', { max: MAX_WAIT_MS }).optional(),
      blocking: z.boolean({ error: 'write true or false' }).optional(),
      hold: duration('hold').optional(),
      every: duration('every', { positive: true }).optional(),
      tolerance: z
        .string({ error: TOLERANCE_HINT })
        .transform((text, ctx) => {
          const percent = Number(TOLERANCE.exec(text.trim())?.[1] ?? Number.NaN);
          if (!(percent > 0 && percent <= 100)) {
            ctx.addIssue({ code: 'custom', message: TOLERANCE_HINT });
            return z.NEVER;
          }
          return { text, share: percent / 100 };
        })
        .optional(),
      due: z
        .string({ error: 'write a date (YYYY-MM-DD) or +14d' })
        .transform((text, ctx) => {
          const due = parseDue(text);
          if (typeof due !== 'string') return due;
          ctx.addIssue({ code: 'custom', message: due });
          return z.NEVER;
        })
        .optional(),
      skip: z
        .string({ error: 'give the reason the item does not apply, e.g. skip: no Redis in this deployment' })
        .trim()
        .min(1, { error: 'give the reason the item does not apply, e.g. skip: no Redis in this deployment' })
        .optional(),
      owner: nameSchema().optional(),
      runner: nameSchema()
        .refine((label) => RUNNER_LABEL.test(label), {
          error: (issue) => runnerLabelProblem(String(issue.input)) ?? 'not a runner label',
        })
        .optional(),
      name: nameSchema().optional(),
    })
    .transform((o, ctx): CheckSettings => {
      const settings: CheckSettings = {
        expect: o.expect ?? [],
        timeoutMs: o.timeout?.ms ?? DEFAULT_TIMEOUT_MS,
        retries: o.retries ?? 0,
        retryDelayMs: o.retry_delay?.ms ?? DEFAULT_RETRY_DELAY_MS,
        written: {},
      };
      for (const key of ['timeout', 'retry_delay', 'hold', 'every', 'tolerance'] as const) {
        const text = o[key]?.text;
        if (text !== undefined) settings.written[key] = text;
      }
      if (o.hold) {
        const everyMs = o.every?.ms ?? DEFAULT_EVERY_MS;
        if (o.hold.ms < everyMs) {
          ctx.addIssue({
            code: 'custom',
            path: ['hold'],
            message: `${o.hold.text} is shorter than every: ${o.every?.text ?? '1m'}; a window needs at least one interval`,
          });
          return z.NEVER;
        }
        settings.window = {
          holdMs: o.hold.ms,
          everyMs,
          tolerance: o.tolerance?.share ?? 1,
          holdText: o.hold.text.trim(),
        };
      }
      if (o.blocking !== undefined) settings.blocking = o.blocking;
      if (o.runner !== undefined) settings.runner = o.runner;
      if (o.name !== undefined) settings.name = o.name;
      if (o.due !== undefined) settings.due = o.due;
      if (o.owner !== undefined) settings.owner = o.owner;
      if (o.skip !== undefined) settings.skip = o.skip;
      return settings;
    });

/**
 * Parse the common options of a check block (`{timeout: '5s', retries: 2, hold: '24h'}`): typed
 * settings, or every problem, each naming its option.
 * @example parseCheckSettings({ timeout: '5s' }) // { settings: { timeoutMs: 5000, retries: 0, ... } }
 */
export function parseCheckSettings(
  options: Readonly<Record<string, unknown>>,
): { settings: CheckSettings } | { problems: OptionProblem[] } {
  const quick = onlyConditions(options);
  if (quick) return { settings: quick };
  const parsed = checkSettingsSchema().safeParse(options);
  if (parsed.success) return { settings: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => ({
      key: String(issue.path[0] ?? ''),
      message: issue.message,
    })),
  };
}

/**
 * The settings of the usual block, whose only common option is a valid `expect` (or none), without zod
 * (~15 µs a block, thousands in a flat checklist): what checkSettingsSchema gives for it, every other
 * option at its default (check-options.test.ts compares the two). Undefined for anything else.
 */
function onlyConditions(options: Readonly<Record<string, unknown>>): CheckSettings | undefined {
  let expect: string[] = [];
  for (const key in options) {
    if (key !== 'expect' || !Object.hasOwn(options, key)) return undefined;
    const value = options[key];
    const list = typeof value === 'string' ? [value] : Array.isArray(value) ? [...value] : undefined;
    if (!list?.length || !list.every((c) => typeof c === 'string' && c.trim() !== '')) return undefined;
    expect = list;
  }
  return {
    expect,
    timeoutMs: DEFAULT_TIMEOUT_MS,
    retries: 0,
    retryDelayMs: DEFAULT_RETRY_DELAY_MS,
    written: {},
  };
}

/**
 * The CheckSpec of a block whose common options parsed to `settings` (the item's `due`, `owner` and
 * `skip` are the reader's to place on the item).
 */
export function checkSpecOf(
  parts: Pick<CheckSpec, 'kind' | 'target' | 'options' | 'line' | 'column' | 'file'>,
  settings: CheckSettings,
): CheckSpec {
  return {
    kind: parts.kind,
    target: parts.target,
    options: parts.options,
    expect: settings.expect,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    retryDelayMs: settings.retryDelayMs,
    ...(settings.window ? { window: settings.window } : {}),
    ...(settings.blocking === undefined ? {} : { blocking: settings.blocking }),
    ...(settings.runner === undefined ? {} : { runner: settings.runner }),
    ...(settings.name === undefined ? {} : { name: settings.name }),
    ...settings.written,
    line: parts.line,
    column: parts.column,
    ...(parts.file === undefined ? {} : { file: parts.file }),
  };
}
