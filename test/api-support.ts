import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { type InProcessServer, startInProcess } from './server-support.js';

/**
 * The set-up of the API tests (test/api-*.test.ts): the server over real HTTP, a real SQLite store in a
 * temp dir, a checklist directory written here, and a local HTTP target for the checklist's http check.
 * The clock is the test's, so "stale" is exact.
 */

/** The test clock's start: every API test file's server reads this time unless its test moves it. */
export const API_START = Date.parse('2026-11-20T09:00:00Z');

const CHECKLIST = (baseUrl: string) => `---
id: launch
name: Payments launch
environments:
  staging: { BASE_URL: "${baseUrl}" }
  production: { BASE_URL: "${baseUrl}" }
policy:
  waiver_max_days: 30
  signoffs: [engineering, security]
---
# Payments launch
## Operations
- [ ] Backups restored in a drill
- [ ] RTO: ______
- [ ] Health endpoint answers
  \`\`\`check
  http: \${BASE_URL}/health
  expect: ['status == 200']
  \`\`\`
## Sign-Off
- [ ] Engineering Lead: ____ Date: ____
- [ ] Security Lead: ____ Date: ____
`;

// biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, asserted field by field
type Json = any;

/** One call to the API under test, and its answer (the body parsed when it is JSON). */
export type ApiCall = (
  method: string,
  path: string,
  opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<{ status: number; headers: Headers; json: Json; text: string }>;

/** What a test file calls the API with. */
export interface ApiUnderTest {
  call: ApiCall;
  /** The token text of each role name, once the API has started. */
  tokens: Record<string, string>;
}

/**
 * Start the API (and the checklist's HTTP target) before the enclosing file's or block's tests and stop
 * it after them; call it at the top of the file. The tokens: viewer, operator, eng-approver (signs off
 * engineering), sec-approver (security), admin.
 * @example let clock = API_START; const { call, tokens } = useApi({ now: () => new Date(clock) });
 */
export function useApi(opts: { now?: () => Date; onTargetHit?: () => void } = {}): ApiUnderTest {
  const tokens: Record<string, string> = {};
  let running: InProcessServer | undefined;
  let target: Server | undefined;

  beforeAll(async () => {
    target = createHttpServer((req, res) => {
      opts.onTargetHit?.();
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    running = await startInProcess({
      prefix: 'gonogo-api-',
      files: {
        'launch.md': CHECKLIST(base),
        'broken.md': '---\nenvironments: [\n---\n# Broken\n- [ ] a\n',
      },
      tokens: [
        { name: 'viewer', role: 'viewer' },
        { name: 'operator', role: 'operator' },
        { name: 'eng-approver', role: 'approver', signoffRoles: ['engineering'] },
        { name: 'sec-approver', role: 'approver', signoffRoles: ['security'] },
        { name: 'admin', role: 'admin' },
      ],
      now: opts.now ?? (() => new Date(API_START)),
      // Distinct X-Forwarded-For addresses let the brute-force test run without locking out the others.
      config: { trustProxy: true, authFailuresPer10Min: 5 },
    });
    Object.assign(tokens, running.tokens);
  });

  afterAll(async () => {
    await running?.close();
    await new Promise((r) => target?.close(r));
  });

  const call: ApiCall = async (method, path, callOpts = {}) => {
    const headers: Record<string, string> = { ...callOpts.headers };
    if (callOpts.token !== undefined) headers.authorization = `Bearer ${callOpts.token}`;
    if (callOpts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${running!.server.url}${path}`, {
      method,
      headers,
      ...(callOpts.body !== undefined
        ? { body: typeof callOpts.body === 'string' ? callOpts.body : JSON.stringify(callOpts.body) }
        : {}),
    });
    const text = await res.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return { call, tokens };
}
