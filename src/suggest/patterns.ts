/** Text patterns several rules share: variable names, endpoint paths, leading verbs. */

/** An environment variable name (at least one `_`, so `HTTPS` or `CORS` are not taken) or such a glob. */
export const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:_\*)?$|^[A-Z][A-Z0-9]*_\*$/;
const ENV_NAME_IN_TEXT = /(?<![\w$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:[A-Z0-9]+|\*)(?![\w])/g;

/** Variable names an item names: in code spans first, else written bare in the text; deduplicated. */
export function envNames(codes: readonly string[], text: string): string[] {
  const fromCode = codes.filter((c) => ENV_NAME.test(c));
  const names = fromCode.length > 0 ? fromCode : [...text.matchAll(ENV_NAME_IN_TEXT)].map((m) => m[0]);
  return [...new Set(names)];
}

/** An HTTP path (`/api/health/live`, `/healthz`), optionally after a method. */
export const ENDPOINT = /(?:\b(GET|POST|PUT|PATCH|DELETE|HEAD)\s+)?(\/(?:[\w.~-]+\/?)*[\w.~-]*)/;

/** Lower-case text with Turkish dotted/dotless i folded, for keyword tests. */
export function fold(text: string): string {
  return text.replace(/İ/g, 'i').replace(/I/g, 'ı').toLocaleLowerCase('tr').replace(/ı/g, 'i');
}
