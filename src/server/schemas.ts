import { z } from '@hono/zod-openapi';
import { parseDuration } from '../model/duration.js';
import { ITEM_STATUSES } from '../model/status.js';

/**
 * The zod schemas of the API: they validate requests and generate /api/v1/openapi.json, so the
 * document cannot drift from what the server accepts. Bodies are strict: an unknown field (such as a
 * check definition) is refused with 400 naming it.
 */

/** RFC 9457 problem details: the body of every error answer (`application/problem+json`). */
export const ProblemSchema = z
  .object({
    type: z.url().openapi({
      description: 'A stable URI per status, e.g. `https://gonogo.dev/problems/not-found`.',
    }),
    title: z.string().openapi({ description: 'The status’s name, e.g. `Not Found`.' }),
    status: z.number().int().min(400).max(599).openapi({ description: 'The HTTP status code.' }),
    detail: z.string().openapi({ description: 'What went wrong and how to fix it, for a person.' }),
    field: z
      .string()
      .optional()
      .openapi({ description: 'The request field at fault (body field, query or path parameter).' }),
  })
  .openapi('Problem', {
    description: 'RFC 9457 problem details: the body of every error answer.',
    example: {
      type: 'https://gonogo.dev/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'no item "backups" in checklist launch',
      field: 'item',
    },
  });

export const IdParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'Checklist id',
      example: 'enterprise-go-live',
    }),
});

const env = z.string().min(1).optional().openapi({
  description: "Environment name; defaults to the checklist's first environment.",
  example: 'production',
});

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(50)
  .openapi({ description: 'Page size (default 50, at most 1000).', example: 50 });
const before = z.coerce
  .number()
  .int()
  .positive()
  .optional()
  .openapi({ description: 'Only entries with an id/seq lower than this (the next page).', example: 42 });

export const RunsQuery = z.object({ env, limit, before });

const duration = z.string().refine(
  (v) => {
    try {
      parseDuration(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a duration; write it like 30s, 5m or 1h' },
);

export const PreflightQuery = z.object({
  env,
  max_age: duration.optional().openapi({
    description: 'Run the checks when the latest run is older than this (default 5m).',
    example: '5m',
  }),
});

export const AuditQuery = z.object({
  after: z.coerce.number().int().min(0).optional().openapi({
    description: 'Events with a seq greater than this, oldest first (to follow the log).',
    example: 118,
  }),
  limit,
  before,
});

const text = (description: string, example?: string) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(4000)
    .openapi({ description, ...(example ? { example } : {}) });

export const RunBody = z.strictObject({ env }).openapi('RunRequest');

export const AttestationBody = z
  .strictObject({
    env,
    item: text('Item id or exact title.', 'security/2fa-flow-works-in-prod'),
    evidence: text(
      'What shows the item holds: a sentence, a URL, a ticket.',
      'https://tickets.example.com/OPS-12',
    ),
    value: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .optional()
      .openapi({ description: 'Value of a `field` item, e.g. `4h`.' }),
    valid_for: duration
      .optional()
      .openapi({ description: 'After this the item is pending again.', example: '90d' }),
  })
  .openapi('AttestationRequest');

export const WaiverBody = z
  .strictObject({
    env,
    item: text('Item id or exact title.'),
    reason: text('Why the exception is accepted.'),
    owner: text('Who owns fixing it.'),
    expires: text('YYYY-MM-DD (through that day), an ISO date-time, or days like `14d`.', '14d'),
  })
  .openapi('WaiverRequest');

export const SignoffBody = z
  .strictObject({ env, role: text('The sign-off role (one of the checklist’s `signoffs`).', 'security') })
  .openapi('SignoffRequest');

const Status = z.enum(ITEM_STATUSES);

const Summary = z.object({
  pass: z.number().int(),
  fail: z.number().int(),
  error: z.number().int(),
  pending: z.number().int(),
  waived: z.number().int(),
  skipped: z.number().int(),
});

const Reason = z.object({
  code: z.string(),
  message: z.string(),
  item: z.string().optional(),
  role: z.string().optional(),
});

export const ReportSchema = z
  .looseObject({
    verdict: z.enum(['GO', 'NO-GO']),
    environment: z.string(),
    checklist: z.looseObject({ id: z.string(), name: z.string(), digest: z.string() }),
    at: z.string(),
    run: z.number().int().optional(),
    summary: Summary,
    items: z.array(
      z.looseObject({
        id: z.string(),
        title: z.string(),
        status: Status,
        blocking: z.boolean(),
        message: z.string(),
        observed: z.record(z.string(), z.unknown()).nullable(),
        due: z.string().nullable(),
        overdue: z.boolean(),
        phase: z.enum(['pre-launch', 'post-launch']),
        recurs: z.string().optional(),
      }),
    ),
    reasons: z.array(Reason),
    after_launch: z
      .array(z.string())
      .openapi({ description: 'Ids of the post-launch items: never in `reasons`, never blocking.' }),
    overdue: z.array(z.string()).openapi({ description: 'Ids of the items past their due date.' }),
    launch: z.string().nullable(),
    launched: z.boolean(),
    signoffs: z.array(
      z.object({
        role: z.string(),
        by: z.string().nullable(),
        person: z.string().nullable(),
        at: z.string().nullable(),
        stale: z.boolean(),
        evidence: z.string().nullable(),
        current_evidence: z.boolean().nullable(),
      }),
    ),
    audit: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
    tampered: z
      .array(
        z.object({
          table: z.string(),
          id: z.number().int().optional(),
          seq: z.number().int().optional(),
          why: z.string(),
          message: z.string(),
        }),
      )
      .optional(),
    evidence: z.string(),
  })
  .openapi('RunReport');

export const ChecklistSummarySchema = z
  .object({
    id: z.string(),
    file: z.string(),
    name: z.string().optional(),
    digest: z.string().optional(),
    environments: z.array(z.string()).optional(),
    signoffs: z.array(z.string()).optional(),
    items: z.number().int().optional(),
    error: z
      .string()
      .optional()
      .openapi({ description: 'Why the file did not load (then nothing else is set).' }),
  })
  .openapi('ChecklistSummary');

export const ChecklistListSchema = z.object({ checklists: z.array(ChecklistSummarySchema) });

export const ChecklistModelSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    digest: z.string(),
    environments: z.array(z.string()),
    policy: z.looseObject({
      waiver_max_days: z.number(),
      signoffs: z.array(z.string()),
      signoff_when: z.enum(['any', 'ready']).optional(),
      distinct_signers: z.boolean().optional(),
      resign_on_change: z.boolean().optional(),
    }),
    items: z.array(
      z.looseObject({
        id: z.string(),
        title: z.string(),
        kind: z.enum(['task', 'field', 'signoff', 'criterion', 'workstream', 'review']),
        phase: z.enum(['pre-launch', 'post-launch']).optional(),
        recurs: z.string().optional(),
        section: z.array(z.string()),
        checked: z.boolean(),
        blocking: z.boolean(),
        check: z.looseObject({ kind: z.string() }).nullable(),
        line: z.number().int(),
      }),
    ),
    signoffs: z.array(z.string()),
    warnings: z.array(z.looseObject({ message: z.string(), line: z.number(), column: z.number() })),
    automatable_unbound: z.number().int().min(0).optional().openapi({
      description:
        'Items that look automatable (a `gonogo suggest` rule recognises them) but have no check, as `gonogo lint` counts them.',
    }),
  })
  .openapi('Checklist');

export const RunRecordSchema = z
  .looseObject({
    id: z.number().int().optional(),
    checklist: z.string(),
    environment: z.string(),
    digest: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    verdict: z.enum(['GO', 'NO-GO']),
    summary: Summary,
    trigger: z.string(),
  })
  .openapi('Run');

export const RunListSchema = z.object({ runs: z.array(RunRecordSchema) });

export const RunParams = IdParams.extend({
  n: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'n', in: 'path' }, description: 'Run number', example: 42 }),
});

const OutcomeSchema = z
  .looseObject({
    item: z.string(),
    status: z.enum(['pass', 'fail', 'error', 'pending']),
    message: z.string().optional(),
    observed: z.record(z.string(), z.unknown()).optional(),
    durationMs: z.number().optional(),
    at: z.string().optional(),
  })
  .openapi('Outcome');

export const RunDetailSchema = RunRecordSchema.extend({
  outcomes: z.array(OutcomeSchema).openapi({
    description:
      'What each check observed in this run (manual items are judged from stored state, not stored here).',
  }),
}).openapi('RunDetail');

export const AttestationSchema = z
  .object({
    checklist: z.string(),
    environment: z.string(),
    item: z.string(),
    evidence: z.string(),
    value: z.string().optional(),
    by: z.string(),
    at: z.string(),
    expiresAt: z.string().optional(),
  })
  .openapi('Attestation');

export const WaiverSchema = z
  .object({
    checklist: z.string(),
    environment: z.string(),
    item: z.string(),
    reason: z.string(),
    owner: z.string(),
    by: z.string(),
    at: z.string(),
    expiresAt: z.string(),
  })
  .openapi('Waiver');

export const SignoffSchema = z
  .object({
    checklist: z.string(),
    environment: z.string(),
    role: z.string(),
    digest: z.string(),
    by: z.string(),
    at: z.string(),
    person: z.string().optional(),
    evidence: z.string().optional(),
  })
  .openapi('Signoff');

export const AuditEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    type: z.string(),
    actor: z.string(),
    checklist: z.string().nullable(),
    environment: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEvent');

export const AuditListSchema = z.object({ events: z.array(AuditEventSchema) });

/** The last event of the audit chain: keep it outside the database to prove the log later. */
export const AuditHeadSchema = z.object({ seq: z.number().int(), hash: z.string() }).openapi('AuditHead');

const TamperedRowSchema = z
  .object({
    table: z.string(),
    id: z.number().int().optional(),
    seq: z.number().int().optional(),
    why: z.string(),
  })
  .openapi('TamperedRow');

export const AuditVerificationSchema = z
  .object({
    ok: z.boolean(),
    count: z.number().int(),
    firstBad: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
    head: AuditHeadSchema.optional(),
    tampered: z.array(TamperedRowSchema).optional(),
  })
  .openapi('AuditVerification');
