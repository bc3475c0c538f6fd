import type { Dispatcher } from 'undici';
import type { CheckContext } from '../../engine/check.js';
import { CheckFailure } from '../../engine/check.js';
import { hasOwnKeys } from '../../model/own-keys.js';
import { abortMessage, describeNetworkError, elapsedMs, errorCode } from './net.js';

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
 * The requests in flight on `signal`, told in the order they started when it aborts. Attempts that start
 * together share one AbortSignal (engine/deadlines.ts): each request joins its signal's set, the set alone
 * listens to the signal. Adding and removing a Set entry costs a fraction of an emitter's listener (and
 * of an AbortSignal's), and a run's first thousands of requests run before their code is optimized.
 */
const inFlight = new WeakMap<AbortSignal, Set<BodyCollector>>();
function requestsOn(signal: AbortSignal): Set<BodyCollector> {
  let requests = inFlight.get(signal);
  if (!requests) {
    const set = new Set<BodyCollector>();
    // A copy: a request that settles while told leaves the set; every one in flight is still told.
    signal.addEventListener(
      'abort',
      () => {
        for (const r of [...set]) r.aborted();
      },
      { once: true },
    );
    inFlight.set(signal, set);
    requests = set;
  }
  return requests;
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
  headerName: (raw: Buffer) => string,
): Promise<HttpExchange> {
  return new Promise<HttpExchange>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const collector = new BodyCollector(signal, resolve, reject, headerName);
    try {
      dispatcher.dispatch(opts, collector as unknown as Dispatcher.DispatchHandler);
    } catch (err) {
      collector.onError(err as Error);
    }
  });
}

/** A raw header value: one Buffer, or several for a name repeated (as the redirect interceptor gives them). */
type RawValue = Buffer | Buffer[];

/**
 * undici's handler for one request: collects the response and settles the request's promise once.
 * It speaks undici's own handler interface (`onConnect`, `onHeaders`, ...), the one its clients call:
 * the newer one (`onRequestStart`, ...) is adapted to it on every request by two more objects and a
 * parse of the headers into an object that is then copied (bench/README "branch http11"). undici 7's types
 * mark this interface deprecated; its runtime warns about nothing and its own `request()` uses it.
 */
class BodyCollector {
  #chunks: Buffer[] = [];
  #size = 0;
  #status = 0;
  #headers: Record<string, string> = {};
  #abort: ((reason: unknown) => void) | undefined;
  #settled = false;
  readonly #requests: Set<BodyCollector>;

  constructor(
    private readonly signal: AbortSignal,
    private readonly resolve: (received: HttpExchange) => void,
    private readonly reject: (err: unknown) => void,
    private readonly headerName: (raw: Buffer) => string,
  ) {
    this.#requests = requestsOn(signal);
    this.#requests.add(this);
  }

  /** The signal aborted: stop the request, reject with the signal's reason. */
  aborted(): void {
    this.#abort?.(this.signal.reason);
    if (this.#settle()) this.reject(this.signal.reason);
  }

  /** Marks the request settled; false if it was already. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#requests.delete(this);
    return true;
  }

  #received(truncated: boolean): HttpExchange {
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    // The exchange's own object: httpExchange sets its latency once the promise settles.
    return {
      status: this.#status,
      headers: this.#headers,
      text: body.toString('utf8'),
      truncated,
      latencyMs: 0,
    };
  }

  onConnect(abort: (reason: unknown) => void): void {
    this.#abort = abort;
    if (this.#settled) abort(this.signal.reason);
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
      this.#chunks.push(chunk.subarray(0, MAX_BODY_BYTES - this.#size));
      if (this.#settle()) this.resolve(this.#received(true));
      this.#abort?.(new Error('response body over the size gonogo reads'));
      return true;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  onComplete(): void {
    if (this.#settle()) this.resolve(this.#received(false));
  }

  onError(err: Error): void {
    if (this.#settle()) this.reject(err);
  }
}

/**
 * Make one HTTP request through a shared, bounded pool; honours `ctx.signal`. Throws CheckFailure with a
 * message saying what went wrong (refused, timeout, TLS) and what to do.
 */
export async function httpExchange(req: HttpRequest, ctx: CheckContext): Promise<HttpExchange> {
  const dispatcher = dispatchers.get(dispatcherKey(req)) ?? (await dispatcherFor(req));
  const { headerName } = loaded ?? (await loadUndici());
  let url = req.url;
  const credentials = url.username !== '' || url.password !== '';
  // Most requests send no header of their own: one shared list then (undici reads it, never writes; a
  // list spares it the object's key walk).
  let headers: Readonly<Record<string, string>> | readonly string[] = PLAIN_HEADERS;
  if (credentials || hasOwnKeys(req.headers)) {
    const own = lowerKeys(req.headers ?? {});
    own['user-agent'] ??= 'gonogo';
    // undici does not send URL credentials: turn them into Basic auth, as curl does.
    if (credentials) {
      own.authorization ??= `Basic ${Buffer.from(
        `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
      ).toString('base64')}`;
      url = new URL(url);
      url.username = '';
      url.password = '';
    }
    headers = own;
  }
  const started = performance.now();
  try {
    const opts: Dispatcher.DispatchOptions = {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method as Dispatcher.HttpMethod,
      headers: headers as Dispatcher.DispatchOptions['headers'],
      body: req.body ?? null,
    };
    if (ctx.timeoutMs > UNDICI_WAIT_MS) Object.assign(opts, LONG_WAIT);
    const res = await dispatchRequest(dispatcher, opts, ctx.signal, headerName);
    res.latencyMs = elapsedMs(started);
    return res;
  } catch (err) {
    if (ctx.signal.aborted) {
      throw new CheckFailure(abortMessage(ctx.signal, `${req.method} ${displayUrl(url)}`, ctx.timeoutMs));
    }
    if (err instanceof CheckFailure) throw err;
    throw new CheckFailure(describeHttpError(err, url));
  }
}

const PLAIN_HEADERS = Object.freeze(['user-agent', 'gonogo']);

export function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (Object.hasOwn(headers, name)) out[name.toLowerCase()] = headers[name]!;
  return out;
}

const latin1 = (raw: RawValue): string =>
  Array.isArray(raw) ? raw.map((b) => b.toString('latin1')).join(', ') : raw.toString('latin1');

/**
 * The response's headers from undici's raw list (name, value, name, value...): names as undici names
 * them (lower case), values as Latin-1 text, a repeated name's values joined with ", " in the first one's
 * place. A header named `__proto__` is left out (an object cannot hold it as a plain key).
 */
function joinHeaders(raw: RawValue[], headerName: (raw: Buffer) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = headerName(raw[i] as Buffer);
    const value = latin1(raw[i + 1]!);
    const before = out[name];
    if (before === undefined) out[name] = value;
    else if (name === '__proto__') continue;
    else out[name] = Object.hasOwn(out, name) ? `${before}, ${value}` : value;
  }
  return out;
}
