import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
// The type import brings Hono's `secureHeadersNonce` context variable.
import type {} from 'hono/secure-headers';
import type { AppEnv } from './env.js';

/**
 * The security headers of every response: what Hono's `secureHeaders` sends with the options in
 * SECURE_HEADERS_OPTIONS (security-headers.test.ts compares the two, header by header), set before
 * the handler runs so that @hono/node-server answers from its fast path (a header set after
 * `await next()` turns the response into a stream). The CSP of a response carries a style nonce only
 * when a page asked for one (`pageNonce`); a response without a nonce allows no style at all.
 */
const CSP_DIRECTIVES: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'none'"],
  ['style-src', 'STYLE'],
  ['img-src', "'self' data:"],
  ['form-action', "'self'"],
  ['frame-ancestors', "'none'"],
  ['base-uri', "'none'"],
  ['object-src', "'none'"],
];

const csp = (style: string) => CSP_DIRECTIVES.map(([k, v]) => `${k} ${v === 'STYLE' ? style : v}`).join('; ');

/** The options of Hono's `secureHeaders` these headers match (the test's reference). */
export const SECURE_HEADERS_OPTIONS = {
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  crossOriginResourcePolicy: 'same-origin',
  crossOriginOpenerPolicy: 'same-origin',
  permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
} as const;

const STATIC_HEADERS: [string, string][] = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'DENY'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=()'],
];

const NO_STYLE_CSP = csp("'none'");

/** The CSP of a response whose page inlines its stylesheet with `nonce` (the test's reference too). */
export const cspWithNonce = (nonce: string) => csp(`'nonce-${nonce}'`);

// Verdicts and pages change with every state change, and pages carry per-session CSRF tokens.
const EVERY_RESPONSE: [string, string][] = [
  ['Cache-Control', 'no-store'],
  ...STATIC_HEADERS,
  ['Content-Security-Policy', NO_STYLE_CSP],
];

/** The Node response under @hono/node-server (its `env.outgoing`), when there is one not yet sent. */
function nodeResponse(c: Context): { setHeader(name: string, value: string): unknown } | undefined {
  const out = (c.env as { outgoing?: { setHeader?: unknown; headersSent?: boolean } } | undefined)?.outgoing;
  return out && typeof out.setHeader === 'function' && !out.headersSent
    ? (out as { setHeader(name: string, value: string): unknown })
    : undefined;
}

/**
 * Set headers of the response before the handler runs. Under @hono/node-server they go straight onto
 * the Node response (`setHeader`), which its `writeHead` merges with the headers of the handler's
 * Response, those winning (a page's CSP with its nonce, a route's own Cache-Control): a Web `Headers`
 * filled with 14 headers per request, then copied out again, cost more than the handler of a
 * preflight. Elsewhere (`app.request` in tests) they go on the context.
 */
export function presetHeaders(c: Context, headers: readonly (readonly [string, string])[]): void {
  const out = nodeResponse(c);
  if (out) for (const [k, v] of headers) out.setHeader(k, v);
  else for (const [k, v] of headers) c.header(k, v);
}

/** Set the security headers (and `Cache-Control: no-store`) of every response (see `presetHeaders`). */
export function setSecurityHeaders(c: Context): void {
  presetHeaders(c, EVERY_RESPONSE);
}

/** Marks a Response made by `completeResponse`: it carries every header already. */
const COMPLETE = Symbol('gonogo.completeResponse');

/**
 * The headers of every response (Cache-Control, the security headers, `X-Request-Id`), for the
 * server's first middleware: call before the handler runs, then, when it answers true, call
 * `finishEveryResponseHeader` once the handler has answered. Under @hono/node-server they go onto the
 * Node response then (its `writeHead` merges them with the Response's headers, those winning; nothing
 * is written before the whole app has answered), and not at all for a response that carries them
 * (`completeResponse`): Node then gets all its headers in one `writeHead`, not 15 `setHeader`s
 * merged with the Response's. Elsewhere (`app.request` in tests) they go on the context at once.
 */
export function presetEveryResponseHeader(c: Context, requestId: string): boolean {
  if (nodeResponse(c)) return true;
  setSecurityHeaders(c);
  c.header(REQUEST_ID, requestId);
  return false;
}

/** The second half of `presetEveryResponseHeader`, after the handler: see there. */
export function finishEveryResponseHeader(c: Context, requestId: string): void {
  if ((c.res as { [COMPLETE]?: true })[COMPLETE]) return;
  presetHeaders(c, EVERY_RESPONSE);
  presetHeaders(c, [[REQUEST_ID, requestId]]);
}

const REQUEST_ID = 'x-request-id';

/**
 * A 200 response whose headers are all in one plain record: every response's (`EVERY_RESPONSE`, the
 * request's `X-Request-Id`) then `own`, in the order and spelling the other responses send them.
 * @hono/node-server hands such a record to Node's `writeHead` as it is (one call, no `Headers`).
 * For a route that answers often and never needs a nonce or headers of its own beyond `own` (the
 * preflight). The body may be bytes already (no UTF-8 length or encoding per response).
 *
 * The record is filled key by key from an empty object: a copy made by spreading (`{ ...record }`)
 * to which keys are then added (the request id here, `Content-Length` in @hono/node-server) falls off
 * V8's fast path (microseconds per response, more than the rest of the handler).
 */
export function completeResponse(
  c: Context<AppEnv>,
  body: string | Uint8Array<ArrayBuffer>,
  own: Readonly<Record<string, string>>,
): Response {
  const headers: Record<string, string> = {};
  for (const k in EVERY_RESPONSE_RECORD) headers[k] = EVERY_RESPONSE_RECORD[k]!;
  headers[REQUEST_ID] = c.get('requestId');
  for (const k in own) headers[k] = own[k]!;
  const res = new Response(body, { status: 200, headers });
  (res as { [COMPLETE]?: true })[COMPLETE] = true;
  return res;
}

const EVERY_RESPONSE_RECORD: Readonly<Record<string, string>> = Object.fromEntries(EVERY_RESPONSE);

/** `setSecurityHeaders` as a middleware of its own (the server does it in its first middleware). */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    setSecurityHeaders(c);
    await next();
  };
}

/**
 * The CSP nonce of this response's inline stylesheet: made on first use (16 random bytes, base64 as
 * Hono makes it), after which the response's CSP allows that one stylesheet.
 */
export function pageNonce(c: Context<AppEnv>): string {
  let nonce = c.get('secureHeadersNonce');
  if (!nonce) {
    nonce = randomBytes(16).toString('base64');
    c.set('secureHeadersNonce', nonce);
    c.header('Content-Security-Policy', cspWithNonce(nonce));
  }
  return nonce;
}
