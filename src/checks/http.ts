import * as z from 'zod';
import { CheckFailure, defineCheck } from '../engine/check.js';
import { readCa } from './support/ca.js';
import { httpExchange, lowerKeys, originHostPort } from './support/http-client.js';
import { targetSchema } from './support/net.js';

export { displayUrl, MAX_BODY_BYTES } from './support/http-client.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A parsed `[METHOD] URL` target (shared by the attempts of a run: read it, never mutate it). */
export interface HttpTarget {
  readonly method: (typeof METHODS)[number];
  readonly url: URL;
}

/**
 * The `host:port` of the last target parsed, so that the targets of one host hold one string: a run
 * prepares every check before the first runs, and each target would otherwise keep its own copy.
 */
let lastHostPort = '';

/**
 * A target checked when parsed (a run prepares it before its check starts, and a bad one is the item's
 * `error` then) whose `URL` is built from the checked text each time it is read, i.e. when an attempt
 * runs. A run holds every prepared check until it has run: a `URL` each (its context, href and port
 * numbers, ~250 bytes) was copied and promoted with it, to be freed once the check had run (without it a
 * 50,000-item run copies ~8-13 MB and promotes ~8-11 MB less). Not kept once built: the target is old then,
 * and a young URL stored in an old object stays alive through every scavenge until a mark-compact frees
 * that object: kept, it was promoted at the check instead (bench/README "branch prep16").
 */
class CheckedHttpTarget implements HttpTarget {
  readonly method: HttpTarget['method'];
  readonly #text: string;
  readonly #hostPort: string;

  constructor(method: HttpTarget['method'], text: string, hostPort: string) {
    this.method = method;
    this.#text = text;
    this.#hostPort = hostPort;
  }

  /** The URL the text parsed to when checked (a new one each read: the text is known to parse). */
  get url(): URL {
    return new URL(this.#text);
  }

  /** The per-host limiter key, taken from the URL when the target was checked. */
  get hostPort(): string {
    return this.#hostPort;
  }

  /** The JSON of the plain `{ method, url }` this stands for. */
  toJSON(): { method: HttpTarget['method']; url: URL } {
    return { method: this.method, url: this.url };
  }
}

/**
 * Parse an http target: a URL, optionally preceded by a method. The URL is checked now; the value's
 * `url` is built from the checked text each time it is read (see CheckedHttpTarget).
 * @example parseHttpTarget('POST https://example.com/api') // { method: 'POST', url: URL }
 */
export function parseHttpTarget(text: string): HttpTarget {
  const trimmed = text.trim();
  // No space inside: the URL alone (not split into an array of one: a copy of it, a check).
  let method: HttpTarget['method'] = 'GET';
  let raw = trimmed;
  if (/\s/.test(trimmed)) {
    const parts = trimmed.split(/\s+/);
    if (parts.length > 2) {
      throw new CheckFailure(`"${trimmed}" is not "[METHOD] URL"; spaces in a URL must be written %20`);
    }
    method = parts[0]!.toUpperCase() as HttpTarget['method'];
    if (!METHODS.includes(method)) {
      throw new CheckFailure(`unknown HTTP method "${parts[0]}"; use one of ${METHODS.join(', ')}`);
    }
    raw = parts[1]!;
  }
  // The host of the last target checked again (a long checklist names a few hosts, item after item):
  // the same scheme and authority give the same host key, and `canParse` checks the rest as `new URL`
  // would, without building one (its context, href and parts: ~0.2 KB of garbage a check).
  if (lastOrigin !== '' && sameOrigin(raw, lastOrigin) && URL.canParse(raw)) {
    return new CheckedHttpTarget(method, raw, lastHostPort);
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
  lastOrigin = originOf(raw);
  return new CheckedHttpTarget(method, raw, lastHostPort);
}

/**
 * The text of the last target checked with a `URL` up to the end of its authority (`http://127.0.0.1:8080`),
 * whose host key is `lastHostPort`; empty when that text is not plainly `http://` or `https://`, then an
 * authority of printable ASCII (no IDNA, nothing the URL parser strips or maps).
 */
let lastOrigin = '';

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** Whether `c` ends an http(s) URL's authority (the WHATWG parser's authority state): `/`, `\`, `?`, `#`, or the end. */
function endsAuthority(c: number): boolean {
  return c === SLASH || c === BACKSLASH || c === 0x3f || c === 0x23 || Number.isNaN(c);
}

/** Whether `raw` is `origin` (see lastOrigin) followed by the end of the authority. */
function sameOrigin(raw: string, origin: string): boolean {
  return raw.startsWith(origin) && endsAuthority(raw.charCodeAt(origin.length));
}

/** `raw` up to the end of its authority, when it starts plainly (see lastOrigin); else ''. */
function originOf(raw: string): string {
  const from = raw.startsWith('http://') ? 7 : raw.startsWith('https://') ? 8 : -1;
  if (from === -1) return '';
  let end = from;
  for (let c = raw.charCodeAt(end); !endsAuthority(c); c = raw.charCodeAt(++end)) {
    if (c <= 0x20 || c >= 0x7f) return '';
  }
  return end === from ? '' : raw.slice(0, end);
}

/** The per-host limiter key of a target: the one taken when it was checked, else from its URL. */
function hostKeyOf(target: HttpTarget): string {
  return target instanceof CheckedHttpTarget ? target.hostPort : originHostPort(target.url);
}

/** Whether a content type is JSON (`application/json`, `application/problem+json`...). */
function isJson(contentType: string | undefined): boolean {
  return !!contentType && /^[^;]*[/+]json\s*(;|$)/i.test(contentType);
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
  async run({ method, url }, opts, ctx) {
    const res = await httpExchange(
      {
        method,
        url,
        headers: opts.headers,
        body: opts.body,
        followRedirects: opts.followRedirects,
        tlsVerify: opts.tlsVerify,
        ca: opts.ca === undefined ? undefined : await readCa(opts.ca, ctx.baseDir),
      },
      ctx,
    );
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
  },
});
