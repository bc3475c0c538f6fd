import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { RUNNER_LABEL, type RunnerAnswer } from '../engine/runners.js';
import type { Principal } from './auth.js';
import type { ServerDeps } from './deps.js';
import type { AppEnv } from './env.js';
import { HttpProblem } from './problem.js';
import type { RunnerRegistry } from './runner-registry.js';
import { ProblemSchema } from './schemas.js';

/**
 * The runner API (DESIGN.md "Server"): `gonogo runner` claims the jobs of its labels with a long poll
 * and completes each with what it observed. Only runner tokens may call it, and only for their labels;
 * the API middleware (api.ts) authenticates with the runner scope for these paths.
 */

/** Which tokens a path takes: runner tokens on the runner API, every other role elsewhere. */
export const scopeOf = (path: string): 'runner' | 'api' =>
  /\/api\/v1\/runner\//.test(path) ? 'runner' : 'api';

/** The longest long poll: a claim answers within this even when no job comes. */
export const MAX_WAIT_S = 60;

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
const errors = {
  400: problem('Invalid request: `field` names the body field at fault.'),
  401: problem('No token, or an unknown, revoked or expired one.'),
  403: problem('Not a runner token, or a label the token does not hold.'),
  429: problem('Rate limited; see Retry-After.'),
  503: problem('The runner queue is unavailable (the store is SQLite, or PostgreSQL is down).'),
};
const security = [{ Bearer: [] }];

const RunnerHeaders = z.object({
  'x-gonogo-runner': z.string().max(100).optional().openapi({
    description: 'The runner’s name (default its host name), shown on the dashboard’s Runners page.',
  }),
  'x-gonogo-runner-version': z
    .string()
    .max(50)
    .optional()
    .openapi({ description: 'The runner’s gonogo version.' }),
});

const Label = z.string().regex(RUNNER_LABEL, 'a runner label: lower-case letters, digits, - and _');

export const ClaimBody = z
  .object({
    labels: z
      .array(Label)
      .min(1)
      .max(32)
      .openapi({ description: 'Labels to take jobs for (all held by the token).', example: ['prod-vpc'] }),
    wait: z
      .number()
      .min(0)
      .max(MAX_WAIT_S)
      .default(30)
      .openapi({ description: `Seconds to wait for a job (long poll), at most ${MAX_WAIT_S}.` }),
    max: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .openapi({ description: 'Most jobs to take at once (the runner’s free slots).' }),
  })
  .strict()
  .openapi('RunnerClaim');

const JobSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    job: z.object({
      item: z.string(),
      kind: z.string(),
      target: z.unknown(),
      options: z.record(z.string(), z.unknown()),
      timeoutMs: z.number().int(),
      secretNames: z.array(z.string()),
      secret: z.literal(false).optional(),
    }),
  })
  .openapi('RunnerJob');

export const CompleteBody = z
  .union([
    z
      .object({ observed: z.record(z.string(), z.unknown()), failure: z.string().max(8192).optional() })
      .strict(),
    z.object({ error: z.string().min(1).max(8192) }).strict(),
  ])
  .openapi('RunnerAnswer', {
    description: 'What the runner observed (redacted on the runner), or why it could not observe.',
  });

const claimRoute = createRoute({
  method: 'post',
  path: '/runner/jobs:claim',
  operationId: 'claimRunnerJobs',
  tags: ['runners'],
  summary: 'Claim jobs for the token’s labels (runner), waiting up to `wait` seconds for one.',
  description:
    'Long poll: answers as soon as a job of one of `labels` is queued, or with an empty list after `wait` seconds. A claimed job that is not completed within its check’s timeout goes back to the queue for another runner.',
  security,
  request: {
    headers: RunnerHeaders,
    body: { required: true, content: { 'application/json': { schema: ClaimBody } } },
  },
  responses: {
    200: {
      description: 'The claimed jobs (possibly none).',
      content: { 'application/json': { schema: z.object({ jobs: z.array(JobSchema) }) } },
    },
    ...errors,
  },
});

const completeRoute = createRoute({
  method: 'post',
  path: '/runner/jobs/{id}:complete',
  operationId: 'completeRunnerJob',
  tags: ['runners'],
  summary: 'Complete a claimed job with what the runner observed (runner).',
  description:
    'The server judges the check’s conditions on `observed`. Exactly once: a job already completed, or taken back because its runner went silent, answers 409.',
  security,
  request: {
    headers: RunnerHeaders,
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'Job id from the claim.' }),
    }),
    body: { required: true, content: { 'application/json': { schema: CompleteBody } } },
  },
  responses: {
    200: {
      description: 'The answer was recorded.',
      content: { 'application/json': { schema: z.object({ accepted: z.literal(true) }) } },
    },
    ...errors,
    409: problem('The job is no longer held by a runner (completed already, timed out, cancelled).'),
  },
});

function runnerOf(c: { get(k: 'principal'): Principal | undefined }): Principal & { labels: string[] } {
  const p = c.get('principal');
  if (p?.role !== 'runner') throw new HttpProblem(403, 'the runner API takes runner tokens');
  return { ...p, labels: p.labels ?? [] };
}

function bad(detail: string, field: string): never {
  throw new HttpProblem(400, detail, field);
}

/**
 * Add the runner API's routes to the `/api/v1` app.
 * @example registerRunnerApi(api, deps, registry);
 */
export function registerRunnerApi(
  api: OpenAPIHono<AppEnv>,
  deps: ServerDeps,
  registry: RunnerRegistry,
): void {
  const queue = () => {
    if (!deps.runners)
      throw new HttpProblem(
        503,
        'this server has no runner queue: runners need the PostgreSQL store (--db postgres://…)',
      );
    return deps.runners;
  };
  const identify = (
    c: { req: { header(n: string): string | undefined } },
    p: Principal,
    labels: readonly string[],
  ) =>
    registry.seen(
      p.name,
      (c.req.header('x-gonogo-runner') ?? p.name).slice(0, 100),
      (c.req.header('x-gonogo-runner-version') ?? 'unknown').slice(0, 50),
      labels,
    );

  api.openapi(claimRoute, async (c) => {
    const p = runnerOf(c);
    const body = c.req.valid('json');
    const foreign = body.labels.find((l) => !p.labels.includes(l));
    if (foreign !== undefined) {
      throw new HttpProblem(
        403,
        `token "${p.name}" may not claim label ${foreign}; its labels: ${p.labels.join(', ')}`,
        'labels',
      );
    }
    const key = identify(c, p, body.labels);
    const jobs = await queue().claim(body.labels, {
      waitMs: body.wait * 1000,
      max: body.max,
      signal: c.req.raw.signal,
    });
    for (const j of jobs) registry.count(key, j.label, 'claimed');
    return c.json({ jobs }, 200);
  });

  // The `{id}:complete` path is not one Hono's router reads from the OpenAPI form (the `:` would join
  // the parameter's name), so the route is documented as written and served with a pattern of its own.
  api.openAPIRegistry.registerPath(completeRoute);
  api.post('/runner/jobs/:id{[^/:]+:complete}', async (c) => {
    const p = runnerOf(c);
    const id = c.req.param('id').replace(/:complete$/, '');
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      bad('body: send a JSON object, {"observed": {...}} or {"error": "..."}', 'body');
    }
    const parsed = CompleteBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      bad(
        `body: ${issue?.message ?? 'invalid'}; send {"observed": {...}} or {"error": "..."}`,
        issue?.path.join('.') || 'body',
      );
    }
    const answer = parsed.data as RunnerAnswer;
    const key = identify(c, p, []);
    const label = await queue().complete(id, p.labels, answer);
    if (label === undefined) {
      registry.count(key, p.labels[0] ?? 'unknown', 'late');
      throw new HttpProblem(
        409,
        `job ${id} is not held by a runner of this token's labels (completed already, timed out and handed to another runner, or cancelled)`,
      );
    }
    registry.count(key, label, 'error' in answer ? 'failed' : 'done');
    return c.json({ accepted: true as const }, 200);
  });
}
