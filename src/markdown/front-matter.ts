import { Cron } from 'croner';
import * as z from 'zod';
import {
  DEFAULT_REGULAR,
  DEFAULT_WAIVER_MAX_DAYS,
  type NotifyTarget,
  type Phase,
  type Policy,
  type Warning,
} from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import type { ParseError } from '../model/errors.js';
import { isIsoDate } from './due.js';
import type { YamlSource } from './yaml-source.js';

/** Front matter after validation; absent keys stay undefined (readChecklist applies the defaults). */
export interface FrontMatter {
  id?: string;
  name?: string;
  launch?: string;
  environments?: Record<string, Record<string, string>>;
  policy: Policy & { signoffsGiven: boolean };
  schedule?: string;
  notify: NotifyTarget[];
  /** `phases: { post-launch: [heading or id, ...] }`: headings or ids whose items take that phase. */
  phases: Partial<Record<Phase, string[]>>;
  /** Names of process-environment variables whose values are secret wherever they appear. */
  secrets?: string[];
  /** The top-level keys written, so front matter and a bindings file can be merged key by key. */
  keys: string[];
  /** `public`: the status badge is served without a token. */
  badge?: 'public' | 'private';
  /** Language of the document (BCP 47, e.g. `tr`), for the dashboard's `lang` attribute. */
  lang?: string;
}

/**
 * The top-level keys of front matter. A bindings file may hold them too (a third-party document then
 * stays byte for byte untouched); every other key of a bindings file names an item.
 */
export const FRONT_MATTER_KEYS: ReadonlySet<string> = new Set([
  'gonogo',
  'id',
  'name',
  'launch',
  'environments',
  'policy',
  'schedule',
  'notify',
  'phases',
  'secrets',
]);

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ROLE = /^[a-z0-9][a-z0-9-]*$/;
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** A whole number of days, `90d`: recurring items are due by the day. */
function isPeriod(value: string): boolean {
  return /^[1-9]\d{0,3}d$/.test(value);
}

function isSchedule(value: string): boolean {
  try {
    parseDuration(value);
    return true;
  } catch {
    try {
      new Cron(value, { paused: true });
      return true;
    } catch {
      return false;
    }
  }
}

// `object` is z.strictObject to find unknown keys (reported as warnings) or z.object to strip them.
function schema(object: typeof z.strictObject | typeof z.object) {
  const notifyTarget = z.union([
    object({ slack: z.string().min(1) }),
    object({
      webhook: z.string().min(1),
      secret: z.string().min(1).optional(),
      events: z.array(z.string().min(1)).optional(),
    }),
  ]);
  return object({
    gonogo: z.literal(1, { error: 'this gonogo reads format version 1; write `gonogo: 1`' }).optional(),
    id: z
      .string()
      .regex(ID, 'id: use letters, digits, ".", "_" and "-" (it names the checklist in URLs)')
      .optional(),
    name: z.string().min(1).optional(),
    launch: z
      .string()
      .refine(isIsoDate, 'launch: write the launch date as YYYY-MM-DD, e.g. 2026-12-01')
      .optional(),
    environments: z
      .record(
        z.string().regex(ID, 'environment names use letters, digits, ".", "_" and "-"'),
        z
          .record(z.string(), scalar)
          .nullable()
          .transform((vars) => vars ?? {}),
      )
      .optional(),
    policy: object({
      waiver_max_days: z.number().int().positive().optional(),
      signoffs: z
        .array(z.string().regex(ROLE, 'sign-off roles are lower-case slugs such as engineering or security'))
        .optional(),
      signoff_when: z
        .enum(['any', 'ready'], {
          error: 'signoff_when: write ready (sign-offs only once nothing else blocks GO) or any',
        })
        .optional(),
      distinct_signers: z.boolean({ error: 'distinct_signers: write true or false' }).optional(),
      resign_on_change: z.boolean({ error: 'resign_on_change: write true or false' }).optional(),
      regular: z
        .string()
        .refine(isPeriod, 'policy.regular: write the period of a "Regular" item in days, e.g. 90d')
        .optional(),
    }).optional(),
    phases: object({
      'pre-launch': z.array(z.string().min(1)).optional(),
      'post-launch': z.array(z.string().min(1)).optional(),
    }).optional(),
    schedule: z
      .string()
      .refine(isSchedule, 'schedule: write an interval like 5m or a cron line like "*/5 * * * *"')
      .optional(),
    notify: z.array(notifyTarget).optional(),
    badge: z
      .enum(['public', 'private'], { error: 'badge: write `public` (served without a token) or `private`' })
      .optional(),
    lang: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'lang: write a language tag such as en or tr')
      .optional(),
    secrets: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'secrets: list environment variable names such as DB_URL'),
      )
      .optional(),
  });
}

// Built on first use: a checklist without front matter (and a cold `gonogo lint` of one) never needs them.
let schemas: { strict: ReturnType<typeof schema>; lenient: ReturnType<typeof schema> } | undefined;

/**
 * Validate YAML front matter. Unknown keys (another tool's front matter, such as a GitHub issue template's
 * `about`, `title` or `labels`) are warnings; everything else wrong is an error at the YAML node.
 */
export function readFrontMatter(
  source: YamlSource,
  errors: ParseError[],
  warnings: Warning[],
  /** The map to read when it is only part of `source` (the front matter keys of a bindings file). */
  part?: Record<string, unknown>,
): FrontMatter | undefined {
  const raw = part ?? source.value();
  errors.push(...source.errors);
  if (source.errors.length > 0) return undefined;
  if (raw === null || raw === undefined) return emptyFrontMatter();
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(source.error('front matter must be a YAML map of keys such as id, name and launch', []));
    return undefined;
  }
  schemas ??= { strict: schema(z.strictObject), lenient: schema(z.object) };
  const strict = schemas.strict.safeParse(raw);
  let failed = false;
  if (!strict.success) {
    for (const issue of strict.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const where = source.locate([...issue.path, key], 'key');
          const dotted = [...issue.path, key].join('.');
          warnings.push({
            message: `front matter key "${dotted}" is not a gonogo setting and is ignored`,
            line: where.line,
            column: where.column,
          });
        }
      } else if (!isUnionOfUnknownKeys(issue)) {
        failed = true;
        errors.push(source.error(describe(issue), issue.path));
      }
    }
  }
  const parsed = schemas.lenient.safeParse(raw);
  if (failed || !parsed.success) {
    if (!failed && !parsed.success) {
      for (const issue of parsed.error.issues) errors.push(source.error(describe(issue), issue.path));
    }
    return undefined;
  }
  const data = parsed.data;
  for (const [index, target] of (data.notify ?? []).entries()) {
    if ('secret' in target && target.secret && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(target.secret)) {
      const where = source.locate(['notify', index, 'secret']);
      warnings.push({
        message:
          'notify secret is written in the file; reference an environment variable instead, e.g. ${GONOGO_WEBHOOK_SECRET}',
        line: where.line,
        column: where.column,
      });
    }
  }
  return {
    id: data.id,
    name: data.name,
    launch: data.launch,
    environments: data.environments,
    policy: {
      waiver_max_days: data.policy?.waiver_max_days ?? DEFAULT_WAIVER_MAX_DAYS,
      signoffs: data.policy?.signoffs ?? [],
      signoffsGiven: data.policy?.signoffs !== undefined,
      // Set only when written, so checklists without them keep the model they had.
      ...(data.policy?.signoff_when !== undefined ? { signoff_when: data.policy.signoff_when } : {}),
      ...(data.policy?.distinct_signers !== undefined
        ? { distinct_signers: data.policy.distinct_signers }
        : {}),
      ...(data.policy?.resign_on_change !== undefined
        ? { resign_on_change: data.policy.resign_on_change }
        : {}),
      regular: data.policy?.regular ?? DEFAULT_REGULAR,
    },
    schedule: data.schedule,
    notify: (data.notify ?? []).map((t, index) => {
      const where = source.locate(['notify', index]);
      const at = { line: where.line, column: where.column };
      return { ...t, at: where.file === undefined ? at : { file: where.file, ...at } };
    }),
    phases: { ...data.phases },
    ...(data.secrets === undefined ? {} : { secrets: data.secrets }),
    keys: Object.keys(raw).filter((k) => FRONT_MATTER_KEYS.has(k)),
    ...(data.badge === undefined ? {} : { badge: data.badge }),
    ...(data.lang === undefined ? {} : { lang: data.lang }),
  };
}

/**
 * Front matter of the document merged with that of its bindings file: the document wins for every
 * top-level key it writes; the bindings file fills in the rest.
 */
export function mergeFrontMatter(document: FrontMatter, bindings: FrontMatter): FrontMatter {
  const merged: Record<string, unknown> = { ...document };
  const from = bindings as unknown as Record<string, unknown>;
  for (const key of bindings.keys) {
    if (document.keys.includes(key)) continue;
    // `gonogo` is the format version: nothing to carry over.
    if (key !== 'gonogo') merged[key] = from[key];
  }
  merged.keys = [...new Set([...document.keys, ...bindings.keys])];
  return merged as unknown as FrontMatter;
}

/** Front matter of a document that has none. */
export function emptyFrontMatter(): FrontMatter {
  return {
    policy: {
      waiver_max_days: DEFAULT_WAIVER_MAX_DAYS,
      signoffs: [],
      signoffsGiven: false,
      regular: DEFAULT_REGULAR,
    },
    notify: [],
    phases: {},
    keys: [],
  };
}

// A notify entry with an unknown key fails every branch of the union; the lenient pass decides instead.
function isUnionOfUnknownKeys(issue: z.core.$ZodIssue): boolean {
  if (issue.code !== 'invalid_union') return false;
  return issue.errors.some((branch) => branch.every((i) => i.code === 'unrecognized_keys'));
}

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.');
  if (issue.code === 'invalid_union') {
    return `${path}: each notify entry is {slack: URL} or {webhook: URL, secret?, events?}`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  if (path && message.startsWith(`${String(issue.path[issue.path.length - 1])}:`)) return message;
  return path ? `front matter ${path}: ${message}` : `front matter: ${message}`;
}
