import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import dns, { parseResolverAddress } from './dns.js';
import { binaryAvailable } from './test-support/binaries.js';
import { firstFalse, typeErrors } from './test-support/cel.js';
import { checkContext, failure, timeoutSignal } from './test-support/context.js';
import { DNSMASQ, type RunningDnsmasq, startDnsmasq } from './test-support/dnsmasq.js';
import { docExampleProblems } from './test-support/doc-examples.js';

const def = dns as CheckDefinition<unknown, unknown>;

function observe(name: string, options: Record<string, unknown> = {}, ctx = checkContext()) {
  return dns.run(dns.target.parse(name), dns.options.parse(options), ctx);
}

describe('dns target and options', () => {
  test('type defaults to A, is case-insensitive, and is one of the supported types', () => {
    expect(dns.options.parse({})).toEqual({ type: 'A' });
    expect(dns.options.parse({ type: 'mx' })).toEqual({ type: 'MX' });
    const bad = dns.options.safeParse({ type: 'SRV' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('type must be one of A, AAAA, CNAME, MX, TXT, NS');
  });

  test.each([
    ['10.0.0.2', '10.0.0.2:53'],
    ['127.0.0.1:5353', '127.0.0.1:5353'],
    ['::1', '[::1]:53'],
    ['[::1]:5353', '[::1]:5353'],
  ])('server %s is parsed once and used as %s', (text, expected) => {
    expect(parseResolverAddress(text)).toBe(expected);
    expect(dns.options.parse({ server: text })).toEqual({ type: 'A', server: expected });
  });

  test('a resolver given by name is refused at lint time', () => {
    const bad = dns.options.safeParse({ server: 'dns.example.com:53' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/must be the IP address of a resolver/);
  });

  test.each(['https://example.com', 'example.com/path', 'a b'])('target %s is not a name', (text) => {
    expect(dns.target.safeParse(text).success).toBe(false);
  });

  test.each([
    [' api.example.com ', 'api.example.com'],
    ['example.com.', 'example.com.'],
  ])('target %j is parsed as the name %s', (text, name) => {
    expect(dns.target.parse(text)).toBe(name);
  });

  test('hostKey is the resolver when one is given', () => {
    expect(dns.hostKey?.('example.com', dns.options.parse({ server: '10.0.0.2' }))).toBe('10.0.0.2:53');
    expect(dns.hostKey?.('example.com', dns.options.parse({}))).toBeUndefined();
  });

  test('the examples in docs/checks/dns.md are valid checks', async () => {
    expect(await docExampleProblems(def)).toEqual([]);
  });

  test('default and typical conditions use only declared variables', () => {
    expect(
      typeErrors(def, [
        ...dns.defaultExpect,
        'count == 2',
        '"10.0.0.7" in records',
        'records.exists(r, r.startsWith("v=spf1"))',
        'records == ["10 mail.example.com"]',
      ]),
    ).toEqual([]);
    expect(typeErrors(def, ['answers > 0'])).toHaveLength(1);
  });
});

describe('dns through the system resolver', () => {
  test('localhost resolves from /etc/hosts', async () => {
    const observed = await observe('localhost');
    expect(observed.records).toContain('127.0.0.1');
    expect(firstFalse(def, dns.defaultExpect, observed)).toBeUndefined();
  });
});

const haveDnsmasq = await binaryAvailable(DNSMASQ, 'dnsmasq-base');

describe.skipIf(!haveDnsmasq)('dns against a real resolver (dnsmasq)', () => {
  let dnsmasq: RunningDnsmasq;
  beforeAll(async () => {
    dnsmasq = await startDnsmasq(
      [
        '--address=/gonogo.test/127.0.0.7',
        // Names under these zones that have no record get NXDOMAIN / NODATA instead of REFUSED.
        '--local=/gonogo.test/',
        '--local=/missing.test/',
        '--host-record=v6.gonogo.test,::7',
        '--cname=www.gonogo.test,gonogo.test',
        '--mx-host=gonogo.test,mx2.gonogo.test,20',
        '--mx-host=gonogo.test,mx1.gonogo.test,10',
        // Two character-strings, as long SPF records are published; the check joins them.
        '--txt-record=txt.gonogo.test,v=spf1 ,include:_spf.gonogo.test -all',
      ],
      'gonogo.test',
    );
  });
  afterAll(() => dnsmasq?.stop());

  const via = () => ({ server: dnsmasq.server });

  test.each([
    ['gonogo.test', 'A', ['127.0.0.7']],
    ['v6.gonogo.test', 'AAAA', ['::7']],
    ['www.gonogo.test', 'CNAME', ['gonogo.test']],
    ['gonogo.test', 'MX', ['10 mx1.gonogo.test', '20 mx2.gonogo.test']],
    ['txt.gonogo.test', 'TXT', ['v=spf1 include:_spf.gonogo.test -all']],
  ])('%s %s answers %j and passes the default', async (name, type, records) => {
    const observed = await observe(name, { type, ...via() });
    expect(observed).toEqual({ records, count: records.length });
    expect(firstFalse(def, dns.defaultExpect, observed)).toBeUndefined();
  });

  test('an expectation on the answer fails when the record differs', async () => {
    const observed = await observe('gonogo.test', via());
    expect(firstFalse(def, ['"10.0.0.1" in records'], observed)).toBe('"10.0.0.1" in records');
  });

  test('NXDOMAIN is no records: the default fails, it is not an error', async () => {
    const observed = await observe('nope.missing.test', via());
    expect(observed).toEqual({ records: [], count: 0 });
    expect(firstFalse(def, dns.defaultExpect, observed)).toBe('count > 0');
    expect(firstFalse(def, ['count == 0'], observed)).toBeUndefined();
  });

  test('NODATA (the name exists, not the type) is no records too', async () => {
    expect(await observe('gonogo.test', { type: 'AAAA', ...via() })).toEqual({ records: [], count: 0 });
  });

  test('a REFUSED answer is an error that says so', async () => {
    const err = await failure(observe('example.org', via()));
    expect(err.message).toBe(
      `A example.org via ${dnsmasq.server}: the resolver refused to answer (REFUSED); does it serve or recurse for this zone?`,
    );
  });
});

describe('dns when the resolver does not answer', () => {
  let silent: Socket;
  let server: string;
  beforeAll(async () => {
    // A UDP socket that reads queries and never replies: a resolver that is down or filtered.
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    server = `127.0.0.1:${silent.address().port}`;
  });
  afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

  test('the engine timeout aborts the query with a timeout error', async () => {
    const { signal, fire } = timeoutSignal();
    silent.once('message', () => fire());
    const err = await failure(
      observe('gonogo.test', { server }, checkContext({ signal, timeoutMs: 30_000 })),
    );
    expect(err.message).toBe(
      `A gonogo.test via ${server}: no answer within 30s (timeout); is the service up and reachable, or does the check need a longer timeout?`,
    );
  });

  test("the resolver's own timeout is an error (ETIMEOUT), never an empty answer", async () => {
    const err = await failure(
      observe('gonogo.test', { server, type: 'TXT' }, checkContext({ timeoutMs: 300 })),
    );
    expect(err.message).toBe(
      `TXT gonogo.test via ${server}: no answer from the resolver (ETIMEOUT); is it up and reachable?`,
    );
  });
});
