import { createRoute, type z } from '@hono/zod-openapi';
import {
  always,
  bodyErrors,
  checklistErrors,
  forbidden,
  invalid,
  problem,
  publicErrors,
} from './api-errors.js';
import { examples } from './api-examples.js';
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

/**
 * The operations of /api/v1 as OpenAPI routes. Each has a stable camelCase `operationId` (generated
 * clients name their methods after it: renaming one breaks them), a tag, a summary, a description,
 * examples, and every error it can answer as `application/problem+json`.
 */

/** The tags, in the order the document lists them. */
export const TAGS = [
  { name: 'Checklists', description: 'The checklists loaded from the server’s checklist directory.' },
  { name: 'Runs', description: 'Runs of a checklist’s checks, stored with what each check observed.' },
  {
    name: 'Preflight',
    description: 'The GO / NO-GO verdict for an environment, as a deploy pipeline asks for it.',
  },
  { name: 'Attestations', description: 'A person vouches for a manual item, with evidence.' },
  { name: 'Waivers', description: 'An accepted, owned and expiring exception for one item.' },
  { name: 'Signoffs', description: 'Approval of the checklist’s current digest for one sign-off role.' },
  { name: 'Audit', description: 'The tamper-evident, hash-chained log of every state change.' },
  {
    name: 'Runners',
    description:
      'Runners in private networks claim the checks bound to their labels and return observations.',
  },
  { name: 'Meta', description: 'The API’s own description.' },
];

const json = <T extends z.ZodType>(schema: T, description: string, example: unknown) => ({
  description,
  content: { 'application/json': { schema, example } },
});
const body = <T extends z.ZodType>(schema: T, example: unknown) => ({
  required: true,
  content: { 'application/json': { schema, example } },
});
const security = [{ Bearer: [] }];

/** The document itself: public (`security: []`), only rate limited per client address. */
export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tags: ['Meta'],
  summary: 'Get this OpenAPI document',
  description:
    'The OpenAPI 3.1 document of this API, generated from the schemas that validate requests. Needs no token.',
  security: [],
  responses: {
    200: {
      description: 'The OpenAPI document.',
      content: {
        'application/json': {
          schema: { type: 'object' as const, additionalProperties: true },
          example: { openapi: '3.1.0', info: { title: 'gonogo API', version: '1' }, paths: {} },
        },
      },
    },
    ...publicErrors,
  },
});

export const routes = {
  listChecklists: createRoute({
    method: 'get',
    path: '/checklists',
    operationId: 'listChecklists',
    tags: ['Checklists'],
    summary: 'List the checklists',
    description:
      'The checklists loaded from the server’s directory. A file that fails to load is listed with its error and nothing else.',
    security,
    responses: { 200: json(ChecklistListSchema, 'The checklists.', examples.checklists), ...always },
  }),
  getChecklist: createRoute({
    method: 'get',
    path: '/checklists/{id}',
    operationId: 'getChecklist',
    tags: ['Checklists'],
    summary: 'Get a checklist',
    description: 'The checklist model: sections, items, checks, sign-off roles, policy and warnings.',
    security,
    request: { params: IdParams },
    responses: {
      200: json(ChecklistModelSchema, 'The model.', examples.checklist),
      ...checklistErrors,
      ...always,
    },
  }),
  createRun: createRoute({
    method: 'post',
    path: '/checklists/{id}/runs',
    operationId: 'createRun',
    tags: ['Runs'],
    summary: 'Run the checks now',
    description:
      'Runs the checklist’s checks for an environment, stores the run (trigger `api:<token name>`) and answers its report. Needs operator.',
    security,
    request: { params: IdParams, body: body(RunBody, examples.runRequest) },
    responses: {
      201: json(ReportSchema, 'The report of the run.', examples.report),
      ...invalid,
      ...forbidden,
      ...checklistErrors,
      ...bodyErrors,
      ...always,
    },
  }),
  listRuns: createRoute({
    method: 'get',
    path: '/checklists/{id}/runs',
    operationId: 'listRuns',
    tags: ['Runs'],
    summary: 'List stored runs',
    description: 'Stored runs of a checklist, newest first; page with `before`.',
    security,
    request: { params: IdParams, query: RunsQuery },
    responses: {
      200: json(RunListSchema, 'Runs, newest first.', examples.runs),
      ...invalid,
      ...checklistErrors,
      ...always,
    },
  }),
  getRun: createRoute({
    method: 'get',
    path: '/checklists/{id}/runs/{n}',
    operationId: 'getRun',
    tags: ['Runs'],
    summary: 'Get a stored run',
    description: 'One stored run: verdict, summary and what each check observed (404 for an unknown run).',
    security,
    request: { params: RunParams },
    responses: {
      200: json(RunDetailSchema, 'The run.', examples.run),
      ...invalid,
      ...checklistErrors,
      ...always,
    },
  }),
  getPreflight: createRoute({
    method: 'get',
    path: '/checklists/{id}/preflight',
    operationId: 'getPreflight',
    tags: ['Preflight'],
    summary: 'Get the verdict now',
    description:
      'The GO / NO-GO verdict for an environment, HTTP 200 either way. For operators and above, runs the checks first when the latest run is older than `max_age`; a viewer always gets the verdict from stored state.',
    security,
    request: { params: IdParams, query: PreflightQuery },
    responses: {
      200: json(ReportSchema, 'The verdict report.', examples.report),
      ...invalid,
      ...checklistErrors,
      ...always,
    },
  }),
  createAttestation: createRoute({
    method: 'post',
    path: '/checklists/{id}/attestations',
    operationId: 'createAttestation',
    tags: ['Attestations'],
    summary: 'Attest a manual item',
    description:
      'Records that a manual item holds, with evidence (and a value for a `field` item), optionally for a limited time. Needs operator.',
    security,
    request: { params: IdParams, body: body(AttestationBody, examples.attestationRequest) },
    responses: {
      201: json(AttestationSchema, 'The attestation.', examples.attestation),
      ...invalid,
      ...forbidden,
      ...checklistErrors,
      ...bodyErrors,
      ...always,
    },
  }),
  createWaiver: createRoute({
    method: 'post',
    path: '/checklists/{id}/waivers',
    operationId: 'createWaiver',
    tags: ['Waivers'],
    summary: 'Waive an item',
    description:
      'Grants a waiver: the item no longer blocks GO until it expires, at most `policy.waiver_max_days` away. Needs approver.',
    security,
    request: { params: IdParams, body: body(WaiverBody, examples.waiverRequest) },
    responses: {
      201: json(WaiverSchema, 'The waiver.', examples.waiver),
      ...invalid,
      ...forbidden,
      ...checklistErrors,
      ...bodyErrors,
      ...always,
    },
  }),
  createSignoff: createRoute({
    method: 'post',
    path: '/checklists/{id}/signoffs',
    operationId: 'createSignoff',
    tags: ['Signoffs'],
    summary: 'Sign off',
    description:
      'Signs off the checklist’s current digest for an environment and role. Needs an approver token holding that sign-off role; 409 while `signoff_when: ready` and other items block GO.',
    security,
    request: { params: IdParams, body: body(SignoffBody, examples.signoffRequest) },
    responses: {
      201: json(SignoffSchema, 'The sign-off.', examples.signoff),
      ...invalid,
      ...forbidden,
      ...checklistErrors,
      ...bodyErrors,
      ...always,
    },
  }),
  listAuditEvents: createRoute({
    method: 'get',
    path: '/audit',
    operationId: 'listAuditEvents',
    tags: ['Audit'],
    summary: 'List audit events',
    description: 'Audit events, newest first; or oldest first after `after`, to follow the log.',
    security,
    request: { query: AuditQuery },
    responses: { 200: json(AuditListSchema, 'Audit events.', examples.audit), ...invalid, ...always },
  }),
  getAuditHead: createRoute({
    method: 'get',
    path: '/audit/head',
    operationId: 'getAuditHead',
    tags: ['Audit'],
    summary: 'Get the audit head',
    description:
      'The last audit event’s seq and hash: keep it elsewhere, then prove the log later with `gonogo audit verify --head SEQ:HASH`.',
    security,
    responses: {
      200: json(AuditHeadSchema, 'The head.', examples.auditHead),
      404: problem(404, 'The audit log is empty: there is no head yet.', {
        detail: 'the audit log is empty: there is no head yet',
      }),
      ...always,
    },
  }),
  verifyAudit: createRoute({
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    tags: ['Audit'],
    summary: 'Verify the audit chain',
    description:
      'Recomputes the hash chain and names the first event that does not fit, and any state row the chain does not vouch for (HTTP 200 either way).',
    security,
    responses: { 200: json(AuditVerificationSchema, 'The verification.', examples.verification), ...always },
  }),
};
