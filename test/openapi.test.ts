import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import createClient, { type Middleware } from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store, TokenRole } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { ROOT } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';
import type { paths } from './generated/gonogo-api.js';

/**
 * The OpenAPI document as an API consumer uses it, served by a real server on SQLite: Spectral's
 * `spectral:oas` ruleset finds nothing in it (.spectral.yaml), openapi-typescript generates the typed
 * `paths` committed in test/generated/gonogo-api.ts (a drift fails here; `npx vitest run -u
 * test/openapi.test.ts` regenerates it, and `npm run typecheck` checks this file's calls against it), and
 * an openapi-fetch client drives attest → waive → sign-off → preflight, every answer it gets being one the
 * document lists for that operation.
 */

const run = promisify(execFile);

const dir = blockTempDir('gonogo-openapi-');
let store: Store;
let server: RunningServer;
let target: Server;
let doc: OpenApiDoc;
const tokens: Record<string, string> = {};

interface OpenApiDoc {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
  components: { responses: Record<string, { content: Record<string, unknown> }> };
}

const CHECKLIST = (baseUrl: string) => `---
id: launch
name: Payments launch
environments:
  production: { BASE_URL: "${baseUrl}" }
policy:
  waiver_max_days: 30
  signoffs: [security]
---
# Payments launch
## Operations
- [ ] Backups restored in a drill
- [ ] Runbook reviewed by on-call
- [ ] Health endpoint answers
  \`\`\`check
  http: \${BASE_URL}/health
  \`\`\`
## Sign-Off
- [ ] Security Lead: ____ Date: ____
`;

/** Every answer the client got: operation, status and content type, checked against the document. */
const seen: { method: string; path: string; status: number; type: string; body: unknown }[] = [];
const recorder: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const type = response.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await response.clone().json() : undefined;
    seen.push({
      method: request.method.toLowerCase(),
      path: schemaPath,
      status: response.status,
      type,
      body,
    });
  },
};

function client(token?: string) {
  const c = createClient<paths>({
    baseUrl: `${server.url}/api/v1`,
    ...(token ? { headers: { authorization: `Bearer ${tokens[token]}` } } : {}),
  });
  c.use(recorder);
  return c;
}

beforeAll(async () => {
  target = createHttpServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end());
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  await writeFile(
    join(dir, 'launch.md'),
    CHECKLIST(`http://127.0.0.1:${(target.address() as AddressInfo).port}`),
  );
  await writeFile(join(dir, 'broken.md'), '---\nenvironments: [\n---\n# Broken\n- [ ] a\n');
  store = await openStore(join(dir, 'gonogo.db'));
  const make = async (name: string, role: TokenRole, signoffRoles: string[] = []) => {
    const token = `gng_test_${name}_${Math.random().toString(36).slice(2)}`;
    await store.createToken({ name, role, signoffRoles, hash: hashToken(token) }, 'test');
    tokens[name] = token;
  };
  await make('viewer', 'viewer');
  await make('operator', 'operator');
  await make('approver', 'approver', ['security']);
  server = await startServer(
    {
      checklists: dir,
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      // The 429 probe locks out an address of its own (X-Forwarded-For), not the test's.
      config: { trustProxy: true, authFailuresPer10Min: 2 },
    },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApiDoc;
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await new Promise((r) => (target ? target.close(r) : r(undefined)));
});

describe('the served OpenAPI document', () => {
  it('passes Spectral’s spectral:oas ruleset with no error, warning, info or hint', async () => {
    const cli = join(ROOT, 'node_modules/@stoplight/spectral-cli/dist/index.js');
    const r = await run(
      process.execPath,
      [
        cli,
        'lint',
        '--ruleset',
        join(ROOT, '.spectral.yaml'),
        '--fail-severity',
        'hint',
        '--format',
        'json',
        '--quiet',
        join(dir, 'openapi.json'),
      ],
      { cwd: ROOT, env: { ...process.env, SCARF_ANALYTICS: 'false' } },
    ).catch((err: { stdout: string; stderr: string; code: number }) => err);
    const results = JSON.parse(r.stdout || '[]') as { code: string; message: string; path: string[] }[];
    expect(results.map((p) => `${p.code} at ${p.path.join('.')}: ${p.message}`)).toEqual([]);
    expect(r.stderr).toBe('');
  }, 60_000);

  it('names every operation with a unique camelCase, verb-first operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Z][A-Za-z0-9]*$/);
    expect(ids).toEqual(
      expect.arrayContaining([
        'listChecklists',
        'getPreflight',
        'createAttestation',
        'createWaiver',
        'createSignoff',
        'listAuditEvents',
      ]),
    );
  });

  it('declares security on every operation and answers every error as problem+json', () => {
    const doc2 = doc as OpenApiDoc & { components: { securitySchemes: Record<string, { scheme: string }> } };
    expect(doc2.components.securitySchemes.Bearer?.scheme).toBe('bearer');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const security = (op as { security?: Record<string, unknown>[] }).security;
        expect(security, where).toBeDefined();
        // Each requirement names a scheme the document declares (Bearer, or any scheme added later).
        for (const req of security!) {
          for (const scheme of Object.keys(req))
            expect(doc2.components.securitySchemes, where).toHaveProperty(scheme);
        }
        const errors = Object.entries(op.responses).filter(([code]) => Number(code) >= 400);
        // Every authenticated operation lists the answers of its token check; every one lists some error.
        expect(errors.length, where).toBeGreaterThan(0);
        if (security!.length > 0)
          expect(
            errors.map(([c]) => c),
            where,
          ).toContain('401');
        for (const [code, response] of errors) {
          const ref = (response as { $ref?: string }).$ref;
          const resolved = ref ? doc.components.responses[ref.split('/').pop()!] : response;
          const content = (resolved as { content?: Record<string, { schema?: { $ref?: string } }> }).content;
          expect(Object.keys(content ?? {}), `${where} ${code}`).toEqual(['application/problem+json']);
          expect(content!['application/problem+json']!.schema?.$ref, `${where} ${code}`).toBe(
            '#/components/schemas/Problem',
          );
        }
      }
    }
  });

  it('generates the committed typed client paths (openapi-typescript)', async () => {
    const generated = astToString(await openapiTS(structuredClone(doc) as never, { silent: true }));
    await expect(
      `// Generated by openapi-typescript from GET /api/v1/openapi.json: do not edit.\n// Regenerate: npx vitest run -u test/openapi.test.ts\n${generated}`,
    ).toMatchFileSnapshot('./generated/gonogo-api.ts');
  }, 60_000);
});

describe('a generated client (openapi-fetch) driving the launch gate', () => {
  const id = { id: 'launch' };
  const env = 'production';

  const verdict = async () => {
    const { data, error } = await client('operator').GET('/checklists/{id}/preflight', {
      params: { path: id, query: { env, max_age: '0s' } },
    });
    expect(error).toBeUndefined();
    return data!;
  };

  it('attest → waive → sign-off turns the preflight verdict from NO-GO to GO', async () => {
    const before = await verdict();
    expect(before.verdict).toBe('NO-GO');
    expect(before.reasons.map((r) => r.code).sort()).toEqual([
      'item-pending',
      'item-pending',
      'signoff-missing',
    ]);

    const attested = await client('operator').POST('/checklists/{id}/attestations', {
      params: { path: id },
      body: { env, item: 'Backups restored in a drill', evidence: 'https://tickets.example.com/OPS-12' },
    });
    expect(attested.response.status).toBe(201);
    expect(attested.data?.item).toBe('operations/backups-restored-in-a-drill');
    const afterAttest = await verdict();
    expect(afterAttest.verdict).toBe('NO-GO');
    expect(afterAttest.items.find((i) => i.id === 'operations/backups-restored-in-a-drill')?.status).toBe(
      'pass',
    );

    const waived = await client('approver').POST('/checklists/{id}/waivers', {
      params: { path: id },
      body: {
        env,
        item: 'operations/runbook-reviewed-by-on-call',
        reason: 'Review booked for launch week',
        owner: 'sre-team',
        expires: '14d',
      },
    });
    expect(waived.response.status).toBe(201);
    expect(waived.data?.owner).toBe('sre-team');
    const afterWaive = await verdict();
    expect(afterWaive.verdict).toBe('NO-GO');
    expect(afterWaive.reasons.map((r) => r.code)).toEqual(['signoff-missing']);

    const signed = await client('approver').POST('/checklists/{id}/signoffs', {
      params: { path: id },
      body: { env, role: 'security' },
    });
    expect(signed.response.status).toBe(201);
    expect(signed.data?.digest).toBe(afterWaive.checklist.digest);

    const after = await verdict();
    expect(after.verdict).toBe('GO');
    expect(after.reasons).toEqual([]);
    expect(after.summary).toMatchObject({ pass: 3, waived: 1, pending: 0, fail: 0 });
  }, 60_000);

  it('reads runs and the audit log back through the same client', async () => {
    const viewer = client('viewer');
    const runs = await viewer.GET('/checklists/{id}/runs', { params: { path: id, query: { env } } });
    const n = runs.data!.runs[0]!.id!;
    const one = await viewer.GET('/checklists/{id}/runs/{n}', { params: { path: { ...id, n } } });
    expect(one.data?.outcomes.map((o) => o.item)).toEqual(['operations/health-endpoint-answers']);
    const head = await viewer.GET('/audit/head');
    const events = await viewer.GET('/audit', { params: { query: { limit: 5 } } });
    expect(events.data?.events[0]).toMatchObject({ seq: head.data?.seq, hash: head.data?.hash });
    const verified = await viewer.GET('/audit/verify');
    expect(verified.data).toMatchObject({ ok: true, head: head.data });
    const listed = await viewer.GET('/checklists');
    expect(listed.data?.checklists.map((c) => c.id).sort()).toEqual(['broken', 'launch']);
    const model = await viewer.GET('/checklists/{id}', { params: { path: id } });
    expect(model.data?.signoffs).toEqual(['security']);
  });

  it('gets each refusal as a typed problem+json the document lists for the operation', async () => {
    const refusals = [
      [401, await client().GET('/checklists')],
      [
        403,
        await client('viewer').POST('/checklists/{id}/attestations', {
          params: { path: id },
          body: { env, item: 'Backups restored in a drill', evidence: 'seen' },
        }),
      ],
      [
        400,
        await client('operator').POST('/checklists/{id}/attestations', {
          params: { path: id },
          body: { env, item: 'Backups restored in a drill', evidence: 'seen', valid_for: 'soon' },
        }),
      ],
      [
        404,
        await client('operator').POST('/checklists/{id}/attestations', {
          params: { path: id },
          body: { env, item: 'no such item', evidence: 'seen' },
        }),
      ],
      [409, await client('viewer').GET('/checklists/{id}', { params: { path: { id: 'broken' } } })],
      [
        413,
        await client('approver').POST('/checklists/{id}/waivers', {
          params: { path: id },
          body: { env, item: 'x', reason: 'r'.repeat(70_000), owner: 'o', expires: '1d' },
        }),
      ],
    ] as const;
    const guesser = createClient<paths>({
      baseUrl: `${server.url}/api/v1`,
      headers: { authorization: 'Bearer gng_guess', 'x-forwarded-for': '203.0.113.9' },
    });
    guesser.use(recorder);
    const guesses = [await guesser.GET('/checklists')];
    while (guesses.length < 5 && guesses.at(-1)!.response.status === 401) {
      guesses.push(await guesser.GET('/checklists'));
    }
    expect(guesses[0]!.response.status).toBe(401);
    const limited = guesses.at(-1)!;
    expect(limited.response.status).toBe(429);
    expect(limited.response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.error?.status).toBe(429);
    for (const [status, r] of refusals) {
      expect(r.response.status).toBe(status);
      expect(r.data).toBeUndefined();
      // The error is typed from the document's Problem schema.
      expect(r.error).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    }
    expect(refusals.find(([s]) => s === 400)?.[1].error?.field).toBe('valid_for');
  });

  it('answers a body that is not JSON with the documented 415', async () => {
    for (const path of [
      '/checklists/{id}/attestations',
      '/checklists/{id}/waivers',
      '/checklists/{id}/signoffs',
    ]) {
      const res = await fetch(`${server.url}/api/v1${path.replace('{id}', 'launch')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.approver}`, 'content-type': 'text/plain' },
        body: 'security',
      });
      seen.push({
        method: 'post',
        path,
        status: res.status,
        type: res.headers.get('content-type') ?? '',
        body: await res.json(),
      });
      expect(res.status).toBe(415);
      expect((seen.at(-1)!.body as { detail: string }).detail).toContain('Content-Type: application/json');
    }
  });

  it('got only answers the document lists, errors always as application/problem+json', () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const s of seen) {
      const op = doc.paths[s.path]?.[s.method];
      expect(op, `${s.method} ${s.path}`).toBeDefined();
      expect(Object.keys(op!.responses), `${s.method} ${s.path}`).toContain(String(s.status));
      if (s.status >= 400) {
        expect(s.type, `${s.method} ${s.path} ${s.status}`).toBe('application/problem+json');
        expect(s.body).toMatchObject({ status: s.status });
      } else {
        expect(s.type).toMatch(/^application\/json/);
      }
    }
  });
});
