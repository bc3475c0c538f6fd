import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import * as z from 'zod';
import type { Item } from '../../model/checklist.js';
import { type CheckDefinition, CheckFailure, defineCheck, type KindRegistry } from '../check.js';
import type { RunOptions } from '../run-checklist.js';
import { checklistOf, registryOf, secretKind } from './kinds.js';
import { MemoryStore } from './memory-store.js';

/** A real local HTTP server for runChecklist tests, and a small kind over fetch that checks it. */

/** A small HTTP kind over fetch, so the engine is tested against a real server without another layer. */
const web = defineCheck({
  kind: 'web',
  summary: 'GET a URL',
  target: z.string(),
  options: z.strictObject({ headers: z.record(z.string(), z.string()).optional() }),
  variables: {
    status: { type: 'int', description: 'status' },
    headers: { type: 'map<string, string>', description: 'headers' },
    body: { type: 'dyn', description: 'body' },
  },
  defaultExpect: ['status >= 200 && status < 300'],
  hostKey: (target: string) => new URL(target).host,
  async run(target: string, options, ctx) {
    let res: Response;
    try {
      res = await fetch(target, { signal: ctx.signal, headers: options.headers ?? {} });
    } catch (err) {
      throw new CheckFailure(
        `GET ${target}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
      );
    }
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return {
      status: res.status,
      headers: Object.fromEntries([...(res.headers as unknown as Iterable<[string, string]>)]),
      body,
    };
  },
});

/** The `web` kind above and the `secret` kind of kinds.ts. */
export const webRegistry: KindRegistry = registryOf(
  web as CheckDefinition<unknown, unknown>,
  secretKind as CheckDefinition<unknown, unknown>,
);

/** The clock of the runs `options` makes. */
export const fixedNow = new Date('2026-12-01T10:00:00.000Z');

/** The server of webTarget, and what it saw. */
export interface WebTarget {
  /** `http://127.0.0.1:PORT` (set once the enclosing file or block's beforeAll ran). */
  base: string;
  /** The most requests it had in flight at once since the test last set it to 0. */
  maxInFlight: number;
  /** Requests to /flap so far: even ones answer 200, odd ones 500. */
  flapCount: number;
  /** Run options over `items` (environment production, its BASE_URL this server), a fresh MemoryStore. */
  options(items: Item[], extra?: Partial<RunOptions>): RunOptions & { store: MemoryStore };
}

/**
 * Start the target server before the enclosing file's (or block's) tests, close it after them. It answers
 * on a later turn, so concurrent requests overlap: /ready 200, /down 503, /echo (the authorization header
 * and the `dsn` parameter), /flap (200 and 500 in turn), anything else 404.
 * @example const target = webTarget(); it('…', async () => { await runChecklist(target.options([item])); })
 */
export function webTarget(): WebTarget {
  let server: Server;
  let inFlight = 0;
  const target: WebTarget = {
    base: '',
    maxInFlight: 0,
    flapCount: 0,
    options: (items, extra = {}) =>
      ({
        checklist: checklistOf(items, { environments: { production: { BASE_URL: target.base } } }),
        environment: 'production',
        registry: webRegistry,
        store: new MemoryStore(),
        now: () => fixedNow,
        env: {},
        baseDir: '/tmp',
        trigger: 'cli',
        ...extra,
      }) as RunOptions & { store: MemoryStore },
  };

  function handle(req: IncomingMessage, res: ServerResponse) {
    inFlight++;
    target.maxInFlight = Math.max(target.maxInFlight, inFlight);
    const send = (status: number, body: unknown) => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
      res.end(JSON.stringify(body));
    };
    // Answer on a later turn so concurrent requests really overlap at the server.
    setImmediate(() => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/ready') return send(200, { db: 'ok', count: 3 });
      if (url.pathname === '/down') return send(503, { db: 'down' });
      if (url.pathname === '/echo')
        return send(200, { auth: req.headers.authorization ?? null, dsn: url.searchParams.get('dsn') });
      if (url.pathname === '/flap') return send(target.flapCount++ % 2 === 0 ? 200 : 500, {});
      return send(404, {});
    });
  }

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return target;
}
