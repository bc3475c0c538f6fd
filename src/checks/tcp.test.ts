import { describe, expect, test } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import { parseHostPort } from './support/net.js';
import tcp from './tcp.js';
import { firstFalse, typeErrors } from './test-support/cel.js';
import { checkContext, failure, timeoutSignal } from './test-support/context.js';
import { docExampleProblems } from './test-support/doc-examples.js';
import { closedPort, startTcpServer } from './test-support/servers.js';

const def = tcp as CheckDefinition<unknown, unknown>;

async function observe(target: string, ctx = checkContext()) {
  return tcp.run(tcp.target.parse(target), tcp.options.parse({}), ctx);
}

describe('tcp target', () => {
  test.each([
    ['db.example.com:5432', { host: 'db.example.com', port: 5432 }],
    ['10.0.0.5:6379', { host: '10.0.0.5', port: 6379 }],
    ['[::1]:443', { host: '::1', port: 443 }],
    [' localhost:80 ', { host: 'localhost', port: 80 }],
  ])('%s parses', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  test.each([
    ['db.example.com', /has no port/],
    ['db.example.com:0', /has no port/],
    ['db.example.com:99999', /is not host:port/],
    ['http://db.example.com:80', /is not host:port/],
    ['db.example.com:5432/x', /only a host and a port/],
    ['user:pw@db:5432', /only a host and a port/],
  ])('%s is rejected at lint time with advice', (text, message) => {
    const result = tcp.target.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
    expect(result.error?.issues[0]?.message).toMatch(/write it like/);
  });

  test('a target with placeholders is left for run time', () => {
    expect(tcp.target.safeParse('${DB_HOST}:5432').success).toBe(true);
  });

  test('an unknown option is refused by name', () => {
    const result = tcp.options.safeParse({ port: 5 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('port');
  });

  test('hostKey is host:port', () => {
    expect(tcp.hostKey?.(tcp.target.parse('db.example.com:5432'), {})).toBe('db.example.com:5432');
  });
});

describe('tcp expectations', () => {
  test('the examples in docs/checks/tcp.md are valid checks', async () => {
    expect(await docExampleProblems(def)).toEqual([]);
  });

  test('default and typical conditions use only declared variables', () => {
    expect(typeErrors(def, [...tcp.defaultExpect, 'connected == false', 'latency_ms < 100.0'])).toEqual([]);
    expect(typeErrors(def, ['status == 200'])).toHaveLength(1);
  });
});

describe('tcp against real sockets', () => {
  test('a listening port passes the default expectation', async () => {
    const server = await startTcpServer();
    try {
      const observed = await observe(`127.0.0.1:${server.port}`);
      expect(observed.connected).toBe(true);
      expect(typeof observed.latency_ms).toBe('number');
      expect(firstFalse(def, tcp.defaultExpect, observed)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  test('a closed port is an error that still reports connected == false', async () => {
    const port = await closedPort();
    const err = await failure(observe(`127.0.0.1:${port}`));
    expect(err.message).toBe(
      `connect ECONNREFUSED 127.0.0.1:${port}: nothing listens there; is the service up?`,
    );
    expect(err.partial).toEqual({ connected: false });
    // "this port must stay closed" is judged on the partial observation, and the default fails on it.
    expect(firstFalse(def, ['connected == false'], err.partial)).toBeUndefined();
    expect(firstFalse(def, tcp.defaultExpect, err.partial)).toBe('connected');
  });

  test('an unresolvable host is an error without a connected observation', async () => {
    const err = await failure(observe('no-such-host.invalid:80'));
    expect(err.message).toMatch(/cannot resolve the host of no-such-host\.invalid:80 \(ENOTFOUND|EAI_AGAIN/);
    expect(err.partial).toEqual({});
  });

  test('a timeout (signal fired by the engine) says how long it waited', async () => {
    const { signal, fire } = timeoutSignal();
    fire();
    // 192.0.2.1 (TEST-NET-1) would hang; the already-fired signal makes the outcome deterministic.
    const err = await failure(observe('192.0.2.1:9', checkContext({ signal, timeoutMs: 2000 })));
    expect(err.message).toBe(
      'connect to 192.0.2.1:9: no answer within 2s (timeout); is the service up and reachable, or does the check need a longer timeout?',
    );
    expect(err.partial).toEqual({ connected: false });
  });

  test.each([
    ['db.example.com:5432', { host: 'db.example.com', port: 5432 }],
    [' 10.0.0.5:6379 ', { host: '10.0.0.5', port: 6379 }],
    ['[::1]:443', { host: '::1', port: 443 }],
  ])('the target %s is parsed once into what run() receives', (text, parsed) => {
    expect(tcp.target.parse(text)).toEqual(parsed);
  });

  test.each([
    ['example.com', /"example.com" has no port; write it like/],
    ['user@db:5432', /only a host and a port are allowed/],
    ['', /tcp needs a target: host:port/],
  ])('the target %j is refused saying how to write it', (text, message) => {
    const result = tcp.target.safeParse(text);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });
});
