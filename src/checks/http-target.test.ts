// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import { type PreparedCheck, prepareCheck, prepareMemo } from '../engine/prepare.js';
import { itemWith, registryOf } from '../engine/test-support/kinds.js';
import http, { type HttpTarget, parseHttpTarget } from './http.js';
import { originHostPort } from './support/http-client.js';

/** What a run prepares an http check from, and the run's environment. */
const registry = registryOf(http as CheckDefinition<unknown, unknown>);
const source = { environment: 'bench', block: { BASE_URL: 'http://127.0.0.1:8080' }, env: {} };

function prepare(target: string, id = 'x/1') {
  return prepareCheck(itemWith(id, { kind: 'http', target }), registry, source, prepareMemo());
}

function prepared(target: string, id?: string): PreparedCheck {
  const p = prepare(target, id);
  if (!('check' in p)) throw new Error(`not prepared: ${p.outcome.message}`);
  return p.check;
}

const NO_OPTIONS = { headers: {}, followRedirects: false, tlsVerify: true };

/** Every value an object holds in its own (string or symbol) properties. */
function ownValues(value: object): unknown[] {
  return Reflect.ownKeys(value).map((key) => (value as Record<PropertyKey, unknown>)[key]);
}

describe('a prepared http target', () => {
  it('holds the checked text, not a URL: the URL is built when an attempt reads it', () => {
    const target = prepared('POST ${BASE_URL}/item/1?x=1').target as HttpTarget;
    // A run holds every prepared check until it has run: a URL each was ~250 bytes kept (bench/README
    // "branch prep16").
    expect(ownValues(target).some((v) => v instanceof URL)).toBe(false);
    expect(target.method).toBe('POST');
    expect(target.url).toBeInstanceOf(URL);
    expect(target.url.href).toBe('http://127.0.0.1:8080/item/1?x=1');
  });

  it('gives each read its own URL, so an attempt that changes it cannot change the next', () => {
    const target = parseHttpTarget('https://user:pw@example.com/health');
    const first = target.url;
    first.username = '';
    first.pathname = '/other';
    expect(target.url).not.toBe(first);
    expect(target.url.href).toBe('https://user:pw@example.com/health');
  });

  it('writes the JSON of the plain { method, url } it stands for', () => {
    const text = 'delete http://10.0.0.1:8080/x?y=1';
    expect(JSON.stringify(parseHttpTarget(text))).toBe(
      JSON.stringify({ method: 'DELETE', url: new URL('http://10.0.0.1:8080/x?y=1') }),
    );
  });

  it.each([
    ['http://127.0.0.1:8080/a', '127.0.0.1:8080'],
    ['https://Example.COM/a', 'example.com:443'],
    ['http://example.com/a', 'example.com:80'],
    ['HEAD https://[::1]:8443/a', '[::1]:8443'],
  ])('keys the per-host limit of %s by %s', (text, host) => {
    expect(http.hostKey?.(parseHttpTarget(text), NO_OPTIONS)).toBe(host);
    expect(prepared(`${text}?n=1`).host).toBe(host);
  });

  it.each([
    [
      'example.com/health',
      '"example.com/health" is not an absolute URL; write it like https://example.com/health',
    ],
    [
      'FETCH https://example.com',
      'unknown HTTP method "FETCH"; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    ],
    ['ftp://example.com/file', '"ftp:" URLs are not supported by http checks; use http:// or https://'],
    [
      'GET https://example.com/a b',
      '"GET https://example.com/a b" is not "[METHOD] URL"; spaces in a URL must be written %20',
    ],
    [
      '${BASE_URL}:99999/x',
      '"http://127.0.0.1:8080:99999/x" is not an absolute URL; write it like https://example.com/health',
    ],
    ['   ', 'http needs a target: [METHOD] URL, e.g. https://example.com/health'],
  ])('refuses %s when the check is prepared, with the message it always gave', (target, message) => {
    const p = prepare(target);
    expect(p).toEqual({ outcome: { item: 'x/1', status: 'error', message: `http target: ${message}` } });
  });
});

describe('targets of a host checked one after another', () => {
  // The host key of the last target is taken again when the next names the same scheme and authority
  // (no URL built); every target must still get what a URL of its own gives.
  const targets = [
    'http://127.0.0.1:8080/item/1',
    'http://127.0.0.1:8080/item/2?x=1#f',
    'http://127.0.0.1:8080',
    'http://127.0.0.1:8080?q',
    'http://127.0.0.1:8080#h',
    'http://127.0.0.1:8080\\back',
    'http://127.0.0.1:80800/too-long-a-port',
    'http://127.0.0.1:1/closed',
    'https://127.0.0.1:8080/tls',
    'http://user:pw@127.0.0.1:8080/x',
    'http://EXAMPLE.com/Up',
    'http://EXAMPLE.com:80/default-port',
    'http://example.com:080/leading-zero',
    'HTTP://example.com/upper-scheme',
    'http:///example.com/three-slashes',
    'http://0x7f.1/hex',
    'http://[::1]:8080/v6',
    'http://bücher.example/idna',
    'http://127.0.0.1:8080/%zz/odd%20path',
    'ftp://127.0.0.1:8080/x',
    'http://exa mple.com/',
    'http://a b c',
    'http://',
  ];
  it('gives each the URL and host key a URL of its own gives, or the same error, in any order', () => {
    const fresh = (t: string) => {
      try {
        const url = new URL(t.trim().split(/\s+/).at(-1)!);
        return { href: url.href, hostPort: originHostPort(url) };
      } catch {
        return undefined;
      }
    };
    const outcome = (t: string) => {
      try {
        const parsed = parseHttpTarget(t) as HttpTarget & { hostPort: string };
        return { href: parsed.url.href, hostPort: parsed.hostPort, method: parsed.method };
      } catch (err) {
        return { error: (err as Error).message };
      }
    };
    const alone = new Map(targets.map((t) => [t, outcome(t)]));
    for (const order of [targets, [...targets].reverse(), targets.flatMap((t) => [t, targets[0]!, t])]) {
      for (const t of order) {
        const got = outcome(t);
        expect(got, t).toEqual(alone.get(t));
        const url = fresh(t);
        if ('href' in got && url) expect({ href: got.href, hostPort: got.hostPort }, t).toEqual(url);
      }
    }
  });
});

describe('targets held together while others are checked', () => {
  // Method, host key and origin are one object for a row of targets that have them alike: a target held
  // while targets of other methods and origins are checked keeps its own.
  const texts = [
    'http://127.0.0.1:8080/a',
    'POST http://127.0.0.1:8080/a',
    'http://127.0.0.1:8080/b',
    'http://127.0.0.1:9090/c',
    'http://127.0.0.1:8080/%7Ed',
    'DELETE https://example.com/e?x=1',
    'http://127.0.0.1:8080/f',
  ];
  const read = (t: HttpTarget) => {
    const h = t as HttpTarget & { hostPort: string; request: unknown };
    const request = h.request instanceof URL ? h.request.href : JSON.stringify(h.request);
    return { method: h.method, href: h.url.href, hostPort: h.hostPort, request, json: JSON.stringify(h) };
  };
  it('reads, once all are checked, what each read alone', () => {
    const held = texts.map((t) => parseHttpTarget(t));
    const alone = texts.map((t) => {
      parseHttpTarget('PATCH http://10.0.0.1:1/other');
      return read(parseHttpTarget(t));
    });
    expect(held.map(read)).toEqual(alone);
    expect(held.map((t) => t.method)).toEqual(['GET', 'POST', 'GET', 'GET', 'GET', 'DELETE', 'GET']);
  });
});

describe('targets after a plain target of their origin', () => {
  // After `http://127.0.0.1:8080/first`, a target that starts with that origin and a path the parser keeps
  // as written is known without a URL (keptAsWritten); every one must still get what a URL of its own gives:
  // the same href, host key, and request (the text's origin and path when it is exactly the URL's, else a URL).
  const origin = 'http://127.0.0.1:8080';
  const rests = [
    '/item/1',
    '/a/./b',
    '/a/../b',
    '/./x',
    '/..',
    '/.',
    '/.well-known/x',
    '/%2e%2e/x',
    '/%2E/x',
    '/a%20b',
    '/x?',
    '/x?a=1&b=2',
    '/x??',
    "/x?a'b",
    "/x'y",
    '/x?a/./b',
    '/x#f',
    '/x?a#f',
    '/x\\y',
    '/x|y',
    '/x{y}',
    '/x`y',
    '/x"y',
    '/x<y>',
    '/ü',
    '/x^y',
    '/a//b',
    '//x',
    '/x:y@z',
    '/~u/!$&()*+,;=-._',
    '?q',
    '',
    '0/port',
    ':8080/port-again',
    '.evil.org/x',
    '@evil.org/x',
  ];
  it.each(rests)('%s', (rest) => {
    parseHttpTarget(`${origin}/first`);
    const text = `${origin}${rest}`;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      expect(() => parseHttpTarget(text)).toThrow('is not an absolute URL');
      return;
    }
    const target = parseHttpTarget(text) as HttpTarget & {
      hostPort: string;
      request: URL | { origin: string; path: string };
    };
    expect(target.url.href).toBe(url.href);
    expect(target.hostPort).toBe(originHostPort(url));
    const plain = text === url.origin + url.pathname + url.search;
    const { request } = target;
    if (plain) {
      expect(request).not.toBeInstanceOf(URL);
      expect(request).toMatchObject({ origin: url.origin, path: url.pathname + url.search });
    } else {
      expect(request).toBeInstanceOf(URL);
      expect((request as URL).href).toBe(url.href);
    }
  });
});
