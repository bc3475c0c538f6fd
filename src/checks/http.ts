import * as z from 'zod';
import { type CheckContext, CheckFailure, defineCheck, type Observation } from '../engine/check.js';
import { readCa } from './support/ca.js';
import {
  type HttpExchange,
  type HttpRequest,
  httpExchange,
  lowerKeys,
  originHostPort,
  type PlainUrl,
} from './support/http-client.js';
import { targetSchema } from './support/net.js';

export { displayUrl, MAX_BODY_BYTES } from './support/http-client.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A parsed `[METHOD] URL` target (shared by the attempts of a run: read it, never mutate it). */
export interface HttpTarget {
  readonly method: (typeof METHODS)[number];
  readonly url: URL;
}

/**
 * The `host:port` and origin of the last target parsed, so that the targets of one host hold one string
 * each: a run prepares every check before the first runs, and each target would otherwise keep its own copy.
 */
let lastHostPort = '';
let lastOrigin = '';
/** The host key of `lastOrigin` (a pair with it: `lastHostPort` may since be another target's). */
let lastOriginHostPort = '';

/**
 * A target checked when parsed (a run prepares it before its check starts, and a bad one is the item's
 * `error` then) whose `URL` is built from the checked text each time it is read. A run holds every prepared
 * check until it has run: a `URL` each (its context, href and port numbers, ~250 bytes) was copied and
 * promoted with it, to be freed once the check had run (without it a 50,000-item run copies ~8-13 MB and
 * promotes ~8-11 MB less). Not kept once built: the target is old then, and a young URL stored in an old
 * object stays alive through every scavenge until a mark-compact frees that object: kept, it was promoted
 * at the check instead (bench/README "branch prep16").
 *
 * A text that is its URL's origin, path and query exactly (no credentials, no fragment, nothing the parse
 * would rewrite) is sent as those parts of the text (`PlainUrl`): such a request builds no URL at all (its
 * parse and the origin's getters were ~0.5 KB of garbage a check; bench/README "branch flight18").
 */
class CheckedHttpTarget implements HttpTarget {
  readonly #text: string;
  /** Method, host key and origin: one object for a row of targets that have them alike (see placeOf). */
  readonly #place: Place;

  constructor(method: HttpTarget['method'], text: string, hostPort: string, origin: string) {
    this.#text = text;
    this.#place = placeOf(method, hostPort, origin);
  }

  get method(): HttpTarget['method'] {
    return this.#place.method;
  }

  /** The URL the text parsed to when checked (a new one each read: the text is known to parse). */
  get url(): URL {
    return new URL(this.#text);
  }

  /** The per-host limiter key, taken from the URL when the target was checked. */
  get hostPort(): string {
    return this.#place.hostPort;
  }

  /** The target as a request's URL: its text's parts when they are the URL's, else the URL. */
  get request(): URL | PlainUrl {
    return this.#place.origin === '' ? this.url : this;
  }

  /** The URL's origin (a PlainUrl's: read only when the text is plain). */
  get origin(): string {
    return this.#place.origin;
  }

  /** The URL's `pathname + search`, as the text has them (a PlainUrl's: read only when the text is plain). */
  get path(): string {
    return this.#text.slice(this.#place.origin.length);
  }

  /** The JSON of the plain `{ method, url }` this stands for. */
  toJSON(): { method: HttpTarget['method']; url: URL } {
    return { method: this.method, url: this.url };
  }
}

/** What a checked target holds besides its text (CheckedHttpTarget). */
interface Place {
  readonly method: HttpTarget['method'];
  readonly hostPort: string;
  readonly origin: string;
}

let lastPlace: Place = Object.freeze({ method: 'GET', hostPort: '', origin: '' });

/**
 * The last place made when it has these values, else a new one (frozen, shared): the targets of a long
 * checklist are mostly of one method and one origin, and a run holds them all (16 bytes a target less,
 * bench/README "branch open21").
 */
function placeOf(method: HttpTarget['method'], hostPort: string, origin: string): Place {
  if (lastPlace.method !== method || lastPlace.hostPort !== hostPort || lastPlace.origin !== origin)
    lastPlace = Object.freeze({ method, hostPort, origin });
  return lastPlace;
}

/** The URL's origin when `text` is exactly its origin, path and query (see CheckedHttpTarget), else ''. */
function plainOrigin(text: string, url: URL): string {
  const origin = url.origin;
  const { pathname, search } = url;
  const plain =
    text.length === origin.length + pathname.length + search.length &&
    text.startsWith(origin) &&
    text.startsWith(pathname, origin.length) &&
    text.endsWith(search);
  if (!plain) return '';
  if (origin !== lastOrigin) lastOrigin = origin;
  return lastOrigin;
}

/**
 * Parse an http target: a URL, optionally preceded by a method. The URL is checked now; the value's
 * `url` is built from the checked text each time it is read (see CheckedHttpTarget).
 * @example parseHttpTarget('POST https://example.com/api') // { method: 'POST', url: URL }
 */
export function parseHttpTarget(text: string): HttpTarget {
  const trimmed = text.trim();
  // No space inside: the URL alone (split would copy it into an array of one).
  const parts = /\s/.test(trimmed) ? trimmed.split(/\s+/) : [trimmed];
  if (parts.length > 2) {
    throw new CheckFailure(`"${trimmed}" is not "[METHOD] URL"; spaces in a URL must be written %20`);
  }
  const method = (parts.length === 2 ? parts[0]!.toUpperCase() : 'GET') as HttpTarget['method'];
  if (!METHODS.includes(method)) {
    throw new CheckFailure(`unknown HTTP method "${parts[0]}"; use one of ${METHODS.join(', ')}`);
  }
  const raw = parts[parts.length - 1]!;
  // The last plain target's origin, then a path and query the URL parser keeps as written: that URL's
  // origin, host key and plainness, known without building it (see keptAsWritten).
  if (lastOrigin !== '' && raw.startsWith(lastOrigin) && keptAsWritten(raw, lastOrigin.length)) {
    return new CheckedHttpTarget(method, raw, lastOriginHostPort, lastOrigin);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CheckFailure(`"${raw}" is not an absolute URL; write it like https://example.com/health`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckFailure(
      `"${url.protocol}" URLs are not supported by http checks; use http:// or https://`,
    );
  }
  const hostPort = originHostPort(url);
  if (hostPort !== lastHostPort) lastHostPort = hostPort;
  const origin = plainOrigin(raw, url);
  if (origin !== '') lastOriginHostPort = lastHostPort;
  return new CheckedHttpTarget(method, raw, lastHostPort, origin);
}

const SLASH = 0x2f;
const DOT = 0x2e;
const QUESTION = 0x3f;

/**
 * Whether `text` from `from` on is a path (and query) that a special URL keeps exactly as written: it
 * starts with `/`, holds only letters, digits and `-._~!$&()*+,;=:@/?` (nothing the parser
 * percent-encodes, no `%` escape, no `\`, no fragment, no space), no path segment starting with a dot
 * (so no `.` or `..` segment to remove), and no empty query (a bare `?` is dropped). Text after an
 * origin is then that URL's authority, path and query: the origin's URL with this path is valid, and
 * its `pathname + search` are this text. Anything else is parsed by a `URL`, as every target was: a
 * prepared http check built one only to learn these (~0.8 KB of garbage a check, bench/README "branch open19").
 */
function keptAsWritten(text: string, from: number): boolean {
  if (text.charCodeAt(from) !== SLASH) return false;
  let query = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SLASH) {
      if (!query && text.charCodeAt(i + 1) === DOT) return false;
    } else if (c === QUESTION) {
      query = true;
    } else if (!PLAIN[c]) return false;
  }
  return text.charCodeAt(text.length - 1) !== QUESTION;
}

/** The characters keptAsWritten allows besides `/` and `?`, by code (ASCII only). */
const PLAIN: readonly boolean[] = Array.from({ length: 128 }, (_, c) =>
  /[A-Za-z0-9\-._~!$&()*+,;=:@]/.test(String.fromCharCode(c)),
);

/** The per-host limiter key of a target: the one taken when it was checked, else from its URL. */
function hostKeyOf(target: HttpTarget): string {
  return target instanceof CheckedHttpTarget ? target.hostPort : originHostPort(target.url);
}

/** The last content type found to be JSON: a server answers with one type (no pattern test a response). */
let jsonType = '';

/** Whether a content type is JSON (`application/json`, `application/problem+json`...). */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  if (contentType === jsonType) return true;
  if (!/^[^;]*[/+]json\s*(;|$)/i.test(contentType)) return false;
  jsonType = contentType;
  return true;
}

const headerValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** The options as a request needs them: lower-case header names, the body as text with its type. */
export interface HttpOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly followRedirects: boolean;
  readonly tlsVerify: boolean;
  /** A PEM text or the path of a PEM file (read when the check runs). */
  readonly ca?: string;
}

const options = z
  .strictObject({
    /** Request headers; values may be numbers or booleans in YAML. */
    headers: z.record(z.string(), headerValue).optional(),
    /** A string is sent as is; a YAML map or list is sent as JSON. */
    body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    follow_redirects: z.boolean().default(false),
    tls_verify: z.boolean().default(true),
    ca: z.string().trim().min(1).optional(),
  })
  .transform((o): HttpOptions => {
    const headers = lowerKeys(o.headers ?? {});
    let body: string | undefined;
    if (typeof o.body === 'string') body = o.body;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    return {
      headers,
      ...(body === undefined ? {} : { body }),
      followRedirects: o.follow_redirects,
      tlsVerify: o.tls_verify,
      ...(o.ca === undefined ? {} : { ca: o.ca }),
    };
  });

export default defineCheck({
  kind: 'http',
  summary: 'Send an HTTP request and observe the status, headers, body and latency of the response.',
  target: targetSchema(parseHttpTarget, 'http needs a target: [METHOD] URL, e.g. https://example.com/health'),
  options,
  variables: {
    status: { type: 'int', description: 'HTTP status code of the (last) response.' },
    headers: {
      type: 'map<string, string>',
      description: 'Response headers, lower-case names; repeated headers joined with ", ".',
    },
    body: {
      type: 'dyn',
      description: 'The body parsed as JSON when the content type is JSON, else the body text.',
    },
    text: { type: 'string', description: 'The raw body text (at most 1 MiB).' },
    truncated: { type: 'bool', description: 'The body was longer than 1 MiB and was cut.' },
    latency_ms: {
      type: 'double',
      description: 'Milliseconds from sending the request to the end of the body.',
    },
    location: { type: 'string', description: 'The Location header ("" when none).' },
  },
  defaultExpect: ['status >= 200 && status < 300'],
  hostKey: hostKeyOf,
  run(target, opts, ctx) {
    const req: HttpRequest = {
      method: target.method,
      url: target instanceof CheckedHttpTarget ? target.request : target.url,
      headers: opts.headers,
      body: opts.body,
      followRedirects: opts.followRedirects,
      tlsVerify: opts.tlsVerify,
    };
    if (opts.ca !== undefined) return withCa(req, opts.ca, ctx);
    // No async frame: the request's promise and one `then` (a run's checks are made of these).
    return httpExchange(req, ctx).then(observed);
  },
});

/** A request whose CA is read (or taken as PEM) when its check runs. */
async function withCa(req: HttpRequest, ca: string, ctx: CheckContext): Promise<Observation> {
  return observed(await httpExchange({ ...req, ca: await readCa(ca, ctx.baseDir) }, ctx));
}

/** The http kind's observation of an exchange. */
function observed(res: HttpExchange): Observation {
  let parsed: unknown = res.text;
  if (isJson(res.headers['content-type']) && !res.truncated && res.text !== '') {
    try {
      parsed = JSON.parse(res.text);
    } catch {
      // A server that labels broken JSON as JSON: conditions on `text` still work, `body` stays text.
      parsed = res.text;
    }
  }
  return {
    status: res.status,
    headers: res.headers,
    body: parsed,
    text: res.text,
    truncated: res.truncated,
    latency_ms: res.latencyMs,
    location: res.headers.location ?? '',
  };
}
