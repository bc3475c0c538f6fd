import type { Warning } from '../model/checklist.js';
import { ParseError, type SourcePosition } from '../model/errors.js';
import { type ReadCheck, readCheckMap } from './check-block.js';
import { FRONT_MATTER_KEYS, type FrontMatter, readFrontMatter } from './front-matter.js';
import type { Draft } from './outline.js';
import { repairText } from './repair.js';
import { slugify } from './slug.js';
import { YamlSource } from './yaml-source.js';

/** A check bound from a bindings file, with where its key is written there. */
export interface Binding extends ReadCheck {
  position: SourcePosition;
}

/** A bindings file read as YAML: its front matter keys validated, its item keys still to resolve. */
export interface BindingsFile {
  file: string;
  source: YamlSource;
  /** Item id (or exact title) -> check block, in file order. */
  entries: [string, unknown][];
  /** Front matter written in the bindings file (`environments`, `policy`, `launch`, ...). */
  front?: FrontMatter;
}

/**
 * Read a bindings file: a YAML map from item id (or exact item title) to a check block map, plus any
 * front matter keys (FRONT_MATTER_KEYS), validated here and located in the bindings file.
 */
export function readBindingsFile(
  bindings: { text: string; file: string },
  errors: ParseError[],
  warnings: Warning[],
): BindingsFile | undefined {
  const source = new YamlSource(repairText(bindings.text).text, bindings.file, (line, column) => ({
    line,
    column,
  }));
  const value = source.value();
  errors.push(...source.errors);
  if (source.errors.length > 0 || value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(
      source.error(
        'bindings are a YAML map from item id (or exact title) to a check block, plus front matter keys',
        [],
      ),
    );
    return undefined;
  }
  const all = Object.entries(value as Record<string, unknown>);
  const frontPart = Object.fromEntries(all.filter(([key]) => FRONT_MATTER_KEYS.has(key)));
  const entries = all.filter(([key]) => !FRONT_MATTER_KEYS.has(key));
  if (Object.keys(frontPart).length === 0) return { file: bindings.file, source, entries };
  const found: Warning[] = [];
  const front = readFrontMatter(source, errors, found, frontPart);
  for (const w of found) warnings.push({ ...w, file: bindings.file });
  return front ? { file: bindings.file, source, entries, front } : { file: bindings.file, source, entries };
}

/** Resolve the item keys of a bindings file to items; unknown or ambiguous keys are located errors. */
export function readBindings(
  bindings: BindingsFile,
  drafts: readonly Draft[],
  ids: ReadonlyMap<Draft, string>,
  kinds: ReadonlySet<string>,
  errors: ParseError[],
): Map<Draft, Binding> {
  const out = new Map<Draft, Binding>();
  const { source } = bindings;
  const byId = new Map<string, Draft>();
  for (const [draft, id] of ids) byId.set(id, draft);
  for (const [key, block] of bindings.entries) {
    const position = source.locate([key], 'key');
    const draft = byId.get(key) ?? matchTitle(key, drafts, ids, position, errors);
    if (!draft) continue;
    const previous = out.get(draft);
    if (previous) {
      errors.push(
        new ParseError(
          `item "${ids.get(draft)}" is already bound at line ${previous.position.line}; bind one check per item`,
          position,
        ),
      );
      continue;
    }
    const read = readCheckMap(block, source, [key], kinds, errors, {
      line: position.line,
      column: position.column,
      file: bindings.file,
    });
    if (read) out.set(draft, { ...read, position });
  }
  return out;
}

function matchTitle(
  key: string,
  drafts: readonly Draft[],
  ids: ReadonlyMap<Draft, string>,
  position: SourcePosition,
  errors: ParseError[],
): Draft | undefined {
  const matches = drafts.filter((d) => d.title === key);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const list = matches.map((d) => ids.get(d)).join(', ');
    errors.push(
      new ParseError(`"${key}" is the title of ${matches.length} items (${list}); bind by id`, position),
    );
    return undefined;
  }
  const slug = slugify(key.split('/').pop() ?? key);
  const near = [...ids.values()].filter((id) => slug && id.endsWith(`/${slug}`));
  const hint = near.length > 0 ? `; did you mean ${near.map((id) => `"${id}"`).join(' or ')}?` : '';
  errors.push(
    new ParseError(
      `no item has the id or title "${key}"${hint} (\`gonogo lint FILE --format json\` lists the ids)`,
      position,
    ),
  );
  return undefined;
}
