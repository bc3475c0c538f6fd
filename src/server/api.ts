import { OpenAPIHono } from '@hono/zod-openapi';
import type { Checklist } from '../model/checklist.js';
import { type Actor, attest, signoff, tokenActor, waive } from '../usecases/index.js';
import { registerErrorResponses } from './api-errors.js';
import { openapiGet, validationProblem } from './api-get.js';
import { openApiRoute, routes, TAGS } from './api-routes.js';
import { latestAudit } from './audit-page.js';
import { bearerToken, type Principal } from './auth.js';
import type { Authenticator } from './authenticator.js';
import type { ServerConfig, ServerDeps } from './deps.js';
import { type AppEnv, requestHeader } from './env.js';
import type { Gate, PreflightAnswer } from './gate.js';
import { preflightFor } from './preflight-policy.js';
import { HttpProblem } from './problem.js';
import { findRun } from './run-lookup.js';
import { registerRunnerApi, scopeOf } from './runner-api.js';
import { completeResponse } from './security-headers.js';

/** The model as the API shows it (environment names only; the file path stays on the server). */
export function checklistModel(c: Checklist, automatableUnbound?: number) {
  return {
    id: c.id,
    name: c.name,
    digest: c.digest,
    ...(c.launch ? { launch: c.launch } : {}),
    ...(c.schedule ? { schedule: c.schedule } : {}),
    environments: environmentNames(c),
    policy: c.policy,
    sections: c.sections,
    items: c.items,
    signoffs: c.signoffs,
    warnings: c.warnings,
    ...(automatableUnbound === undefined ? {} : { automatable_unbound: automatableUnbound }),
  };
}

/** The checklist's environment names (`default` when it declares none). */
export function environmentNames(c: Checklist): string[] {
  const names = Object.keys(c.environments);
  return names.length > 0 ? names : ['default'];
}

const JSON_TYPE = { 'Content-Type': 'application/json' } as const;

/** Build the `/api/v1` sub-application. */
export function createApi(deps: ServerDeps, config: ServerConfig, gate: Gate, auth: Authenticator) {
  const api = new OpenAPIHono<AppEnv>({
    // One answer for every validation failure: 400 problem naming the first bad field.
    defaultHook: validationProblem,
  });

  api.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A token from `gonogo token create`, sent as `Authorization: Bearer <token>`; its role (viewer, operator, approver, admin) decides what it may do.',
  });
  registerErrorResponses(api);
  api.openAPIRegistry.registerPath(openApiRoute);

  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'gonogo API',
      version: '1',
      description:
        'Launch gate: checklists, runs, preflight verdicts, attestations, waivers, sign-offs and the audit log. Errors are `application/problem+json` (RFC 9457).',
      contact: { name: 'gonogo', url: 'https://gonogo.dev' },
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [{ url: '/api/v1', description: 'This server.' }],
    tags: TAGS,
    security: [{ Bearer: [] }],
  });

  // A token known from a lookup less than a second ago is verified at once: the layer then adds no
  // promise of its own to the request (Hono's compose awaits whatever it returns).
  api.use('*', (c, next) => {
    if (c.req.path.endsWith('/openapi.json')) return next();
    const ip = c.get('clientIp');
    const verified = auth.verify(bearerToken(requestHeader(c, 'authorization')), ip, scopeOf(c.req.path));
    const admit = (principal: Principal) => {
      auth.limit(principal);
      c.set('principal', principal);
      return next();
    };
    return verified instanceof Promise ? verified.then(admit) : admit(verified);
  });

  if (deps.runnerRegistry) registerRunnerApi(api, deps, deps.runnerRegistry);

  // The bodies of /checklists routes are JSON: say so, rather than the validator's bare status line.
  api.post('/checklists/*', async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim())) {
      throw new HttpProblem(
        415,
        `the body must be JSON: send it with Content-Type: application/json (got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'})`,
      );
    }
    await next();
  });

  // The token's holder, as the use cases see it.
  const who = (c: { get(k: 'principal'): Principal | undefined }): Actor => {
    const p = c.get('principal');
    if (!p) throw new HttpProblem(401, 'not authenticated');
    return tokenActor(p);
  };

  api.openapi(routes.listChecklists, (c) => {
    const checklists = deps.catalog.list().map((e) =>
      e.checklist
        ? {
            id: e.id,
            file: e.file,
            name: e.checklist.name,
            digest: e.checklist.digest,
            environments: environmentNames(e.checklist),
            signoffs: e.checklist.signoffs,
            items: e.checklist.items.length,
          }
        : { id: e.id, file: e.file, error: e.error ?? 'did not load' },
    );
    return c.json({ checklists }, 200);
  });

  openapiGet(api, routes.getChecklist, (c, v) => {
    const { entry, checklist } = gate.checklist(v.param.id);
    return c.json(checklistModel(checklist, entry.automatableUnbound), 200);
  });

  api.openapi(routes.createRun, async (c) => {
    const actor = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const environment = gate.environment(checklist, c.req.valid('json').env);
    const result = await gate.run(checklist, environment, `api:${actor.name}`, actor);
    return c.json(result.report, 201);
  });

  openapiGet(api, routes.listRuns, async (c, v) => {
    const { checklist } = gate.checklist(v.param.id);
    const q = v.query;
    const environment = q.env === undefined ? undefined : gate.environment(checklist, q.env);
    const runs = await deps.store.listRuns(checklist.id, environment, {
      limit: q.limit,
      ...(q.before !== undefined ? { before: q.before } : {}),
    });
    return c.json({ runs: runs.map(({ outcomes: _o, ...run }) => run) }, 200);
  });

  openapiGet(api, routes.getRun, async (c, v) => {
    const { id, n } = v.param;
    const { checklist } = gate.checklist(id);
    return c.json(await findRun(deps.store, checklist.id, n), 200);
  });

  openapiGet(api, routes.getPreflight, (c, v) => {
    const p = who(c);
    const { checklist } = gate.checklist(v.param.id);
    const q = v.query;
    const environment = gate.environment(checklist, q.env);
    const answer = preflightFor(gate, p, { checklist, environment }, q.max_age, config.preflightMaxAgeMs);
    // The report's JSON as the gate keeps it (serialised once per state and expiry, not per request),
    // with all its headers in one record (Node writes them in one go). A kept answer is sent without
    // waiting for anything.
    const respond = (a: PreflightAnswer) => completeResponse(c, a.body, JSON_TYPE);
    return answer instanceof Promise ? answer.then(respond) : respond(answer);
  });

  api.openapi(routes.createAttestation, async (c) => {
    const actor = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const b = c.req.valid('json');
    const attestation = await attest(gate.useCases, actor, {
      checklist,
      environment: b.env,
      item: b.item,
      evidence: b.evidence,
      value: b.value,
      validFor: b.valid_for,
    });
    const { file: _f, ...shown } = attestation;
    return c.json(shown, 201);
  });

  api.openapi(routes.createWaiver, async (c) => {
    const actor = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const b = c.req.valid('json');
    const waiver = await waive(gate.useCases, actor, {
      checklist,
      environment: b.env,
      item: b.item,
      reason: b.reason,
      owner: b.owner,
      expires: b.expires,
    });
    return c.json(waiver, 201);
  });

  api.openapi(routes.createSignoff, async (c) => {
    const actor = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const b = c.req.valid('json');
    const record = await signoff(gate.useCases, actor, { checklist, environment: b.env, role: b.role });
    return c.json(record, 201);
  });

  openapiGet(api, routes.listAuditEvents, async (c, v) => {
    const q = v.query;
    const events =
      q.after !== undefined
        ? await deps.store.listAudit({ after: q.after, limit: q.limit })
        : await latestAudit(deps.store, {
            limit: q.limit,
            ...(q.before !== undefined ? { before: q.before } : {}),
          });
    return c.json({ events }, 200);
  });

  api.openapi(routes.getAuditHead, async (c) => {
    const head = await deps.store.auditHead();
    if (!head) throw new HttpProblem(404, 'the audit log is empty: there is no head yet');
    return c.json(head, 200);
  });

  api.openapi(routes.verifyAudit, async (c) => {
    const v = await deps.store.verifyAudit();
    deps.metrics?.auditVerified(v);
    return c.json(v, 200);
  });

  return api;
}
