import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import http, { MAX_BODY_BYTES, parseHttpTarget } from './http.js';
import { binaryAvailable } from './test-support/binaries.js';
import { firstFalse, typeErrors } from './test-support/cel.js';
import { createPki, type TestPki } from './test-support/certs.js';
import { checkContext, failure, timeoutSignal } from './test-support/context.js';
import { docExampleProblems } from './test-support/doc-examples.js';
import { closedPort, type Running, startHttpServer, startHttpsServer } from './test-support/servers.js';

const def = http as CheckDefinition<unknown, unknown>;

function observe(target: string, options: Record<string, unknown> = {}, ctx = checkContext()) {
  return http.run(http.target.parse(target), http.options.parse(options), ctx);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

// Fired by the /hang route once the request has arrived, as the engine's timeout would.
let hang = timeoutSignal();
// Requests the /wait route holds (never answered), and what it calls as each arrives.
let held = 0;
let onHeld = () => {};

async function routes(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const json = (status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  switch (req.url) {
    case '/health':
      res.setHeader('x-request-id', 'req-42');
      return json(200, { db: 'ok', checks: ['db', 'disk'] });
    case '/problem':
      return json(503, { title: 'db down' }, 'application/problem+json; charset=utf-8');
    case '/down':
      res.writeHead(503, { 'content-type': 'text/plain' });
      return void res.end('maintenance');
    case '/moved':
      res.writeHead(302, { location: '/health' });
      return void res.end();
    case '/loop':
      res.writeHead(302, { location: '/loop' });
      return void res.end();
    case '/cookies':
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      return void res.end('two cookies');
    case '/broken-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"db": "ok"');
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('x'.repeat(MAX_BODY_BYTES + 4096));
    case '/big-chunked': {
      // No content-length: the body arrives in pieces, past the cap.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const piece = 'y'.repeat(64 * 1024);
      for (let sent = 0; sent < MAX_BODY_BYTES + 256 * 1024; sent += piece.length) res.write(piece);
      return void res.end();
    }
    case '/early':
      res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
      return json(200, { after: 'hints' });
    case '/hang':
      hang.fire();
      return;
    case '/wait':
      held++;
      onHeld();
      return;
    case '/agent':
      return json(200, {
        agent: req.headers['user-agent'] ?? null,
        authorization: req.headers.authorization ?? null,
      });
    default:
      return json(200, {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization ?? null,
        contentType: req.headers['content-type'] ?? null,
        trace: req.headers['x-trace'] ?? null,
        body: await readBody(req),
      });
  }
}

let server: Running;
beforeAll(async () => {
  server = await startHttpServer((req, res) => void routes(req, res));
});
afterAll(() => server.close());

describe('http target and options', () => {
  test.each([
    ['https://example.com/health', 'GET', 'https://example.com/health'],
    ['POST https://example.com/api', 'POST', 'https://example.com/api'],
    ['delete http://10.0.0.1:8080/x?y=1', 'DELETE', 'http://10.0.0.1:8080/x?y=1'],
  ])('%s', (text, method, url) => {
    const target = parseHttpTarget(text);
    expect(target.method).toBe(method);
    expect(target.url.href).toBe(url);
  });

  test.each([
    ['example.com/health', /is not an absolute URL/],
    ['FETCH https://example.com', /unknown HTTP method "FETCH"/],
    ['ftp://example.com/file', /"ftp:" URLs are not supported/],
    ['GET https://example.com/a b', /spaces in a URL must be written %20/],
  ])('%s is refused at lint time: %s', (text, message) => {
    const result = http.target.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  test.each([
    ['defaults', {}, { headers: {}, followRedirects: false, tlsVerify: true }],
    [
      'header names in lower case, values as text',
      { headers: { 'X-Count': 5, Accept: 'text/plain' } },
      { headers: { 'x-count': '5', accept: 'text/plain' }, followRedirects: false, tlsVerify: true },
    ],
    [
      'a YAML body as JSON, with its content type',
      { body: { a: 1 }, follow_redirects: true },
      {
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
        followRedirects: true,
        tlsVerify: true,
      },
    ],
    [
      'a text body as is, with the type the author gave',
      { body: 'x=1', headers: { 'Content-Type': 'text/plain' }, tls_verify: false, ca: ' ca.pem ' },
      {
        headers: { 'content-type': 'text/plain' },
        body: 'x=1',
        followRedirects: false,
        tlsVerify: false,
        ca: 'ca.pem',
      },
    ],
  ])('options: %s are parsed once into what run() receives', (_name, input, parsed) => {
    expect(http.options.parse(input)).toEqual(parsed);
  });

  test('options stay strict', () => {
    const bad = http.options.safeParse({ follow_redirect: true });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('follow_redirect');
  });

  test('the target schema hands run() the method and the URL', () => {
    const target = http.target.parse(' post https://example.com/api ');
    expect(target.method).toBe('POST');
    expect(target.url).toBeInstanceOf(URL);
    expect(target.url.href).toBe('https://example.com/api');
  });

  test('hostKey is the origin host:port', () => {
    const opts = http.options.parse({});
    expect(http.hostKey?.(http.target.parse('https://example.com/x'), opts)).toBe('example.com:443');
    expect(http.hostKey?.(http.target.parse('POST http://example.com:8080/x'), opts)).toBe(
      'example.com:8080',
    );
  });

  test('the examples in docs/checks/http.md are valid checks', async () => {
    expect(await docExampleProblems(def)).toEqual([]);
  });

  test('default and typical conditions use only declared variables', () => {
    expect(
      typeErrors(def, [
        ...http.defaultExpect,
        'status == 200',
        'body.db == "ok"',
        '"x-request-id" in headers',
        'headers["content-type"].startsWith("application/json")',
        'text.contains("ok")',
        'latency_ms < 500.0',
        'location.endsWith("/login")',
        '!truncated',
      ]),
    ).toEqual([]);
    expect(typeErrors(def, ['rows.size() > 0'])).toHaveLength(1);
  });
});

describe('http against a local server', () => {
  test('200 JSON: status, parsed body, headers; the conditions of seed 000 pass', async () => {
    const observed = await observe(`${server.url}/health`);
    expect(observed).toMatchObject({
      status: 200,
      body: { db: 'ok', checks: ['db', 'disk'] },
      text: '{"db":"ok","checks":["db","disk"]}',
      location: '',
      truncated: false,
    });
    expect((observed.headers as Record<string, string>)['x-request-id']).toBe('req-42');
    expect(observed.latency_ms).toBeGreaterThan(0);
    const conditions = [...http.defaultExpect, 'body.db == "ok"', '"x-request-id" in headers'];
    expect(firstFalse(def, conditions, observed)).toBeUndefined();
  });

  test('503 is observed and fails the default expectation (not an error)', async () => {
    const observed = await observe(`${server.url}/down`);
    expect(observed).toMatchObject({ status: 503, body: 'maintenance', text: 'maintenance' });
    expect(firstFalse(def, http.defaultExpect, observed)).toBe('status >= 200 && status < 300');
  });

  test('problem+json bodies are parsed as JSON too', async () => {
    const observed = await observe(`${server.url}/problem`);
    expect(observed.body).toEqual({ title: 'db down' });
  });

  test('a redirect is observed with its location unless follow_redirects is set', async () => {
    const moved = await observe(`${server.url}/moved`);
    expect(moved).toMatchObject({ status: 302, location: '/health' });
    expect(firstFalse(def, ['status == 302', 'location == "/health"'], moved)).toBeUndefined();
    const followed = await observe(`${server.url}/moved`, { follow_redirects: true });
    expect(followed).toMatchObject({ status: 200, location: '', body: { db: 'ok', checks: ['db', 'disk'] } });
  });

  test('a redirect loop with follow_redirects is an error', async () => {
    const err = await failure(observe(`${server.url}/loop`, { follow_redirects: true }));
    expect(err.message).toBe(
      `${server.url}/loop: the redirects loop or go on for more than 10 hops; check the Location headers, or set \`follow_redirects: false\` and assert on \`location\``,
    );
  });

  test('repeated headers are joined with ", "', async () => {
    const observed = await observe(`${server.url}/cookies`);
    expect((observed.headers as Record<string, string>)['set-cookie']).toBe('a=1, b=2');
  });

  test('a body labelled JSON that does not parse stays text', async () => {
    const observed = await observe(`${server.url}/broken-json`);
    expect(observed.body).toBe('{"db": "ok"');
  });

  test('bodies over 1 MiB are cut and flagged', async () => {
    const observed = await observe(`${server.url}/big`);
    expect(observed.truncated).toBe(true);
    expect((observed.text as string).length).toBe(MAX_BODY_BYTES);
  });

  test('a body sent in pieces without a length is cut too, and the next request still gets through', async () => {
    const observed = await observe(`${server.url}/big-chunked`);
    expect(observed.truncated).toBe(true);
    expect(observed.text).toBe('y'.repeat(MAX_BODY_BYTES));
    expect((await observe(`${server.url}/health`)).status).toBe(200);
  });

  test('informational responses (103 Early Hints) are skipped for the final one', async () => {
    const observed = await observe(`${server.url}/early`);
    expect(observed.status).toBe(200);
    expect(observed.body).toEqual({ after: 'hints' });
  });

  test('HEAD observes the status and headers with an empty body', async () => {
    const observed = await observe(`HEAD ${server.url}/health`);
    expect(observed.status).toBe(200);
    expect(observed.headers).toMatchObject({ 'x-request-id': 'req-42' });
    expect(observed.text).toBe('');
  });

  test('method, headers and a JSON body from options are sent', async () => {
    const observed = await observe(`PUT ${server.url}/echo`, {
      headers: { 'X-Trace': 'abc' },
      body: { enabled: true },
    });
    expect(observed.body).toMatchObject({
      method: 'PUT',
      trace: 'abc',
      contentType: 'application/json',
      body: '{"enabled":true}',
    });
  });

  test('the user agent is gonogo unless the check names one, and credentials stay with their request', async () => {
    const agent = async (target: string, options: Record<string, unknown> = {}) =>
      (await observe(target, options)).body;
    const url = `http://127.0.0.1:${server.port}/agent`;
    expect(await agent(url)).toEqual({ agent: 'gonogo', authorization: null });
    expect(await agent(`http://ops:s3cret@127.0.0.1:${server.port}/agent`)).toEqual({
      agent: 'gonogo',
      authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}`,
    });
    expect(await agent(url, { headers: { 'User-Agent': 'probe/1' } })).toEqual({
      agent: 'probe/1',
      authorization: null,
    });
    // The requests without headers of their own share one header object: nothing above was added to it.
    expect(await agent(url)).toEqual({ agent: 'gonogo', authorization: null });
  });

  test('URL credentials become Basic auth and never appear in messages', async () => {
    const observed = await observe(`http://ops:s3cret@127.0.0.1:${server.port}/echo`);
    expect((observed.body as { authorization: string }).authorization).toBe(
      `Basic ${Buffer.from('ops:s3cret').toString('base64')}`,
    );
    const port = await closedPort();
    const err = await failure(observe(`http://ops:s3cret@127.0.0.1:${port}/x?token=abc`));
    expect(err.message).not.toContain('s3cret');
    expect(err.message).not.toContain('abc');
  });

  test('a closed port is an error saying nothing listens there', async () => {
    const port = await closedPort();
    const err = await failure(observe(`http://127.0.0.1:${port}/health`));
    expect(err.message).toBe(
      `connect ECONNREFUSED 127.0.0.1:${port}: nothing listens there; is the service up?`,
    );
  });

  test('https:// to a plain HTTP port is an error asking whether it speaks TLS', async () => {
    const err = await failure(observe(`https://127.0.0.1:${server.port}/health`));
    expect(err.message).toBe(
      `TLS handshake with 127.0.0.1:${server.port} failed (wrong version number); does that port speak TLS?`,
    );
  });

  test('a server that does not answer is a timeout error when the engine aborts', async () => {
    hang = timeoutSignal();
    const err = await failure(
      observe(`${server.url}/hang`, {}, checkContext({ signal: hang.signal, timeoutMs: 10_000 })),
    );
    expect(err.message).toBe(
      `GET ${server.url}/hang: no answer within 10s (timeout); is the service up and reachable, or does the check need a longer timeout?`,
    );
  });

  test('every request in flight on a shared signal stops when it aborts; one that ended is untouched', async () => {
    const shared = timeoutSignal();
    const ctx = checkContext({ signal: shared.signal, timeoutMs: 10_000 });
    const ended = await observe(`${server.url}/health`, {}, ctx);
    held = 0;
    const arrived = new Promise<void>((resolve) => {
      onHeld = () => {
        if (held === 3) resolve();
      };
    });
    const waiting = [1, 2, 3].map(() => failure(observe(`${server.url}/wait`, {}, ctx)));
    await arrived;
    shared.fire();
    for (const err of await Promise.all(waiting)) {
      expect(err.message).toBe(
        `GET ${server.url}/wait: no answer within 10s (timeout); is the service up and reachable, or does the check need a longer timeout?`,
      );
    }
    expect(ended.status).toBe(200);
  });

  test('a run cancelled (not timed out) says so', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await failure(
      observe(`${server.url}/health`, {}, checkContext({ signal: controller.signal })),
    );
    expect(err.message).toBe(`GET ${server.url}/health: cancelled before it finished`);
  });
});

const haveOpenssl = await binaryAvailable('/usr/bin/openssl', 'openssl');

describe.skipIf(!haveOpenssl)('http over HTTPS with a certificate the test made', () => {
  let pki: TestPki;
  let https: Running;
  beforeAll(async () => {
    pki = await createPki();
    const leaf = await pki.issue({ cn: 'localhost', san: ['DNS:localhost', 'IP:127.0.0.1'] });
    https = await startHttpsServer(leaf, (req, res) => void routes(req, res));
  });
  afterAll(async () => {
    await https?.close();
    await pki?.cleanup();
  });

  test('an untrusted CA is an error telling how to trust it', async () => {
    const err = await failure(observe(`https://localhost:${https.port}/health`));
    expect(err.message).toBe(
      `TLS verification of https://localhost:${https.port}/health failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE); give the CA with \`ca:\` (path or PEM), or set \`tls_verify: false\` for a test endpoint`,
    );
  });

  test('with `ca` (path or PEM) the request verifies and passes', async () => {
    for (const ca of [pki.caPath, pki.caPem]) {
      const observed = await observe(`https://localhost:${https.port}/health`, { ca });
      expect(observed.status).toBe(200);
      expect(firstFalse(def, http.defaultExpect, observed)).toBeUndefined();
    }
  });

  test('a certificate for another name is an error naming the host', async () => {
    const other = await startHttpsServer(
      await pki.issue({ cn: 'other.test', san: ['DNS:other.test'] }),
      (_q, r) => r.end(),
    );
    try {
      const err = await failure(observe(`https://localhost:${other.port}/`, { ca: pki.caPath }));
      expect(err.message).toBe(
        `TLS certificate of https://localhost:${other.port}/ does not name localhost (ERR_TLS_CERT_ALTNAME_INVALID); use a name the certificate lists, or fix the certificate`,
      );
    } finally {
      await other.close();
    }
  });

  test('tls_verify: false accepts the certificate', async () => {
    const observed = await observe(`https://localhost:${https.port}/health`, { tls_verify: false });
    expect(observed).toMatchObject({ status: 200, body: { db: 'ok', checks: ['db', 'disk'] } });
  });
});
