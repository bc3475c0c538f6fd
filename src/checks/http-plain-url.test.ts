import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import http, { parseHttpTarget } from './http.js';
import type { PlainUrl } from './support/http-client.js';
import { checkContext, failure } from './test-support/context.js';
import { closedPort, type Running, startHttpServer } from './test-support/servers.js';

// A target whose text is exactly its URL's origin, path and query is requested from those parts of the
// text, without building a URL (bench/README "branch flight18"); any other text goes through its URL as
// before. Either way the server must see the very request the URL would have made.

const def = http as CheckDefinition<unknown, unknown>;

/** What a target gives a request: its text's parts (a PlainUrl) or a URL. */
function requestOf(text: string): URL | PlainUrl {
  return (parseHttpTarget(text) as unknown as { request: URL | PlainUrl }).request;
}

describe('an http target as a request', () => {
  test.each([
    'http://127.0.0.1:8080/item/1',
    'http://127.0.0.1:8080/item/1?x=1&y=%20z',
    'https://example.com/',
    'POST https://example.com/api?q',
    'http://[::1]:8080/a',
    'http://example.com/caf%C3%A9',
  ])('%s: sent as its text, parts equal to its URL', (text) => {
    const request = requestOf(text);
    expect(request).not.toBeInstanceOf(URL);
    const url = new URL(text.split(' ').pop()!);
    expect(request.origin).toBe(url.origin);
    expect((request as PlainUrl).path).toBe(`${url.pathname}${url.search}`);
    expect((request as PlainUrl).url.href).toBe(url.href);
  });

  test.each([
    ['no path', 'http://example.com'],
    ['upper-case host', 'http://Example.com/a'],
    ['default port spelled out', 'http://example.com:80/a'],
    ['dot segments', 'http://example.com/a/../b'],
    ['a fragment', 'http://example.com/a#top'],
    ['an empty fragment', 'http://example.com/a#'],
    ['credentials', 'http://user:pw@example.com/a'],
    ['an empty query mark', 'http://example.com/a?'],
    ['characters the parse encodes', 'http://example.com/a{b}/café'],
  ])('%s: sent through its URL', (_name, text) => {
    const request = requestOf(text);
    expect(request).toBeInstanceOf(URL);
    expect((request as URL).href).toBe(new URL(text).href);
  });
});

describe('an http check against a local server, by target text', () => {
  let server: Running;
  const seen: { url: string | undefined; authorization: string | undefined }[] = [];
  beforeAll(async () => {
    server = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
  });
  afterAll(() => server.close());

  const observe = (target: string) =>
    def.run(def.target.parse(target), def.options.parse({}), checkContext()) as Promise<{
      status: number;
      body: unknown;
    }>;

  test.each([
    ['/item/7?x=1', '/item/7?x=1'],
    ['/a/../item?y', '/item?y'],
    ['/item#frag', '/item'],
    ['', '/'],
    ['/a?', '/a'],
  ])('%s: the server sees %s, as the URL would send it', async (suffix, path) => {
    seen.length = 0;
    const observed = await observe(`${server.url}${suffix}`);
    expect(observed.status).toBe(200);
    expect(observed.body).toEqual({ ok: true });
    expect(seen).toEqual([{ url: path, authorization: undefined }]);
  });

  test('credentials in the URL are still sent as Basic auth, never in the request line', async () => {
    seen.length = 0;
    await observe(server.url.replace('http://', 'http://user:p%40ss@') + '/x');
    expect(seen).toEqual([
      { url: '/x', authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}` },
    ]);
  });

  describe('URLs built while a plain target is requested', () => {
    const NativeURL = globalThis.URL;
    let built = 0;
    afterEach(() => {
      globalThis.URL = NativeURL;
    });
    const counting = () => {
      built = 0;
      globalThis.URL = class extends NativeURL {
        constructor(...args: ConstructorParameters<typeof URL>) {
          super(...args);
          built++;
        }
      } as typeof URL;
    };

    test('none for a plain target, one for a target sent through its URL', async () => {
      const plain = def.target.parse(`${server.url}/item/1`);
      const other = def.target.parse(`${server.url}/a/../item/1`);
      await observe(`${server.url}/warm`); // the pool made, undici loaded
      counting();
      await def.run(plain, def.options.parse({}), checkContext());
      expect(built).toBe(0);
      counting();
      await def.run(other, def.options.parse({}), checkContext());
      expect(built).toBe(1);
    });

    test('a failure of a plain target still names its URL, built for the message', async () => {
      const port = await closedPort();
      const err = await failure(observe(`http://127.0.0.1:${port}/health?token=x`));
      expect(err.message).toContain(`127.0.0.1:${port}`);
      expect(err.message).not.toContain('token');
    });
  });
});
