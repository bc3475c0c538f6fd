import { fold } from '../patterns.js';
import type { Proposal, Rule } from '../rule.js';

/** Response headers a hardened application sends, by the names and nicknames checklists use. */
const SECURITY: { test: RegExp; header: string }[] = [
  { test: /\bhsts\b|strict-transport-security/, header: 'strict-transport-security' },
  { test: /\bcsp\b|content-security-policy/, header: 'content-security-policy' },
  { test: /x-frame-options|\bclickjacking/, header: 'x-frame-options' },
  { test: /x-content-type-options|\bnosniff\b/, header: 'x-content-type-options' },
  { test: /referrer-policy/, header: 'referrer-policy' },
];
/** What "security headers" (or Helmet's defaults) means when no header is named. */
const DEFAULT_SECURITY = ['strict-transport-security', 'x-content-type-options', 'content-security-policy'];
const HEADER_NAME = /^X-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
const PATH = /^\/[\w.~/-]*$/;

function headerCheck(path: string, headers: string[], extra: Record<string, unknown> = {}) {
  return { http: `\${BASE_URL}${path}`, ...extra, expect: headers.map((h) => `"${h}" in headers`) };
}

/** `X-Request-Id` header, security headers (HSTS, CSP...), gzip/br compression -> `http` with header conditions. */
const rule: Rule = {
  name: 'http-header',
  summary:
    'response header names (`X-Request-Id`), security headers (HSTS, CSP, X-Frame-Options), compression -> `http` with header conditions',
  match(item): Proposal | undefined {
    const text = fold(item.title);
    const path = item.codes.find((c) => PATH.test(c)) ?? '/';
    const named = SECURITY.filter((s) => s.test.test(text)).map((s) => s.header);
    if (named.length > 0 || /security headers|helmet|güvenlik başli[kğ]/.test(text)) {
      const headers = named.length > 0 ? named : DEFAULT_SECURITY;
      return {
        check: headerCheck(path, headers),
        matched: named.length > 0 ? named.join(', ') : 'security headers',
      };
    }
    if (/\bcompression\b|\bgzip\b|\bbrotli\b|\bsikiştirma/.test(text)) {
      return {
        check: {
          ...headerCheck(path, ['content-encoding'], { headers: { 'Accept-Encoding': 'gzip, br' } }),
          expect: ['"content-encoding" in headers && headers["content-encoding"] in ["gzip", "br"]'],
        },
        matched: 'compression',
        note: 'ask for a response large enough to be compressed',
      };
    }
    // A header is a response header when the text says "header" (or "başlık"); `Idempotency-Key` sent by
    // a client is not something the gate can see.
    if (!/\bheader|başli[kğ]|basli[kg]/.test(text)) return undefined;
    const names = item.codes.filter((c) => HEADER_NAME.test(c));
    const bare = item.title.match(/\bX-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b/g) ?? [];
    const headers = [...new Set([...names, ...bare].map((h) => h.toLowerCase()))];
    if (headers.length === 0) return undefined;
    return { check: headerCheck(path, headers), matched: `${headers.join(', ')} header` };
  },
};

export default rule;
