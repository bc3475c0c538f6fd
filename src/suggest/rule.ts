import type { ItemKind } from '../model/checklist.js';

/** What a rule reads of one item: its plain title and its source text with the Markdown kept. */
export interface ItemText {
  id: string;
  kind: ItemKind;
  /** Plain text (markup stripped), as the model holds it. */
  title: string;
  /** The item's first source line after the list marker and the task box, backticks kept. */
  source: string;
  /** Inline code spans of `source`, in order. */
  codes: string[];
  /** Inline code spans of the item's description (nested bullets), in order. */
  detailCodes: string[];
  /** Heading texts from the outermost to the innermost. */
  section: string[];
}

/** A check block a rule proposes, as YAML keys: the kind key with its target, options, `expect`. */
export type CheckBlock = Record<string, unknown>;

/** One proposal: the check and why (which text matched), plus the `${NAME}`s it needs set. */
export interface Proposal {
  check: CheckBlock;
  /** The text of the item that made the rule fire, quoted in the output's comment. */
  matched: string;
  /** A remark for the reader of the bindings file (what to review), when there is one. */
  note?: string;
}

/** One recognition rule: a small, deterministic matcher over item text (no network, no model). */
export interface Rule {
  /** Equals the file name (`env-assignment.ts` -> `env-assignment`). */
  name: string;
  /** One line for docs: what it recognises and what it proposes. */
  summary: string;
  match(item: ItemText): Proposal | undefined;
}

/** Placeholders suggested checks use, with what to set them to. */
export const PLACEHOLDERS: Record<string, string> = {
  BASE_URL: 'base URL of the application, e.g. https://example.com',
  HOST: 'host name the application is served at, e.g. example.com',
  DATABASE_URL: 'connection URL of the database, e.g. postgres://user@db:5432/app',
  REDIS_URL: 'connection URL of Redis, e.g. redis://cache:6379',
};

/** The `${NAME}` placeholders a check block refers to, sorted. */
export function placeholdersOf(check: CheckBlock): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(check).matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) names.add(m[1]!);
  return [...names].sort();
}

/** A CEL string literal. JSON's escapes are CEL's for every character JSON emits. */
export const celString = (s: string): string => JSON.stringify(s);

/** A CEL literal for a value written in a checklist: `true`, `200`, or a quoted string. */
export function celLiteral(raw: string): string {
  const t = raw.trim();
  const quoted = t.match(/^(["'`])(.*)\1$/);
  if (quoted) return celString(quoted[2]!);
  const v = t;
  if (v === 'true' || v === 'false' || v === 'null') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return v;
  return celString(v);
}
