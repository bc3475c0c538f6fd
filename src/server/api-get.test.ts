import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { GET_INPUTS_KEPT, openapiGet, validationProblem } from './api-get.js';
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

  it('answers a repeated request from its kept input as the first time, in any order', async () => {
    const { before, after } = apps();
    const answer = async (app: typeof after, url: string) => {
      const r = await app.request(url);
      return `${r.status} ${await r.text()}`;
    };
    // A target too long to be kept among them.
    const urls = [...URLS, `/checklists/launch/preflight?env=${'x'.repeat(600)}`];
    const expected = await Promise.all(urls.map((url) => answer(before, url)));
    for (const order of [urls, [...urls].reverse(), urls])
      for (const url of order) expect(await answer(after, url)).toBe(expected[urls.indexOf(url)]);
  });

  it('keeps at most GET_INPUTS_KEPT inputs, and answers right after dropping them', async () => {
    const { before, after } = apps();
    const url = (i: number) => `/checklists/c${i % (GET_INPUTS_KEPT + 7)}/preflight?env=e${i}`;
    for (let i = 0; i < 3 * GET_INPUTS_KEPT; i += 13) {
      const [a, b] = await Promise.all([before.request(url(i)), after.request(url(i))]);
      expect(await b.text()).toBe(await a.text());
    }
  });

  it('hands handlers inputs they cannot change for the next request', async () => {
    const app = new OpenAPIHono<AppEnv>({ defaultHook: validationProblem });
    const seen: unknown[] = [];
    openapiGet(app, routes.getPreflight, (c, v) => {
      seen.push(v);
      expect(() => {
        (v.query as { env?: string }).env = 'changed';
      }).toThrow(TypeError);
      return c.json(v);
    });
    const first = await (await app.request('/checklists/launch/preflight?env=production')).json();
    const again = await (await app.request('/checklists/launch/preflight?env=production')).json();
    expect(again).toEqual(first);
    expect(first).toEqual({ param: { id: 'launch' }, query: { env: 'production' } });
    expect(seen[1]).toBe(seen[0]);
  });

  it('puts the same operations in the OpenAPI document', () => {
    const { before, after } = apps();
    const config = { openapi: '3.1.0', info: { title: 't', version: '1' } };
    expect(JSON.stringify(after.getOpenAPI31Document(config))).toBe(
      JSON.stringify(before.getOpenAPI31Document(config)),
    );
  });
});
