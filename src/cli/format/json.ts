import type { Formatter } from './formatter.js';

/** `text` (pretty JSON of a value one level down) with each line after the first indented by `pad`. */
function indented(text: string, pad: string): string {
  // JSON text holds no raw line break inside a string (they are escaped), so every \n starts a line.
  return text.replaceAll('\n', `\n${pad}`);
}

/**
 * Elements of a top-level array written per piece: about 32 KB of report items. Text over ~128 KB is
 * allocated in V8's large-object space, which only a full collection frees: pieces of 256 items
 * (~260 KB) stayed there until the process ended, ~50 MB more RSS for a 50,000-item report. Pieces this
 * small die young.
 */
export const ELEMENTS_PER_PIECE = 32;
const NESTED_OPEN = '[\n  [';
const NESTED_CLOSE = '\n  ]\n]';
/** The 0 put before a later piece's elements, as JSON.stringify writes it there. */
const LEADING_ZERO = '\n    0';

/**
 * `JSON.stringify(value, null, 2)` of a plain object, in pieces: each top-level key on its own, and a
 * top-level array (the report's items) ELEMENTS_PER_PIECE elements at a time, so no piece holds more.
 * Anything with a `toJSON` of its own is written in one piece, as JSON.stringify writes it.
 * @example [...prettyPieces({ a: [1, { b: 2 }] })].join('') === JSON.stringify({ a: [1, { b: 2 }] }, null, 2)
 */
export function* prettyPieces(value: object): Generator<string> {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || Array.isArray(value)) {
    yield JSON.stringify(value, null, 2);
    return;
  }
  const record = value as Record<string, unknown>;
  let first = true;
  yield '{';
  for (const key of Object.keys(record)) {
    const field = record[key];
    const head = `${first ? '\n' : ',\n'}  ${JSON.stringify(key)}: `;
    if (
      Array.isArray(field) &&
      field.length > 0 &&
      typeof (field as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      first = false;
      yield `${head}[`;
      for (let i = 0; i < field.length; i += ELEMENTS_PER_PIECE) {
        // The elements one level deeper than a top-level key, as JSON.stringify indents them there (its
        // own output, no re-indenting): `[\n  [` + `\n    el,\n    el` + `\n  ]\n]`, cut to the middle.
        // After the first piece, a 0 goes before the elements and the cut starts at the comma that
        // follows it: the piece is one cut of the engine's text, never a ',' joined to it, which the
        // report's writer would copy whole again to encode (a 50,000-item report: ~53 MB).
        const part = field.slice(i === 0 ? 0 : i - 1, i + ELEMENTS_PER_PIECE);
        if (i > 0) part[0] = 0;
        const text = JSON.stringify([part], null, 2);
        yield text.slice(NESTED_OPEN.length + (i > 0 ? LEADING_ZERO.length : 0), -NESTED_CLOSE.length);
      }
      yield '\n  ]';
      continue;
    }
    const text = JSON.stringify(field, null, 2) as string | undefined;
    // JSON.stringify leaves out a key whose value has no JSON (undefined, a function).
    if (text === undefined) continue;
    first = false;
    yield `${head}${indented(text, '  ')}`;
  }
  yield first ? '}' : '\n}';
}

/** The report as pretty JSON and a final line break, in pieces. */
function* reportPieces(report: object): Generator<string> {
  yield* prettyPieces(report);
  yield '\n';
}

/** The RunReport as is: the JSON contract of `run` and `status` (DESIGN.md "Command line"). */
const json: Formatter = {
  name: 'json',
  summary: 'the report as JSON (verdict, environment, checklist, summary, items, reasons, signoffs)',
  render: (report) => [...reportPieces(report)].join(''),
  pieces: reportPieces,
};

export default json;
