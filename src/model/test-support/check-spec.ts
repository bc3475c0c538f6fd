import { checkSpecOf, parseCheckSettings } from '../check-options.js';
import type { CheckSpec } from '../checklist.js';

/** What a test writes: the kind, its target, and options as an author would write them in YAML. */
export type WrittenCheck = Pick<CheckSpec, 'kind' | 'target'> &
  Partial<Omit<CheckSpec, 'kind' | 'target' | 'timeoutMs' | 'retryDelayMs' | 'window'>>;

/**
 * A CheckSpec as the reader would build it from `written`: the common options go through the model's
 * schema, so tests hold the same typed values (`timeoutMs`, `window`...) as a loaded checklist.
 * Throws on an option the schema refuses: such a check cannot reach the engine.
 */
export function checkSpec(written: WrittenCheck): CheckSpec {
  const { kind, target, options = {}, line = 3, column = 3, file, ...common } = written;
  const parsed = parseCheckSettings(common);
  if ('problems' in parsed) {
    throw new Error(parsed.problems.map((p) => `${p.key}: ${p.message}`).join('; '));
  }
  return checkSpecOf(
    { kind, target, options, line, column, ...(file === undefined ? {} : { file }) },
    parsed.settings,
  );
}
