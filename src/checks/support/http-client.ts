import type { Dispatcher } from 'undici';
import type { CheckContext } from '../../engine/check.js';
import { CheckFailure } from '../../engine/check.js';
import { hasOwnKeys } from '../../model/own-keys.js';
import { joinHeaders, ownHeaders, PLAIN_HEADERS, type RawValue } from './http-headers.js';
import { type InFlight, requestsOn } from './in-flight.js';
import { abortMessage, describeNetworkError, elapsedMs, errorCode } from './net.js';

export { lowerKeys } from './http-headers.js';

/**
 * The HTTP client of the kinds that speak HTTP (`http`, `prometheus`): one bounded pool of keep-alive
 * sockets per TLS setting, shared by every check of the process, and one request at a time collected
 * in memory, with messages that say what went wrong in the user's terms.
 */

/** Bodies are read up to this size; the rest is discarded and `truncated` is set. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Sockets per origin: the engine bounds concurrency per host, this only caps what one pool may open. */
const CONNECTIONS_PER_ORIGIN = 32;
const MAX_REDIRECTS = 10;

/**
 * undici's own limits on waiting for a response's headers and between its body's chunks (its defaults,
 * 5 minutes each), given only to a request whose check may outlast them. A check's deadline (`ctx.signal`)
 * ends every shorter request first, and undici arms a timer per request for these limits: an object
 * kept in its timer list until that list's next sweep, up to a second later, so a long run promoted one
 * per request (bench/README "branch tenure14"). Off on the pool (0), set on the request that needs them.
 */
const UNDICI_WAIT_MS = 300_000;
const LONG_WAIT = { headersTimeout: UNDICI_WAIT_MS, bodyTimeout: UNDICI_WAIT_MS };

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

/**
 * A request's URL as text parts known to equal the URL's own (`origin`, `pathname + search`) and to hold no
 * credentials: a request made from them builds no `URL` (its parse and the origin's getters: ~0.5 KB of
 * garbage a request); `url` builds one for a message (bench/README "branch flight18").
 */
export interface PlainUrl {
  readonly origin: string;
  readonly path: string;
  readonly url: URL;
}

/** How to make one HTTP request. */
export interface HttpRequest {
  method: string;
  url: URL | PlainUrl;
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

/** The parts of undici a check needs: the pooling Agent, the redirect interceptor, its header names. */
interface Undici {
  Agent: typeof import('undici').Agent;
  redirect: typeof import('undici').interceptors.redirect;
  headerName: (raw: Buffer) => string;
}

/**
 * undici's Agent and redirect interceptor, imported on first use (commands that run no http check never
 * load them), then kept. Imported from their own files rather than undici's index, which loads the rest of
 * undici (fetch, WebSocket, caches, mocks: about four fifths of its code) for nothing: these are the very
 * modules the index re-exports (`Agent`, `interceptors.redirect`), and `dispatch` and `compose` are the
 * Dispatcher's own methods (the index adds only the `request()`-style API, which a check does not use).
 */
let undici: Promise<Undici> | undefined;
const loadUndici = () => {
  undici ??= Promise.all([
    import('undici/lib/dispatcher/agent.js'),
    import('undici/lib/interceptor/redirect.js'),
    import('undici/lib/core/util.js'),
  ]).then(([agent, redirect, util]) => {
    loaded = {
      Agent: agent.default,
      redirect: redirect.default,
      headerName: util.default.headerNameToString,
    };
    return loaded;
  });
  return undici;
};
/** undici once loaded (a request needs its header names, which the first request loads). */
let loaded: Undici | undefined;

/** The keys without a CA, made once: a per-request template string is one more allocation per check. */
const PLAIN_KEYS = ['false\0false\0', 'false\0true\0', 'true\0false\0', 'true\0true\0'];

function dispatcherKey(req: HttpRequest): string {
  const verify = req.tlsVerify ?? true;
  const follow = req.followRedirects ?? false;
  if (!req.ca) return PLAIN_KEYS[(verify ? 2 : 0) + (follow ? 1 : 0)]!;
  return `${verify}\0${follow}\0${req.ca}`;
}

async function dispatcherFor(req: HttpRequest): Promise<Dispatcher> {
  const verify = req.tlsVerify ?? true;
  const key = dispatcherKey(req);
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    const { Agent, redirect } = await loadUndici();
    const agent = new Agent({
      connections: CONNECTIONS_PER_ORIGIN,
      headersTimeout: 0,
      bodyTimeout: 0,
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
export function originHostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

/**
 * The resolving functions of the promise being made (its executor runs at once, inside `new Promise`):
 * one executor for every request, not a closure each.
 */
let resolving: ((received: HttpExchange) => void) | undefined;
let rejecting: ((err: unknown) => void) | undefined;
const capture = (resolve: (received: HttpExchange) => void, reject: (err: unknown) => void): void => {
  resolving = resolve;
  rejecting = reject;
};

/**
 * One request through undici's dispatch API, the body collected in memory. undici's `request()` wraps
 * each response in a Readable stream and an async resource; a check only ever wants the whole body (up
 * to 1 MiB), and without the stream 5,000 requests take about a quarter less time.
 * Stops when `signal` aborts and, past MAX_BODY_BYTES, stops reading: the body so far is the answer,
 * `truncated` says so, and the connection is dropped. Rejects with the CheckFailure that says why.
 */
function dispatchRequest(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  exchange: Exchange,
  headerName: (raw: Buffer) => string,
): Promise<HttpExchange> {
  const promise = new Promise<HttpExchange>(capture);
  const resolve = resolving!;
  const reject = rejecting!;
  resolving = rejecting = undefined;
  const signal = exchange.ctx.signal;
  if (signal.aborted) {
    reject(failure(signal.reason, exchange));
    return promise;
  }
  const collector = new BodyCollector(exchange, resolve, reject, headerName);
  try {
    dispatcher.dispatch(opts, collector as unknown as Dispatcher.DispatchHandler);
  } catch (err) {
    collector.onError(err as Error);
  }
  return promise;
}

/** What a request's messages and latency need: its method, where it went, its context, when it started. */
interface Exchange {
  readonly method: string;
  readonly where: URL | PlainUrl;
  readonly ctx: CheckContext;
  readonly started: number;
}

/** The CheckFailure a request that failed with `err` rejects with: what went wrong, in the user's terms. */
function failure(err: unknown, { method, where, ctx }: Exchange): CheckFailure {
  const url = where instanceof URL ? where : where.url;
  if (ctx.signal.aborted) {
    return new CheckFailure(abortMessage(ctx.signal, `${method} ${displayUrl(url)}`, ctx.timeoutMs));
  }
  if (err instanceof CheckFailure) return err;
  return new CheckFailure(describeHttpError(err, url));
}

/**
 * undici's handler for one request: collects the response and settles the request's promise once.
 * It speaks undici's own handler interface (`onConnect`, `onHeaders`, ...), the one its clients call:
 * the newer one (`onRequestStart`, ...) is adapted to it on every request by two more objects and a
 * parse of the headers into an object that is then copied (bench/README "branch http11"). undici 7's types
 * mark this interface deprecated; its runtime warns about nothing and its own `request()` uses it.
 */
class BodyCollector {
  /** The body's first chunk, and the rest when it comes in several (no array for a body of one). */
  #first: Buffer | undefined = undefined;
  #more: Buffer[] | undefined = undefined;
  #size = 0;
  #status = 0;
  #headers: Record<string, string> | undefined = undefined;
  #abort: ((reason: unknown) => void) | undefined;
  #settled = false;
  readonly #requests: Set<InFlight>;

  constructor(
    private readonly exchange: Exchange,
    private readonly resolve: (received: HttpExchange) => void,
    private readonly reject: (err: unknown) => void,
    private readonly headerName: (raw: Buffer) => string,
  ) {
    this.#requests = requestsOn(exchange.ctx.signal);
    this.#requests.add(this);
  }

  /** The signal aborted: stop the request, reject saying so. */
  aborted(): void {
    const reason = this.exchange.ctx.signal.reason;
    this.#abort?.(reason);
    if (this.#settle()) this.reject(failure(reason, this.exchange));
  }

  /** Marks the request settled; false if it was already. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#requests.delete(this);
    return true;
  }

  #received(truncated: boolean): HttpExchange {
    const first = this.#first;
    const more = this.#more;
    const body = more ? Buffer.concat([first!, ...more]) : first;
    return {
      status: this.#status,
      headers: this.#headers ?? {},
      text: body === undefined ? '' : body.toString('utf8'),
      truncated,
      latencyMs: elapsedMs(this.exchange.started),
    };
  }

  onConnect(abort: (reason: unknown) => void): void {
    this.#abort = abort;
    if (this.#settled) abort(this.exchange.ctx.signal.reason);
  }

  onHeaders(statusCode: number, raw: RawValue[]): boolean {
    if (statusCode < 200) return true; // 1xx: the final response follows
    this.#status = statusCode;
    this.#headers = joinHeaders(raw, this.headerName);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled) return true;
    if (this.#size + chunk.length > MAX_BODY_BYTES) {
      this.#add(chunk.subarray(0, MAX_BODY_BYTES - this.#size));
      if (this.#settle()) this.resolve(this.#received(true));
      this.#abort?.(new Error('response body over the size gonogo reads'));
      return true;
    }
    this.#add(chunk);
    this.#size += chunk.length;
    return true;
  }

  #add(chunk: Buffer): void {
    if (this.#first === undefined) this.#first = chunk;
    else if (this.#more === undefined) this.#more = [chunk];
    else this.#more.push(chunk);
  }

  onComplete(): void {
    if (this.#settle()) this.resolve(this.#received(false));
  }

  onError(err: Error): void {
    if (this.#settle()) this.reject(failure(err, this.exchange));
  }
}

/**
 * Make one HTTP request through a shared, bounded pool; honours `ctx.signal`. Rejects with CheckFailure
 * with a message saying what went wrong (refused, timeout, TLS) and what to do. Once the pool is made, no
 * async frame: the request's own promise is the one returned.
 */
export function httpExchange(req: HttpRequest, ctx: CheckContext): Promise<HttpExchange> {
  try {
    const dispatcher = dispatchers.get(dispatcherKey(req));
    if (dispatcher === undefined || loaded === undefined) return firstExchange(req, ctx);
    return send(dispatcher, req, ctx, loaded.headerName);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The first request of a TLS setting: undici loaded and the pool made first. */
async function firstExchange(req: HttpRequest, ctx: CheckContext): Promise<HttpExchange> {
  const dispatcher = dispatchers.get(dispatcherKey(req)) ?? (await dispatcherFor(req));
  const { headerName } = loaded ?? (await loadUndici());
  return send(dispatcher, req, ctx, headerName);
}

function send(
  dispatcher: Dispatcher,
  req: HttpRequest,
  ctx: CheckContext,
  headerName: (raw: Buffer) => string,
): Promise<HttpExchange> {
  let where = req.url;
  let origin: string;
  let path: string;
  // Most requests send no header of their own: one shared list then (undici reads it, never writes; a
  // list spares it the object's key walk).
  let headers: Readonly<Record<string, string>> | readonly string[] = PLAIN_HEADERS;
  if (where instanceof URL) {
    let url = where;
    const credentials = url.username !== '' || url.password !== '';
    if (credentials || hasOwnKeys(req.headers)) {
      const own = ownHeaders(req.headers);
      // undici does not send URL credentials: turn them into Basic auth, as curl does.
      if (credentials) {
        own.authorization ??= `Basic ${Buffer.from(
          `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
        ).toString('base64')}`;
        url = new URL(url);
        url.username = '';
        url.password = '';
        where = url;
      }
      headers = own;
    }
    origin = url.origin;
    path = `${url.pathname}${url.search}`;
  } else {
    if (hasOwnKeys(req.headers)) headers = ownHeaders(req.headers);
    origin = where.origin;
    path = where.path;
  }
  const exchange: Exchange = { method: req.method, where, ctx, started: performance.now() };
  const opts: Dispatcher.DispatchOptions = {
    origin,
    path,
    method: req.method as Dispatcher.HttpMethod,
    headers: headers as Dispatcher.DispatchOptions['headers'],
    body: req.body ?? null,
  };
  if (ctx.timeoutMs > UNDICI_WAIT_MS) Object.assign(opts, LONG_WAIT);
  return dispatchRequest(dispatcher, opts, exchange, headerName);
}
