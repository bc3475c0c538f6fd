import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { CheckContext } from '../engine/check.js';
import { CheckFailure, defineCheck } from '../engine/check.js';
import { abortMessage, describeNetworkError, elapsedMs, errorCode, targetSchema } from './support/net.js';
import { readCa } from './tls.js';

/** Bodies are read up to this size; the rest is discarded and `truncated` is set. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Sockets per origin: the engine bounds concurrency per host, this only caps what one pool may open. */
const CONNECTIONS_PER_ORIGIN = 32;
const MAX_REDIRECTS = 10;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A parsed `[METHOD] URL` target (shared between callers: read it, never mutate it). */
export interface HttpTarget {
  readonly method: (typeof METHODS)[number];
  readonly url: URL;
}

/**
 * Parse an http target: a URL, optionally preceded by a method.
 * @example parseHttpTarget('POST https://example.com/api') // { method: 'POST', url: URL }
 */
export function parseHttpTarget(text: string): HttpTarget {
  let parsed = parsedTargets.get(text);
  if (!parsed) {
    parsed = parseUncached(text);
    if (parsedTargets.size >= MAX_PARSED_TARGETS) parsedTargets.clear();
    parsedTargets.set(text, parsed);
  }
  return parsed;
}

/**
 * Targets parsed before, by text: a target is parsed when the checklist is validated, when its check is
 * prepared, for its host key and when it runs. The result is shared: never mutate its URL (copy it).
 */
const parsedTargets = new Map<string, HttpTarget>();
const MAX_PARSED_TARGETS = 10_000;

function parseUncached(text: string): HttpTarget {
  const trimmed = text.trim();
  const parts = trimmed.split(/\s+/);
  if (parts.length > 2) {
    throw new CheckFailure(`"${trimmed}" is not "[METHOD] URL"; spaces in a URL must be written %20`);
  }
  const method = (parts.length === 2 ? parts[0]!.toUpperCase() : 'GET') as HttpTarget['method'];
  if (!METHODS.includes(method)) {
    throw new CheckFailure(`unknown HTTP method "${parts[0]}"; use one of ${METHODS.join(', ')}`);
  }
  const raw = parts[parts.length - 1]!;
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
  return { method, url };
}

/** A URL fit for messages: no credentials, no query string (tokens often travel there). */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** What one HTTP exchange returned. */
export interface HttpExchange {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  truncated: boolean;
  latencyMs: number;
}

/** How to make one HTTP request. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  followRedirects?: boolean;
  tlsVerify?: boolean;
  /** PEM of the CA(s) to trust instead of the system's. */
  ca?: string;
}

// One agent per TLS setting, shared by all checks of the process, so a run of many items against one
// origin reuses a bounded pool of keep-alive sockets instead of opening one per item.
const dispatchers = new Map<string, Dispatcher>();

/**
 * The parts of undici a check needs: the pooling Agent and the redirect interceptor. They are imported
 * from undici's own modules, not its index, which loads fetch, WebSocket, the cache stores and the mocks
 * too (about a third of the start-up of a run of http checks). undici has no `exports` map, so these
 * paths are reachable; `http.test.ts` runs both.
 */
interface Undici {
  Agent: typeof import('undici').Agent;
  redirect: typeof import('undici').interceptors.redirect;
}

/** undici, imported on first use (commands that run no http check never load it), then kept. */
let undici: Promise<Undici> | undefined;
const loadUndici = () => {
  undici ??= Promise.all([
    import('undici/lib/dispatcher/agent.js'),
    import('undici/lib/interceptor/redirect.js'),
  ]).then(([agent, redirect]) => ({
    // CommonJS modules: `default` is module.exports whether Node's loader or the bundle imports them.
    Agent: agent.default,
    redirect: redirect.default,
  }));
  return undici;
};

function dispatcherKey(req: HttpRequest): string {
  return `${req.tlsVerify ?? true}\0${req.followRedirects ?? false}\0${req.ca ?? ''}`;
}

async function dispatcherFor(req: HttpRequest): Promise<Dispatcher> {
  const verify = req.tlsVerify ?? true;
  const key = dispatcherKey(req);
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    const { Agent, redirect } = await loadUndici();
    const agent = new Agent({
      connections: CONNECTIONS_PER_ORIGIN,
      connect: { rejectUnauthorized: verify, ...(req.ca ? { ca: req.ca } : {}) },
    });
    dispatcher = req.followRedirects ? agent.compose(redirect({ maxRedirections: MAX_REDIRECTS })) : agent;
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

const TLS_ADVICE = 'give the CA with `ca:` (path or PEM), or set `tls_verify: false` for a test endpoint';

/** Say why a request failed, in the user's terms. */
function describeHttpError(err: unknown, url: URL): string {
  const where = displayUrl(url);
  const code = errorCode(err) ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS certificate of ${where} does not name ${url.hostname} (${code}); use a name the certificate lists, or fix the certificate`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return `TLS verification of ${where} failed: ${message} (${code}); ${TLS_ADVICE}`;
  }
  if (/redirect/i.test(message)) {
    return `${where}: the redirects loop or go on for more than ${MAX_REDIRECTS} hops; check the Location headers, or set \`follow_redirects: false\` and assert on \`location\``;
  }
  return describeNetworkError(err, originHostPort(url));
}

/** `host:port` of a URL's origin, with the scheme's default port spelled out. */
function originHostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

/**
 * An emitter that says `abort` when `signal` does. Attempts that start together share one AbortSignal
 * (engine/deadlines.ts), and adding and removing an emitter's listener costs a fraction of an
 * AbortSignal's: each request listens to the emitter, the emitter alone to the signal.
 */
const emitters = new WeakMap<AbortSignal, EventEmitter>();
function abortEmitter(signal: AbortSignal): EventEmitter {
  let emitter = emitters.get(signal);
  if (!emitter) {
    const e = new EventEmitter();
    // One listener per request in flight on the shared signal: by design, not a leak.
    e.setMaxListeners(0);
    signal.addEventListener('abort', () => e.emit('abort'), { once: true });
    emitters.set(signal, e);
    emitter = e;
  }
  return emitter;
}

/** What a response gave: status, headers and the body as text (cut at MAX_BODY_BYTES). */
interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  truncated: boolean;
}

/**
 * One request through undici's dispatch API, the body collected in memory. undici's `request()` wraps
 * each response in a Readable stream and an async resource; a check only ever wants the whole body (up
 * to 1 MiB), and without the stream 5,000 requests take about a quarter less time.
 * Stops when `signal` aborts (rejecting with the signal's reason) and, past MAX_BODY_BYTES, stops
 * reading: the body so far is the answer, `truncated` says so, and the connection is dropped.
 */
function dispatchRequest(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  signal: AbortSignal,
): Promise<Received> {
  return new Promise<Received>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const collector = new BodyCollector(signal, resolve, reject);
    try {
      dispatcher.dispatch(opts, collector);
    } catch (err) {
      collector.onResponseError(undefined, err as Error);
    }
  });
}

/** undici's handler for one request: collects the response and settles the request's promise once. */
class BodyCollector implements Dispatcher.DispatchHandler {
  #chunks: Buffer[] = [];
  #size = 0;
  #status = 0;
  #headers: Received['headers'] = {};
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  readonly #aborts: EventEmitter;
  readonly #onAbort = () => {
    this.#controller?.abort(this.signal.reason);
    if (this.#settle()) this.reject(this.signal.reason);
  };

  constructor(
    private readonly signal: AbortSignal,
    private readonly resolve: (received: Received) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.#aborts = abortEmitter(signal);
    this.#aborts.on('abort', this.#onAbort);
  }

  /** Marks the request settled; false if it was already. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#aborts.removeListener('abort', this.#onAbort);
    return true;
  }

  #received(truncated: boolean): Received {
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return { status: this.#status, headers: this.#headers, text: body.toString('utf8'), truncated };
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) controller.abort(this.signal.reason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Received['headers'],
  ): void {
    if (statusCode < 200) return; // 1xx: the final response follows
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    if (this.#size + chunk.length > MAX_BODY_BYTES) {
      this.#chunks.push(chunk.subarray(0, MAX_BODY_BYTES - this.#size));
      if (this.#settle()) this.resolve(this.#received(true));
      controller.abort(new Error('response body over the size gonogo reads'));
      return;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  onResponseEnd(): void {
    if (this.#settle()) this.resolve(this.#received(false));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.#settle()) this.reject(err);
  }
}

/**
 * Make one HTTP request through a shared, bounded pool; honours `ctx.signal`. Throws CheckFailure with a
 * message saying what went wrong (refused, timeout, TLS) and what to do.
 */
export async function httpExchange(req: HttpRequest, ctx: CheckContext): Promise<HttpExchange> {
  const dispatcher = dispatchers.get(dispatcherKey(req)) ?? (await dispatcherFor(req));
  const headers = lowerKeys(req.headers ?? {});
  headers['user-agent'] ??= 'gonogo';
  let url = req.url;
  // undici does not send URL credentials: turn them into Basic auth, as curl does.
  if (url.username || url.password) {
    headers.authorization ??= `Basic ${Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString('base64')}`;
    url = new URL(url);
    url.username = '';
    url.password = '';
  }
  const started = performance.now();
  try {
    const res = await dispatchRequest(
      dispatcher,
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body ?? null,
      },
      ctx.signal,
    );
    const latencyMs = elapsedMs(started);
    return {
      status: res.status,
      headers: joinHeaders(res.headers),
      text: res.text,
      truncated: res.truncated,
      latencyMs,
    };
  } catch (err) {
    if (ctx.signal.aborted) {
      throw new CheckFailure(abortMessage(ctx.signal, `${req.method} ${displayUrl(url)}`, ctx.timeoutMs));
    }
    if (err instanceof CheckFailure) throw err;
    throw new CheckFailure(describeHttpError(err, url));
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (Object.hasOwn(headers, name)) out[name.toLowerCase()] = headers[name]!;
  return out;
}

function joinHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** Whether a content type is JSON (`application/json`, `application/problem+json`...). */
function isJson(contentType: string | undefined): boolean {
  return !!contentType && /^[^;]*[/+]json\s*(;|$)/i.test(contentType);
}

const headerValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const options = z.strictObject({
  /** Request headers; values may be numbers or booleans in YAML. */
  headers: z.record(z.string(), headerValue).optional(),
  /** A string is sent as is; a YAML map or list is sent as JSON. */
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  follow_redirects: z.boolean().default(false),
  tls_verify: z.boolean().default(true),
  ca: z.string().trim().min(1).optional(),
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
  hostKey(target) {
    try {
      return originHostPort(parseHttpTarget(target).url);
    } catch {
      return undefined;
    }
  },
  async run(target, opts, ctx) {
    const { method, url } = parseHttpTarget(target);
    const headers = lowerKeys(opts.headers ?? {});
    let body: string | undefined;
    if (typeof opts.body === 'string') body = opts.body;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await httpExchange(
      {
        method,
        url,
        headers,
        body,
        followRedirects: opts.follow_redirects,
        tlsVerify: opts.tls_verify,
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
