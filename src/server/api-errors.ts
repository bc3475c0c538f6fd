import type { OpenAPIHono } from '@hono/zod-openapi';
import { HttpProblem } from './problem.js';
import { ProblemSchema } from './schemas.js';

/**
 * The error answers of /api/v1, as shared `components.responses` of the OpenAPI document: each one
 * `application/problem+json` with the shared `Problem` schema and an example made by the same code
 * that makes the server's own (HttpProblem), so the two cannot differ.
 */

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'integer' as const, minimum: 0, example: 1 },
  },
};

/** An error answer with the Problem schema and an example as the server writes it. */
export function problem(
  status: ErrorStatus,
  description: string,
  example: { detail: string; field?: string },
  headers?: Record<string, { description: string; required: boolean; schema: object }>,
) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      'application/problem+json': {
        schema: PROBLEM_REF,
        example: new HttpProblem(status, example.detail, example.field).toProblem(),
      },
    },
  };
}

const RESPONSES = {
  BadRequest: problem(400, 'Invalid request: `field` names the parameter or body field at fault.', {
    detail:
      'expires: 45d is more than 30 days away; policy.waiver_max_days is 30: choose an earlier date or fix the item',
    field: 'expires',
  }),
  Unauthorized: problem(
    401,
    'No token, or an unknown, revoked or expired one (the detail says which, and when).',
    { detail: 'token "ci" was revoked at 2026-11-19T17:02:11.000Z' },
    {
      'WWW-Authenticate': {
        description: 'The scheme to authenticate with: `Bearer`.',
        required: true,
        schema: { type: 'string', example: 'Bearer realm="gonogo"' },
      },
    },
  ),
  Forbidden: problem(
    403,
    'The token’s role is too low, or it does not hold the sign-off role, or the sign-off policy refuses this signer.',
    { detail: 'token "viewer" has role viewer; attesting needs operator or higher' },
  ),
  NotFound: problem(404, 'Unknown checklist, environment, item or run (`field` says which).', {
    detail: 'no checklist "lanch"; known: launch',
    field: 'id',
  }),
  Conflict: problem(
    409,
    'The checklist file is on disk but does not load (`detail` has `file:line:column` of each problem), or the checklist’s state forbids the action now.',
    {
      detail: 'checklist broken (broken.md) does not load: broken.md:2:15: environments: not a map',
      field: 'id',
    },
  ),
  ContentTooLarge: problem(413, 'The request body is larger than the server’s limit (64 KiB by default).', {
    detail: 'request body is larger than 65536 bytes',
  }),
  UnsupportedMediaType: problem(415, 'The body is not JSON: send it with `Content-Type: application/json`.', {
    detail: 'the body must be JSON: send it with Content-Type: application/json (got "text/plain")',
  }),
  TooManyRequests: problem(
    429,
    'Rate limited: per token, or per client address (requests without a token, and after too many bad tokens).',
    { detail: 'too many failed authentications from this address; retry in 540s' },
    retryAfter,
  ),
  InternalError: problem(
    500,
    'Internal error: the detail names the request id to look for in the server log.',
    {
      detail:
        'internal error; the server log has details under request id 5f0c6a1e-8b1d-4c3a-9f2e-7a6b5c4d3e2f',
    },
  ),
  Unavailable: problem(
    503,
    'The store is unavailable for a moment (nothing was recorded), or the server has just started and is still loading its checklists (the detail begins `loading checklists`). Retry after `Retry-After` seconds.',
    { detail: 'the store is unavailable right now; nothing was recorded, retry shortly' },
    retryAfter,
  ),
};

const ref = (name: keyof typeof RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** What any authenticated operation can answer: bad token, rate limit, internal error, store down. */
export const always = {
  401: ref('Unauthorized'),
  429: ref('TooManyRequests'),
  500: ref('InternalError'),
  503: ref('Unavailable'),
};
/** A parameter or body field the route refuses. */
export const invalid = { 400: ref('BadRequest') };
/** A role too low for the action (write routes). */
export const forbidden = { 403: ref('Forbidden') };
/** A body over the limit, or not JSON (routes that take one). */
export const bodyErrors = { 413: ref('ContentTooLarge'), 415: ref('UnsupportedMediaType') };
/** Routes under /checklists/{id}: unknown checklist/environment/item, or a file that does not load. */
export const checklistErrors = { 404: ref('NotFound'), 409: ref('Conflict') };
/** The public document route: only the per-address limit and an internal error. */
export const publicErrors = { 429: ref('TooManyRequests'), 500: ref('InternalError') };

/** Put the Problem schema and the shared error answers into the document's components. */
export function registerErrorResponses(api: Pick<OpenAPIHono, 'openAPIRegistry'>): void {
  api.openAPIRegistry.register('Problem', ProblemSchema);
  for (const [name, response] of Object.entries(RESPONSES)) {
    api.openAPIRegistry.registerComponent('responses', name, response);
  }
}
