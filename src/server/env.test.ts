import type { Context } from 'hono';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { requestHeader, requestIdOf } from './env.js';

/**
 * Reading headers from the Node request's raw headers gives what `c.req.header` (a Web `Headers` built
 * from the same raw headers by @hono/node-server) gives, and the request id is Hono's `requestId`'s.
 */
const RAW: string[][] = [
  [],
  ['Authorization', 'Bearer abc'],
  ['authorization', '  Bearer abc \t'],
  ['AUTHORIZATION', 'Bearer a', 'Authorization', 'Bearer b'],
  ['X-Forwarded-For', '10.0.0.1', 'x-forwarded-for', ' 10.0.0.2, 10.0.0.3 '],
  ['Host', 'example.org', 'X-Request-Id', 'abc-123='],
  ['x-request-id', ''],
  ['x-request-id', 'has space'],
  ['x-request-id', 'x'.repeat(255)],
  ['x-request-id', 'x'.repeat(256)],
  ['x-request-id', 'ünïcode'],
  [':authority', 'example.org', 'authorization', 'Bearer h2'],
  ['Authorization', 'Bearer\u00a0nbsp\u00a0'],
];

const nodeContext = (raw: string[]) =>
  ({
    env: { incoming: { rawHeaders: raw } },
    req: { header: () => expect.unreachable('the raw headers are read') },
  }) as unknown as Context;

/** What @hono/node-server's `c.req.header(name)` answers: a Web Headers of the raw headers. */
function webHeader(raw: string[], name: string): string | undefined {
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) if (!raw[i]!.startsWith(':')) pairs.push([raw[i]!, raw[i + 1]!]);
  return new Headers(pairs).get(name) ?? undefined;
}

describe('requestHeader', () => {
  it.each(RAW.map((raw) => [raw.join(' | '), raw]))('%s reads as a Web Headers does', (_, raw) => {
    for (const name of ['authorization', 'x-forwarded-for', 'x-request-id', 'host', 'content-type'])
      expect(requestHeader(nodeContext(raw as string[]), name), name).toBe(webHeader(raw as string[], name));
  });
});

describe('requestIdOf', () => {
  it.each(RAW.map((raw) => [raw.join(' | '), raw]))(
    '%s gives the id Hono’s requestId gives',
    async (_, raw) => {
      const hono = new Hono();
      hono.use('*', requestId({ headerName: 'X-Request-Id' }));
      hono.get('/', (c) => c.text(c.get('requestId')));
      const pairs: [string, string][] = [];
      for (let i = 0; i < raw.length; i += 2)
        if (!raw[i]!.startsWith(':') && /^[\x20-\xff]*$/.test(raw[i + 1]!))
          pairs.push([raw[i]!, raw[i + 1]!]);
      const expected = await (await hono.request('/', { headers: pairs })).text();
      const ours = requestIdOf(nodeContext(raw as string[]));
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      // A new id is random: both are new UUIDs, or both are the client's id.
      if (uuid.test(expected) && expected !== webHeader(raw as string[], 'x-request-id'))
        expect(ours).toMatch(uuid);
      else expect(ours).toBe(expected);
    },
  );
});
