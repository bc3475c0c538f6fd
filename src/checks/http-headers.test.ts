import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from './http.js';
import { checkContext } from './test-support/context.js';
import { type Running, startHttpServer } from './test-support/servers.js';

// The response headers a check observes, as undici's raw list is read into them: names lower-cased,
// values as Latin-1 text, a repeated name joined with ", " in its first place, names that an object
// already answers (`constructor`, `toString`) kept as plain keys, `__proto__` left out, integer-like
// names first (as in any object). The expected object below is what the client gave before it read
// undici's raw list itself (bench/README "branch http11"); it must not change, with or without redirects.

/** Raw response headers in order, as the server writes them (names in mixed case, names repeated). */
const RAW = [
  ['X-Dup', '1'],
  ['Constructor', 'c'],
  ['x-dup', '2'],
  ['__proto__', 'p'],
  ['toString', 't'],
  ['X-Empty', ''],
  ['123', 'number-like'],
  ['X-Latin', 'caf\u00e9'],
  ['x-empty', 'after'],
  ['Content-Type', 'text/plain'],
  ['X-DUP', '3'],
  ['constructor', 'again'],
  ['__proto__', 'p2'],
  ['Content-Length', '3'],
];

/** What the check observes for RAW (node adds `connection` and `keep-alive`). */
const EXPECTED: [string, string][] = [
  ['123', 'number-like'],
  ['x-dup', '1, 2, 3'],
  ['constructor', 'c, again'],
  ['tostring', 't'],
  ['x-empty', ', after'],
  // node writes the value as UTF-8, the check reads its bytes as Latin-1.
  ['x-latin', 'caf\u00c3\u00a9'],
  ['content-type', 'text/plain'],
  ['content-length', '3'],
];

function routes(req: IncomingMessage, res: ServerResponse): void {
  res.sendDate = false;
  if (req.url === '/to-odd') {
    res.writeHead(302, { location: '/odd' });
    return void res.end();
  }
  res.writeHead(200, RAW.flat());
  res.end('odd');
}

let server: Running;
beforeAll(async () => {
  server = await startHttpServer(routes);
});
afterAll(() => server.close());

async function observedHeaders(path: string, followRedirects: boolean): Promise<Record<string, string>> {
  const observed = await http.run(
    http.target.parse(`${server.url}${path}`),
    http.options.parse({ follow_redirects: followRedirects }),
    checkContext(),
  );
  expect(observed.status).toBe(200);
  return observed.headers as Record<string, string>;
}

describe('http response headers', () => {
  test.each([
    ['straight', '/odd', false],
    ['through a redirect', '/to-odd', true],
  ])('read %s: the same names, values and order as ever', async (_, path, follow) => {
    const headers = await observedHeaders(path as string, follow as boolean);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    const own = Object.entries(headers).filter(([name]) => name !== 'connection' && name !== 'keep-alive');
    expect(own).toEqual(EXPECTED);
    expect(Object.hasOwn(headers, '__proto__')).toBe(false);
  });
});
