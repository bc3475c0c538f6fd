import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Checklist } from '../model/checklist.js';
import { type Actor, attest, signoff, tokenActor, waive } from '../usecases/index.js';
import { latestAudit } from './audit-page.js';
import { bearerToken, type Principal } from './auth.js';
import type { Authenticator } from './authenticator.js';
import type { ServerConfig, ServerDeps } from './deps.js';
import type { AppEnv } from './env.js';
import type { Gate } from './gate.js';
import { preflightFor } from './preflight-policy.js';
import { HttpProblem, problemResponse } from './problem.js';
import { findRun } from './run-lookup.js';
import { registerRunnerApi, scopeOf } from './runner-api.js';
import {
  AttestationBody,
  AttestationSchema,
  AuditHeadSchema,
  AuditListSchema,
  AuditQuery,
  AuditVerificationSchema,
  ChecklistListSchema,
  ChecklistModelSchema,
  IdParams,
  PreflightQuery,
  ProblemSchema,
  ReportSchema,
  RunBody,
  RunDetailSchema,
  RunListSchema,
  RunParams,
  RunsQuery,
  SignoffBody,
  SignoffSchema,
  WaiverBody,
  WaiverSchema,
} from './schemas.js';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

const errors = {
  400: problem('Invalid request: `field` names the parameter or body field at fault.'),
  401: problem('No token, or an unknown, revoked or expired one (the detail says which, and when).'),
  403: problem('The token’s role is too low for this action.'),
  429: problem('Rate limited; see Retry-After.'),
};
const notFound = { 404: problem('Unknown checklist, environment or item.') };
const conflict = { 409: problem('The checklist file is on disk but does not load; `detail` says why.') };
/** Routes that write (a run, a state change) answer 503 when the store is down: nothing was recorded. */
const unavailable = {
  503: problem('The store is unavailable; nothing was recorded. Retry after `Retry-After` seconds.'),
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const security = [{ Bearer: [] }];

const routes = {
  listChecklists: createRoute({
    method: 'get',
    path: '/checklists',
    summary:
      'Checklists loaded from the server’s directory (files that fail to load are listed with their error).',
    security,
    responses: { 200: json(ChecklistListSchema, 'The checklists.'), ...errors },
  }),
  getChecklist: createRoute({
    method: 'get',
    path: '/checklists/{id}',
    summary: 'The checklist model: sections, items, checks, sign-off roles, warnings.',
    security,
    request: { params: IdParams },
    responses: { 200: json(ChecklistModelSchema, 'The model.'), ...errors, ...notFound, ...conflict },
  }),
  createRun: createRoute({
    method: 'post',
    path: '/checklists/{id}/runs',
    summary: 'Run the checks now and store the run (operator).',
    security,
    request: { params: IdParams, body: body(RunBody) },
    responses: {
      201: json(ReportSchema, 'The report of the run.'),
      ...errors,
      ...notFound,
      ...conflict,
      ...unavailable,
    },
  }),
  listRuns: createRoute({
    method: 'get',
    path: '/checklists/{id}/runs',
    summary: 'Stored runs, newest first.',
    security,
    request: { params: IdParams, query: RunsQuery },
    responses: { 200: json(RunListSchema, 'Runs, newest first.'), ...errors, ...notFound, ...conflict },
  }),
  getRun: createRoute({
    method: 'get',
    path: '/checklists/{id}/runs/{n}',
    summary: 'One stored run: verdict, summary and what each check observed.',
    security,
    request: { params: RunParams },
    responses: { 200: json(RunDetailSchema, 'The run.'), ...errors, ...notFound, ...conflict },
  }),
  preflight: createRoute({
    method: 'get',
    path: '/checklists/{id}/preflight',
    summary:
      'The verdict now (HTTP 200 for GO and NO-GO); runs the checks when the latest run is older than max_age.',
    security,
    request: { params: IdParams, query: PreflightQuery },
    responses: {
      200: json(ReportSchema, 'The verdict report.'),
      ...errors,
      ...notFound,
      ...conflict,
      ...unavailable,
    },
  }),
  attest: createRoute({
    method: 'post',
    path: '/checklists/{id}/attestations',
    summary: 'Attest a manual item (operator).',
    security,
    request: { params: IdParams, body: body(AttestationBody) },
    responses: {
      201: json(AttestationSchema, 'The attestation.'),
      ...errors,
      ...notFound,
      ...conflict,
      ...unavailable,
    },
  }),
  waive: createRoute({
    method: 'post',
    path: '/checklists/{id}/waivers',
    summary: 'Grant a waiver, at most policy.waiver_max_days long (approver).',
    security,
    request: { params: IdParams, body: body(WaiverBody) },
    responses: {
      201: json(WaiverSchema, 'The waiver.'),
      ...errors,
      ...notFound,
      ...conflict,
      ...unavailable,
    },
  }),
  signoff: createRoute({
    method: 'post',
    path: '/checklists/{id}/signoffs',
    summary: 'Sign off the current digest for an environment (approver holding that sign-off role).',
    security,
    request: { params: IdParams, body: body(SignoffBody) },
    responses: {
      201: json(SignoffSchema, 'The sign-off.'),
      ...errors,
      ...notFound,
      ...conflict,
      ...unavailable,
    },
  }),
  audit: createRoute({
    method: 'get',
    path: '/audit',
    summary: 'Audit events: newest first, or oldest first after `after` (to follow the log).',
    security,
    request: { query: AuditQuery },
    responses: { 200: json(AuditListSchema, 'Audit events.'), ...errors },
  }),
  auditHead: createRoute({
    method: 'get',
    path: '/audit/head',
    summary:
      'The last audit event (seq and hash): keep it elsewhere, then `gonogo audit verify --head SEQ:HASH`.',
    security,
    responses: {
      200: json(AuditHeadSchema, 'The head.'),
      404: problem('The audit log is empty: there is no head yet.'),
      ...errors,
    },
  }),
  verifyAudit: createRoute({
    method: 'get',
    path: '/audit/verify',
    summary: 'Recompute the hash chain; names the first event that does not fit (200 either way).',
    security,
    responses: { 200: json(AuditVerificationSchema, 'The verification.'), ...errors },
  }),
};

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

/** Build the `/api/v1` sub-application. */
export function createApi(deps: ServerDeps, config: ServerConfig, gate: Gate, auth: Authenticator) {
  const api = new OpenAPIHono<AppEnv>({
    // One answer for every validation failure: 400 problem naming the first bad field.
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      let field = issue?.path.map(String).join('.') ?? '';
      if (issue?.code === 'unrecognized_keys') field = [field, issue.keys[0]].filter(Boolean).join('.');
      const detail =
        issue?.code === 'unrecognized_keys'
          ? `unknown field "${field}": this endpoint accepts only its documented fields (checks are defined in checklist files, never through the API)`
          : `${field || 'body'}: ${issue?.message ?? 'invalid'}`;
      return problemResponse(c, new HttpProblem(400, detail, field || undefined));
    },
  });

  api.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from `gonogo token create`.',
  });

  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'gonogo API',
      version: '1',
      description:
        'Launch gate: checklists, runs, preflight verdicts, attestations, waivers, sign-offs and the audit log.',
    },
    servers: [{ url: '/api/v1' }],
  });

  api.use('*', async (c, next) => {
    if (c.req.path.endsWith('/openapi.json')) return next();
    const ip = c.get('clientIp');
    const principal = await auth.verify(bearerToken(c.req.header('authorization')), ip, scopeOf(c.req.path));
    auth.limit(principal);
    c.set('principal', principal);
    await next();
  });

  if (deps.runnerRegistry) registerRunnerApi(api, deps, deps.runnerRegistry);
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

  api.openapi(routes.getChecklist, (c) => {
    const { entry, checklist } = gate.checklist(c.req.valid('param').id);
    return c.json(checklistModel(checklist, entry.automatableUnbound), 200);
  });

  api.openapi(routes.createRun, async (c) => {
    const actor = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const environment = gate.environment(checklist, c.req.valid('json').env);
    const result = await gate.run(checklist, environment, `api:${actor.name}`, actor);
    return c.json(result.report, 201);
  });

  api.openapi(routes.listRuns, async (c) => {
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const q = c.req.valid('query');
    const environment = q.env === undefined ? undefined : gate.environment(checklist, q.env);
    const runs = await deps.store.listRuns(checklist.id, environment, {
      limit: q.limit,
      ...(q.before !== undefined ? { before: q.before } : {}),
    });
    return c.json({ runs: runs.map(({ outcomes: _o, ...run }) => run) }, 200);
  });

  api.openapi(routes.getRun, async (c) => {
    const { id, n } = c.req.valid('param');
    const { checklist } = gate.checklist(id);
    return c.json(await findRun(deps.store, checklist.id, n), 200);
  });

  api.openapi(routes.preflight, async (c) => {
    const p = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const q = c.req.valid('query');
    const environment = gate.environment(checklist, q.env);
    const report = await preflightFor(
      gate,
      p,
      { checklist, environment },
      q.max_age,
      config.preflightMaxAgeMs,
    );
    return c.json(report, 200);
  });

  api.openapi(routes.attest, async (c) => {
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

  api.openapi(routes.waive, async (c) => {
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

  api.openapi(routes.signoff, async (c) => {
    const actor = who(c);
    const { checklist } = gate.checklist(c.req.valid('param').id);
    const b = c.req.valid('json');
    const record = await signoff(gate.useCases, actor, { checklist, environment: b.env, role: b.role });
    return c.json(record, 201);
  });

  api.openapi(routes.audit, async (c) => {
    const q = c.req.valid('query');
    const events =
      q.after !== undefined
        ? await deps.store.listAudit({ after: q.after, limit: q.limit })
        : await latestAudit(deps.store, {
            limit: q.limit,
            ...(q.before !== undefined ? { before: q.before } : {}),
          });
    return c.json({ events }, 200);
  });

  api.openapi(routes.auditHead, async (c) => {
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
