import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from './http.js';
import { joinHeaders, type RawValue } from './support/http-headers.js';
import { checkContext } from './test-support/context.js';
import { type Running, startHttpServer } from './test-support/servers.js';

// A response whose header block is the last one's, byte for byte, is read as a copy of the last one's
// headers (no name looked up, no value decoded); any other block is read entry by entry, as always
// (bench/README "branch checks21").

/** A response head as llhttp hands it to undici: views of each name and value in one chunk's bytes. */
function head(lines: [string, string][], pad = 0): RawValue[] {
  const text = `HTTP/1.1 200 OK\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  const chunk = Buffer.from(`${' '.repeat(pad)}${text}`, 'latin1');
  const raw: RawValue[] = [];
  let at = chunk.indexOf('\r\n') + 2;
  for (const [name, value] of lines) {
    raw.push(chunk.subarray(at, at + name.length));
    at += name.length + 2;
    raw.push(chunk.subarray(at, at + value.length));
    at += value.length + 2;
  }
  return raw;
}

/** undici's name function, counted. */
function counting() {
  const names = {
    calls: 0,
    of: (raw: Buffer) => {
      names.calls++;
      return raw.toString('latin1').toLowerCase();
    },
  };
  return names;
}

const NGINX: [string, string][] = [
  ['Server', 'nginx/1.22.1'],
  ['Date', 'Mon, 07 Dec 2026 21:00:00 GMT'],
  ['Content-Type', 'application/json'],
  ['Content-Length', '31'],
  ['Connection', 'keep-alive'],
  ['x-request-id', 'bench'],
];

describe('a repeated header block', () => {
  test('is read from the last one: equal headers, a new object, no name looked up', () => {
    const names = counting();
    const first = joinHeaders(head(NGINX), names.of);
    expect(names.calls).toBe(6);
    // Another chunk (another ArrayBuffer, another offset) with the same head.
    const second = joinHeaders(head(NGINX, 7), names.of);
    expect(names.calls).toBe(6);
    expect(second).toEqual(first);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    expect(second).not.toBe(first);
    // Each response's object is its own: changing one changes no other.
    first.server = 'changed';
    second['x-request-id'] = 'changed';
    const third = joinHeaders(head(NGINX), names.of);
    expect(names.calls).toBe(6);
    expect(third.server).toBe('nginx/1.22.1');
    expect(third['x-request-id']).toBe('bench');
  });

  test.each([
    ['a value changed, same length', [1, 'Date', 'Mon, 07 Dec 2026 21:00:01 GMT']],
    ['a name changed, same length', [5, 'x-request-ix', 'bench']],
    ['one value longer, the next shorter', [3, 'Content-Length', '310']],
  ] as const)('is read again when %s', (_, [index, name, value]) => {
    const names = counting();
    joinHeaders(head(NGINX), names.of);
    const changed = NGINX.map((line, i) => (i === index ? ([name, value] as [string, string]) : line));
    if (index === 3) changed[4] = ['Connection', 'keep-aliv'];
    const headers = joinHeaders(head(changed), names.of);
    expect(names.calls).toBe(12);
    expect(headers).toEqual(Object.fromEntries(changed.map(([n, v]) => [n.toLowerCase(), v])));
  });

  test('is read again when it has one more or one less header', () => {
    const names = counting();
    joinHeaders(head(NGINX), names.of);
    expect(Object.keys(joinHeaders(head(NGINX.slice(1)), names.of))).toHaveLength(5);
    expect(Object.keys(joinHeaders(head(NGINX), names.of))).toHaveLength(6);
    expect(names.calls).toBe(17);
  });

  test('not over one chunk (joined by undici, or a redirect’s lists): read every time', () => {
    const names = counting();
    const joined = () => {
      const raw = head(NGINX);
      // A buffer of its own (not from the pool the chunk may be in).
      const own = Buffer.alloc((raw[3] as Buffer).length);
      (raw[3] as Buffer).copy(own);
      raw[3] = own;
      return raw;
    };
    const listed = () => head(NGINX).map((v, i) => (i === 3 ? [v as Buffer] : v));
    for (const make of [joined, joined, listed, listed]) {
      expect(joinHeaders(make(), names.of)['content-type']).toBe('application/json');
    }
    expect(names.calls).toBe(24);
  });
});

let served = 0;
function routes(_req: IncomingMessage, res: ServerResponse): void {
  served++;
  res.sendDate = false;
  // The same length each time: only the bytes tell the blocks apart.
  res.writeHead(200, { 'x-count': String(served % 10), 'content-type': 'text/plain' });
  res.end('ok');
}

let server: Running;
beforeAll(async () => {
  server = await startHttpServer(routes);
});
afterAll(() => server.close());

test('an http check observes each response’s own headers when only a value’s bytes change', async () => {
  const seen: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const observed = await http.run(
      http.target.parse(`${server.url}/n`),
      http.options.parse({}),
      checkContext(),
    );
    seen.push((observed.headers as Record<string, string>)['x-count']!);
    expect(observed.headers).toMatchObject({ 'content-type': 'text/plain' });
  }
  expect(seen).toEqual(['1', '2', '3', '4']);
});
