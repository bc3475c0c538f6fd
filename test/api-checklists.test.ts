import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { useApi } from './api-support.js';

/** What the API describes: the checklists it loaded (or could not), and its own OpenAPI document. */

const { call, tokens } = useApi();

describe('checklists', () => {
  it('lists loaded checklists and the ones that failed with their error', async () => {
    const r = await call('GET', '/api/v1/checklists', { token: tokens.viewer });
    const byId = Object.fromEntries(r.json.checklists.map((c: { id: string }) => [c.id, c]));
    expect(byId.launch).toMatchObject({
      name: 'Payments launch',
      environments: ['staging', 'production'],
      items: 5,
    });
    expect(byId.broken.error).toMatch(/broken\.md:2:\d+/);
  });

  it('returns the model, 404 for an unknown id and 409 for a file that does not load', async () => {
    const model = await call('GET', '/api/v1/checklists/launch', { token: tokens.viewer });
    expect(model.status).toBe(200);
    expect(model.json.signoffs).toEqual(['engineering', 'security']);
    expect(model.json.items.map((i: { id: string }) => i.id)).toContain('operations/health-endpoint-answers');
    const missing = await call('GET', '/api/v1/checklists/nope', { token: tokens.viewer });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, field: 'id' });
    expect(missing.json.detail).toContain('launch');
    const broken = await call('GET', '/api/v1/checklists/broken', { token: tokens.viewer });
    expect(broken.status).toBe(409);
    expect(broken.json.detail).toContain('broken.md');
  });
});

describe('OpenAPI', () => {
  it('is a valid OpenAPI 3.1 document listing every route, public, generated from the request schemas', async () => {
    const r = await call('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const result = await new Validator().validate(r.json);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(r.json.openapi).toBe('3.1.0');
    const routes = Object.entries(r.json.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /checklists',
        'GET /checklists/{id}',
        'POST /checklists/{id}/runs',
        'GET /checklists/{id}/runs',
        'GET /checklists/{id}/runs/{n}',
        'GET /checklists/{id}/preflight',
        'POST /checklists/{id}/attestations',
        'POST /checklists/{id}/waivers',
        'POST /checklists/{id}/signoffs',
        'GET /audit',
        'GET /audit/head',
        'GET /audit/verify',
        'POST /runner/jobs:claim',
        'POST /runner/jobs/{id}:complete',
        'GET /openapi.json',
      ].sort(),
    );
    const attest = r.json.paths['/checklists/{id}/attestations'].post;
    const schema = attest.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? r.json.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(resolved.required).toEqual(expect.arrayContaining(['item', 'evidence']));
    expect(resolved.additionalProperties).toBe(false);
    expect(Object.keys(attest.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404']),
    );
  });

  it.each([
    ['post', '/checklists/{id}/runs'],
    ['get', '/checklists/{id}/preflight'],
    ['post', '/checklists/{id}/attestations'],
    ['post', '/checklists/{id}/waivers'],
    ['post', '/checklists/{id}/signoffs'],
  ])('lists 503 (store unavailable, problem+json) for %s %s, which writes', async (method, path) => {
    const r = await call('GET', '/api/v1/openapi.json');
    const ref: string | undefined = r.json.paths[path][method].responses['503']?.$ref;
    const response = r.json.components.responses[ref?.split('/').pop() ?? ''];
    expect(Object.keys(response?.content ?? {})).toEqual(['application/problem+json']);
  });
});
