import { checkSpecOf, parseCheckSettings } from '../model/check-options.js';
import { type CheckSpec, COMMON_CHECK_OPTIONS, type DueSpec } from '../model/checklist.js';
import type { ParseError } from '../model/errors.js';
import { didYouMean } from '../model/suggest.js';
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
  const parsed = parseCheckSettings(map);
  if ('problems' in parsed) {
    for (const { key, message } of parsed.problems)
      errors.push(source.error(`${key}: ${message}`, [...path, key]));
    return undefined;
  }
  const { settings } = parsed;
  return {
    check: null,
    ...(settings.skip === undefined ? {} : { skip: settings.skip }),
    ...(settings.due === undefined ? {} : { due: settings.due }),
    ...(settings.owner === undefined ? {} : { owner: settings.owner }),
  };
}

/**
 * Turn a check block map (`{http: URL, expect: [...], timeout: 5s, ...}`) into a CheckSpec: the key
 * naming a registered kind (the first such key) holds the target; the common options are parsed here, once,
 * by the model's schema (typed values in the CheckSpec); every other key is a kind option (validated later
 * against the kind's schema). Problems go to `errors` at their YAML node.
 * @param path where the map sits in `source` ([] for a check block, [key] for a bindings entry)
 */
export function readCheckMap(
  value: unknown,
  source: Pick<YamlSource, 'error' | 'locate'>,
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
    const hint =
      unknown.length > 0
        ? ` ("${unknown[0]}" is not one${didYouMean(unknown[0]!, kinds).replace(' did', '; did')})`
        : '';
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

  const common: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(map)) {
    if (key === kind) continue;
    if (COMMON.has(key)) common[key] = option;
    else options[key] = option;
  }
  const parsed = parseCheckSettings(common);
  if ('problems' in parsed) {
    // In the order the author wrote the options, each at its own YAML node.
    const order = Object.keys(map);
    const problems = [...parsed.problems].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
    for (const { key, message } of problems) fail(key, message);
    return undefined;
  }
  if (errors.length > before) return undefined;
  const { settings } = parsed;
  const check = checkSpecOf({ kind, target, options, ...where }, settings);
  if (check.expect.length > 0) {
    // Each condition's own place (a one-line `expect: cond` is located at the key), for lint messages.
    const listed = Array.isArray(map.expect);
    check.expectAt = check.expect.map((_, i) => {
      const { line, column } = source.locate(listed ? [...path, 'expect', i] : [...path, 'expect']);
      return { line, column };
    });
  }
  return {
    check,
    ...(settings.due === undefined ? {} : { due: settings.due }),
    ...(settings.owner === undefined ? {} : { owner: settings.owner }),
    ...(settings.skip === undefined ? {} : { skip: settings.skip }),
  };
}
