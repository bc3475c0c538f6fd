/**
 * Text shown to people (a terminal, a CI log, a Markdown ticket, a JUnit page) comes from documents,
 * flags and probed systems. Control characters in it can clear a screen, forge links (OSC-8), ring bells
 * or, with bidi overrides, make a name read differently from what it is. They are shown as visible
 * escapes instead, so the reader still sees that something odd was there.
 */

/** C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, lone surrogates. */
const UNSAFE =
  /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Options of {@link displayText}. */
export interface DisplayTextOptions {
  /** Keep line breaks (CRLF and CR become LF): for messages and reasons, not names or one-line fields. */
  multiline?: boolean;
}

/**
 * The one sanitizer for user-controlled display text: controls (ESC, BEL, NUL, C1...) and bidi controls
 * become visible escapes (`\x1b`, `\u202e`); tab stays, line breaks stay only when `multiline`.
 * @example displayText('a\x1b[2Jb\u202e') // 'a\\x1b[2Jb\\u202e'
 */
export function displayText(text: string, opts: DisplayTextOptions = {}): string {
  const source = opts.multiline ? text.replace(/\r\n?/g, '\n') : text;
  return source.replace(UNSAFE, (c) => (opts.multiline && c === '\n' ? c : visible(c)));
}
