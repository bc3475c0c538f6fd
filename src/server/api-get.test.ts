import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { openapiGet, validationProblem } from './api-get.js';
import { routes } from './api-routes.js';
import type { AppEnv } from './env.js';

/**
 * `openapiGet` answers exactly as `api.openapi` does (same document, same validated values, same 400
 * problems), for every GET operation with a query or path parameters.
 */
const GETS = ['getChecklist', 'listRuns', 'getRun', 'getPreflight', 'listAuditEvents'] as const;

function apps() {
  const before = new OpenAPIHono<AppEnv>({ defaultHook: validationProblem });
  const after = new OpenAPIHono<AppEnv>({ defaultHook: validationProblem });
  for (const name of GETS) {
    const route = routes[name];
    // biome-ignore lint/suspicious/noExplicitAny: the reference handler echoes whatever was validated.
    before.openapi(route, ((c: any) =>
      c.json({ param: c.req.valid('param'), query: c.req.valid('query') })) as never);
    openapiGet(after, route, (c, v) => c.json(v));
  }
  return { before, after };
}

const URLS = [
  '/checklists/launch',
  '/checklists/launch/runs',
  '/checklists/launch/runs?env=prod&limit=5&before=12',
  '/checklists/launch/runs?limit=0',
  '/checklists/launch/runs?limit=1001',
  '/checklists/launch/runs?limit=abc',
  '/checklists/launch/runs?env=a&env=b',
  '/checklists/launch/runs/7',
  '/checklists/launch/runs/zero',
  '/checklists/launch/runs/-1',
  '/checklists/launch/preflight',
  '/checklists/launch/preflight?env=production',
  '/checklists/launch/preflight?env=production&max_age=5m',
  '/checklists/launch/preflight?max_age=later',
  '/checklists/launch/preflight?env=%20odd%2Bname&max_age=0s',
  '/checklists/launch/preflight?unknown=1',
  '/checklists/l%C3%A4unch/preflight?env=',
  '/audit',
  '/audit?after=3&limit=2',
  '/audit?after=-1',
  '/audit?before=x',
];

describe('openapiGet', () => {
  it.each(URLS)('GET %s answers as api.openapi does', async (url) => {
    const { before, after } = apps();
    const [a, b] = await Promise.all([before.request(url), after.request(url)]);
    expect(b.status).toBe(a.status);
    expect(b.headers.get('content-type')).toBe(a.headers.get('content-type'));
    expect(await b.text()).toBe(await a.text());
  });

  it('puts the same operations in the OpenAPI document', () => {
    const { before, after } = apps();
    const config = { openapi: '3.1.0', info: { title: 't', version: '1' } };
    expect(JSON.stringify(after.getOpenAPI31Document(config))).toBe(
      JSON.stringify(before.getOpenAPI31Document(config)),
    );
  });
});
