import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CheckDefinition, Observation } from '../engine/check.js';
import { binaryAvailable } from './test-support/binaries.js';
import { firstFalse, typeErrors } from './test-support/cel.js';
import { createPki, type IssuedCert, type TestPki } from './test-support/certs.js';
import { checkContext, failure, timeoutSignal } from './test-support/context.js';
import { docExampleProblems } from './test-support/doc-examples.js';
import { closedPort, type Running, startHttpServer, startTlsServer } from './test-support/servers.js';
import tls, { parseSubjectAltName } from './tls.js';

const def = tls as CheckDefinition<unknown, unknown>;
const LOCAL_SAN = ['DNS:localhost', 'IP:127.0.0.1'];

function observe(target: string, options: Record<string, unknown> = {}, ctx = checkContext()) {
  return tls.run(tls.target.parse(target), tls.options.parse(options), ctx);
}

describe('tls declarations', () => {
  test('the examples in docs/checks/tls.md are valid checks', async () => {
    expect(await docExampleProblems(def)).toEqual([]);
  });

  test('default and typical conditions use only declared variables', () => {
    expect(
      typeErrors(def, [
        ...tls.defaultExpect,
        'days_left > 30.0',
        'protocol == "TLSv1.3"',
        '"api.example.com" in san',
        'issuer.contains("Let\'s Encrypt")',
        'subject == "example.com"',
        'authorization_error == ""',
        'not_after.startsWith("2027")',
      ]),
    ).toEqual([]);
    expect(typeErrors(def, ['status == 200'])).toHaveLength(1);
  });

  test.each([
    ['DNS:a.example, DNS:b.example', ['a.example', 'b.example']],
    ['DNS:localhost, IP Address:127.0.0.1', ['localhost', '127.0.0.1']],
    [
      'email:ops@example.com, URI:https://example.com/x',
      ['email:ops@example.com', 'URI:https://example.com/x'],
    ],
    ['DNS:"a, b.example", DNS:c', ['a, b.example', 'c']],
    [undefined, []],
  ])('subjectaltname %s lists as %j', (text, expected) => {
    expect(parseSubjectAltName(text)).toEqual(expected);
  });

  test('options are strict and the target is host:port', () => {
    expect(tls.options.safeParse({ server_name: 'x' }).success).toBe(false);
    expect(tls.target.safeParse('https://example.com').success).toBe(false);
    expect(tls.hostKey?.(tls.target.parse('example.com:443'), {})).toBe('example.com:443');
  });

  test.each([
    ['example.com:443', {}, { host: 'example.com', port: 443 }, {}],
    [
      '[::1]:8443',
      { servername: ' api.internal ' },
      { host: '::1', port: 8443 },
      { servername: 'api.internal' },
    ],
  ])('%s with %j is parsed once into host, port and servername', (target, options, host, parsed) => {
    expect(tls.target.parse(target)).toEqual(host);
    expect(tls.options.parse(options)).toEqual(parsed);
  });
});

const haveOpenssl = await binaryAvailable('/usr/bin/openssl', 'openssl');

describe.skipIf(!haveOpenssl)('tls against a real TLS server', () => {
  let pki: TestPki;
  const servers: Running[] = [];
  const serve = async (cert: IssuedCert) => {
    const server = await startTlsServer(cert);
    servers.push(server);
    return server;
  };
  let good: Running;

  beforeAll(async () => {
    pki = await createPki();
    good = await serve(await pki.issue({ cn: 'localhost', san: LOCAL_SAN, days: 90 }));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await pki?.cleanup();
  });

  const pass = (observed: Observation) =>
    expect(firstFalse(def, tls.defaultExpect, observed)).toBeUndefined();

  test('a good certificate trusted through `ca` (a path) passes', async () => {
    const observed = await observe(`localhost:${good.port}`, { ca: pki.caPath });
    expect(observed).toMatchObject({
      valid: true,
      protocol: 'TLSv1.3',
      issuer: 'gonogo test CA',
      subject: 'localhost',
      san: ['localhost', '127.0.0.1'],
      authorization_error: '',
    });
    expect(observed.days_left).toBeGreaterThan(89);
    expect(observed.days_left).toBeLessThanOrEqual(90);
    pass(observed);
  });

  test('days_left counts from the run clock, so a rehearsal (GONOGO_NOW) sees launch day', async () => {
    const inSixtyDays = () => new Date(Date.now() + 60 * 86_400_000);
    const observed = await observe(
      `localhost:${good.port}`,
      { ca: pki.caPath },
      checkContext({ now: inSixtyDays }),
    );
    expect(observed.days_left).toBeGreaterThan(29);
    expect(observed.days_left).toBeLessThanOrEqual(30);
  });

  test('`ca` relative to the checklist directory, as PEM text, and an IP target all verify', async () => {
    const relative = await observe(
      `localhost:${good.port}`,
      { ca: 'ca.crt' },
      checkContext({ baseDir: pki.dir }),
    );
    expect(relative.valid).toBe(true);
    const pem = await observe(`127.0.0.1:${good.port}`, { ca: pki.caPem });
    expect(pem.valid).toBe(true);
  });

  test('without the CA the chain does not verify: valid false with the reason', async () => {
    const observed = await observe(`localhost:${good.port}`);
    expect(observed.valid).toBe(false);
    expect(observed.authorization_error).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE: /);
    expect(firstFalse(def, tls.defaultExpect, observed)).toBe('valid && days_left > 14');
  });

  test('a certificate that does not name the host is not valid', async () => {
    const observed = await observe(`localhost:${good.port}`, {
      ca: pki.caPath,
      servername: 'api.example.com',
    });
    expect(observed.valid).toBe(false);
    expect(observed.authorization_error).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: .*api\.example\.com/);
  });

  test('a certificate expiring in 3 days is valid but fails the default on days_left', async () => {
    const soon = await serve(await pki.issue({ cn: 'localhost', san: LOCAL_SAN, days: 3 }));
    const observed = await observe(`localhost:${soon.port}`, { ca: pki.caPath });
    expect(observed.valid).toBe(true);
    expect(observed.days_left).toBeGreaterThan(2);
    expect(observed.days_left).toBeLessThanOrEqual(3);
    expect(firstFalse(def, ['valid', 'days_left > 14.0'], observed)).toBe('days_left > 14.0');
  });

  test('an expired certificate is not valid, with negative days_left', async () => {
    const expired = await serve(await pki.issue({ cn: 'localhost', san: LOCAL_SAN, expired: true }));
    const observed = await observe(`localhost:${expired.port}`, { ca: pki.caPath });
    expect(observed.valid).toBe(false);
    expect(observed.days_left).toBeLessThan(0);
    expect(observed.not_after).toBe('2020-02-01T00:00:00.000Z');
    expect(observed.authorization_error).toMatch(/^CERT_HAS_EXPIRED: certificate has expired/);
  });

  test('a self-signed certificate is reported, not rejected', async () => {
    const self = await serve(await pki.selfSigned({ cn: 'self.test', san: ['DNS:localhost'] }));
    const observed = await observe(`localhost:${self.port}`);
    expect(observed).toMatchObject({ valid: false, subject: 'self.test', issuer: 'self.test' });
    expect(observed.authorization_error).toMatch(/^DEPTH_ZERO_SELF_SIGNED_CERT: /);
  });

  test('a port that does not speak TLS is an error saying so', async () => {
    const http = await startHttpServer((_req, res) => res.end('plain'));
    try {
      const err = await failure(observe(`127.0.0.1:${http.port}`));
      expect(err.message).toBe(
        `TLS handshake with 127.0.0.1:${http.port} failed (wrong version number); does that port speak TLS?`,
      );
    } finally {
      await http.close();
    }
  });

  test('a missing `ca` file is an error naming the file', async () => {
    const err = await failure(
      observe(`localhost:${good.port}`, { ca: 'nope.pem' }, checkContext({ baseDir: pki.dir })),
    );
    expect(err.message).toBe(
      `ca: cannot read ${join(pki.dir, 'nope.pem')} (ENOENT); give the path of a PEM file (relative to the checklist) or the PEM text itself`,
    );
  });
});

describe('tls when nothing answers', () => {
  test('a closed port is an error', async () => {
    const port = await closedPort();
    const err = await failure(observe(`127.0.0.1:${port}`));
    expect(err.message).toBe(
      `connect ECONNREFUSED 127.0.0.1:${port}: nothing listens there; is the service up?`,
    );
  });

  test('a server that never answers the handshake times out when the signal fires', async () => {
    const { signal, fire } = timeoutSignal();
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      fire();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const err = await failure(observe(`127.0.0.1:${port}`, {}, checkContext({ signal, timeoutMs: 5000 })));
      expect(err.message).toBe(
        `TLS handshake with 127.0.0.1:${port}: no answer within 5s (timeout); is the service up and reachable, or does the check need a longer timeout?`,
      );
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
