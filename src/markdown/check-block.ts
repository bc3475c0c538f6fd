import { type CheckSpec, COMMON_CHECK_OPTIONS, type DueSpec } from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import type { ParseError } from '../model/errors.js';
import { parseDue } from './due.js';
import type { YamlSource } from './yaml-source.js';

/** A check block read from YAML, with the options that belong to the item rather than the check. */
export interface ReadCheck {
  /** Null for a block that only says `skip: reason` (the item is not applicable; nothing runs). */
  check: CheckSpec | null;
  due?: DueSpec;
  owner?: string;
  skip?: string;
}

const COMMON = new Set<string>(COMMON_CHECK_OPTIONS);
/** Keys a block without a check may hold: they belong to the item. */
const ITEM_ONLY = new Set(['skip', 'due', 'owner']);

/** A block that says `skip: reason` (and maybe `due:`, `owner:`) alone: the item is skipped, no check. */
function readSkipOnly(
  map: Record<string, unknown>,
  source: Pick<YamlSource, 'error'>,
  path: readonly PropertyKey[],
  errors: ParseError[],
): ReadCheck | undefined {
  const before = errors.length;
  const out: ReadCheck = { check: null };
  const { skip, due, owner } = map;
  if (typeof skip !== 'string' || !skip.trim()) {
    errors.push(
      source.error('skip: give the reason the item does not apply, e.g. skip: no Redis here', [
        ...path,
        'skip',
      ]),
    );
  } else out.skip = skip.trim();
  if (due !== undefined) {
    const parsed = typeof due === 'string' ? parseDue(due) : 'write a date (YYYY-MM-DD) or +14d';
    if (typeof parsed === 'string') errors.push(source.error(`due: ${parsed}`, [...path, 'due']));
    else out.due = parsed;
  }
  if (owner !== undefined) {
    if (typeof owner !== 'string' && typeof owner !== 'number')
      errors.push(source.error('owner: write a single name', [...path, 'owner']));
    else out.owner = String(owner);
  }
  return errors.length === before ? out : undefined;
}
const DURATIONS = ['timeout', 'retry_delay', 'hold', 'every'] as const;

/**
 * Turn a check block map (`{http: URL, expect: [...], timeout: 5s, ...}`) into a CheckSpec: the key
 * naming a registered kind (the first such key) holds the target; common options are validated here; every other key is a
 * kind option (validated later against the kind's schema). Problems go to `errors` at their YAML node.
 * @param path where the map sits in `source` ([] for a check block, [key] for a bindings entry)
 */
export function readCheckMap(
  value: unknown,
  source: Pick<YamlSource, 'error'>,
  path: readonly PropertyKey[],
  kinds: ReadonlySet<string>,
  errors: ParseError[],
  where: { line: number; column: number; file?: string },
): ReadCheck | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push(
      source.error(
        `a check is a YAML map whose one kind key holds the target, e.g. "http: https://example.com"`,
        [...path],
      ),
    );
    return undefined;
  }
  const map = value as Record<string, unknown>;
  const kindKeys = Object.keys(map).filter((key) => kinds.has(key));
  if (kindKeys.length === 0 && 'skip' in map && Object.keys(map).every((k) => ITEM_ONLY.has(k))) {
    return readSkipOnly(map, source, path, errors);
  }
  if (kindKeys.length === 0) {
    const unknown = Object.keys(map).filter((key) => !COMMON.has(key));
    const hint = unknown.length > 0 ? ` ("${unknown[0]}" is not one)` : '';
    const known = [...kinds].sort().join(', ') || '(none registered)';
    errors.push(source.error(`no check kind in check block${hint}; known kinds: ${known}`, [...path]));
    return undefined;
  }
  // The first key naming a kind is the kind; later ones are its options (redis `command:`, command `env:`).
  // A second check mistakenly put in the same block is then reported by the kind's option schema.
  const kind = kindKeys[0]!;
  const before = errors.length;
  const fail = (key: string, message: string) =>
    errors.push(source.error(`${key}: ${message}`, [...path, key]));
  const target = map[kind];
  if (target === null || target === undefined || target === '')
    fail(kind, `the ${kind} check needs a target`);

  const check: CheckSpec = {
    kind,
    target,
    options: {},
    expect: [],
    line: where.line,
    column: where.column,
    ...(where.file === undefined ? {} : { file: where.file }),
  };
  const out: ReadCheck = { check };
  for (const [key, option] of Object.entries(map)) {
    if (key === kind) continue;
    if (!COMMON.has(key)) {
      check.options[key] = option;
      continue;
    }
    switch (key) {
      case 'expect': {
        const list = typeof option === 'string' ? [option] : option;
        if (
          !Array.isArray(list) ||
          list.length === 0 ||
          !list.every((c) => typeof c === 'string' && c.trim())
        ) {
          fail(key, 'write a condition or a list of conditions, e.g. expect: status == 200');
        } else check.expect = list as string[];
        break;
      }
      case 'timeout':
      case 'retry_delay':
      case 'hold':
      case 'every': {
        const text = typeof option === 'number' ? String(option) : option;
        if (typeof text !== 'string') fail(key, 'write a duration such as 10s, 5m or 24h');
        else {
          try {
            parseDuration(text, key);
            check[key as (typeof DURATIONS)[number]] = text;
          } catch (err) {
            errors.push(source.error((err as Error).message, [...path, key]));
          }
        }
        break;
      }
      case 'retries':
        if (!Number.isInteger(option) || (option as number) < 0) fail(key, 'write a whole number such as 2');
        else check.retries = option as number;
        break;
      case 'blocking':
        if (typeof option !== 'boolean') fail(key, 'write true or false');
        else check.blocking = option;
        break;
      case 'tolerance': {
        const match = typeof option === 'string' ? /^(\d+(?:\.\d+)?)\s*%$/.exec(option.trim()) : null;
        if (!match || Number(match[1]) <= 0 || Number(match[1]) > 100) {
          fail(key, 'write the share of window samples that must pass, e.g. 99.9%');
        } else check.tolerance = option as string;
        break;
      }
      case 'due': {
        const due = typeof option === 'string' ? parseDue(option) : 'write a date (YYYY-MM-DD) or +14d';
        if (typeof due === 'string') fail(key, due);
        else out.due = due;
        break;
      }
      case 'skip':
        if (typeof option !== 'string' || !option.trim()) {
          fail(key, 'give the reason the item does not apply, e.g. skip: no Redis in this deployment');
        } else out.skip = option.trim();
        break;
      case 'owner':
      case 'runner':
      case 'name':
        if (typeof option !== 'string' && typeof option !== 'number') fail(key, 'write a single name');
        else if (key === 'owner') out.owner = String(option);
        else check[key] = String(option);
        break;
    }
  }
  return errors.length === before ? out : undefined;
}
