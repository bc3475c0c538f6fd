import { type RunReport, toRunReport } from '../../../engine/report.js';
import type { Checklist, CheckSpec, Item } from '../../../model/checklist.js';
import type { Attestation, CheckOutcome, Signoff, Waiver } from '../../../model/state.js';
import { checkSpec } from '../../../model/test-support/check-spec.js';
import { decide, type Evaluation } from '../../../model/verdict.js';

/** Reports for format tests, made by the real verdict rule so they have the shape `run` produces. */

const NOW = new Date('2026-12-01T09:00:00Z');
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

const check = (kind: string, target: string): CheckSpec => checkSpec({ kind, target, line: 1, column: 1 });

let line = 0;
function item(id: string, title: string, section: string[], extra: Partial<Item> = {}): Item {
  line += 1;
  return {
    id,
    title,
    kind: 'task',
    section,
    checked: false,
    blocking: true,
    check: null,
    line,
    column: 1,
    description: '',
    ...extra,
  };
}

const OBS = ['Go-Live', '5) Observability'];
const SEC = ['Go-Live', '6) Security'];
const OPS = ['Go-Live', '7) Ops | Access'];

/** A title with every character a format must escape. */
export const TRICKY_TITLE =
  'Export | import *bold* <script>alert(1)</script> & `code` [link](x)\nsecond line';

/** A checklist covering every status, advisory items, a due date, sign-offs and hostile text. */
export function sampleChecklist(): Checklist {
  return {
    id: 'enterprise-go-live',
    name: 'Enterprise go-live',
    digest: DIGEST,
    file: 'examples/enterprise-go-live.md',
    launch: '2026-11-20',
    environments: { production: { BASE_URL: 'https://example.com' } },
    policy: { waiver_max_days: 30, signoffs: ['engineering', 'security'] },
    notify: [],
    sections: [],
    warnings: [],
    signoffs: ['engineering', 'security'],
    items: [
      item('5-observability/api-health-live-200', '/api/health/live → 200', OBS, {
        check: check('http', 'http://127.0.0.1/api/health/live'),
      }),
      item(
        '5-observability/api-health-ready-200',
        '/api/health/ready → 200 (DB + scheduler + disk OK)',
        OBS,
        {
          check: check('http', 'http://127.0.0.1/api/health/ready'),
        },
      ),
      item('5-observability/x-request-id-header', 'X-Request-Id header in the response', OBS, {
        check: check('http', 'http://127.0.0.1:1/'),
      }),
      item('6-security/2fa-flow', '2FA enable/disable flow works in prod', SEC, {
        due: { offsetDays: 3, source: 'annotation', text: '+3d' },
        owner: 'sec-team',
      }),
      item('6-security/export-import', TRICKY_TITLE, SEC),
      item('6-security/pen-test', 'Pen test report reviewed (optional)', SEC, { blocking: false }),
      item('7-ops-access/rate-limits', 'RATE_LIMIT_* set for prod', OPS, {
        check: check('env', 'RATE_LIMIT_*'),
      }),
      item('7-ops-access/mongo-ttl', 'TTL indexes work', OPS, { skip: 'no Mongo in this deployment' }),
    ],
  };
}

const outcomes: CheckOutcome[] = [
  {
    item: '5-observability/api-health-live-200',
    status: 'pass',
    observed: { status: 200, latency_ms: 4 },
    durationMs: 12,
  },
  {
    item: '5-observability/api-health-ready-200',
    status: 'fail',
    message: 'body.db == "ok" — got "down"',
    observed: { status: 503, body: { db: 'down', scheduler: 'ok' }, latency_ms: 3 },
    durationMs: 250,
  },
  {
    item: '5-observability/x-request-id-header',
    status: 'error',
    message: 'connect ECONNREFUSED 127.0.0.1:1',
    durationMs: 1500,
  },
  { item: '7-ops-access/rate-limits', status: 'fail', message: 'count > 0 — got 0', observed: { count: 0 } },
];

const waiver: Waiver = {
  checklist: 'enterprise-go-live',
  environment: 'production',
  item: '7-ops-access/rate-limits',
  reason: 'limits | ship in v1.1',
  owner: 'ops',
  by: 'carol',
  at: '2026-11-30T00:00:00Z',
  expiresAt: '2026-12-10T00:00:00Z',
};

const signoff = (role: string, by: string, digest = DIGEST): Signoff => ({
  checklist: 'enterprise-go-live',
  environment: 'production',
  role,
  digest,
  by,
  at: '2026-11-30T10:00:00.000Z',
});

const attest = (item: string): Attestation => ({
  checklist: 'enterprise-go-live',
  environment: 'production',
  item,
  evidence: 'verified in prod',
  by: 'alice',
  at: '2026-11-30T00:00:00Z',
});

/** NO-GO: a fail, an error, a pending item, a missing sign-off and a waived failure. */
export function noGoReport(): RunReport {
  const { checklist, evaluation } = noGoEvaluation();
  return toRunReport(checklist, evaluation, { at: NOW, run: 7, durationMs: 1730 });
}

/** The checklist and evaluation of noGoReport. */
export function noGoEvaluation(): { checklist: Checklist; evaluation: Evaluation } {
  const checklist = sampleChecklist();
  const evaluation = decide({
    checklist,
    environment: 'production',
    outcomes: new Map(outcomes.map((o) => [o.item, o])),
    attestations: [attest('6-security/export-import')],
    waivers: [waiver],
    signoffs: [signoff('engineering', 'dana'), signoff('security', 'erin', 'sha256:old')],
    now: NOW,
  });
  return { checklist, evaluation };
}

/** GO: every blocking item passes, is waived or skipped, and every role signed the current digest. */
export function goReport(): RunReport {
  const checklist = sampleChecklist();
  const passing = outcomes.map((o) => ({ ...o, status: 'pass' as const, message: '' }));
  const evaluation = decide({
    checklist,
    environment: 'production',
    outcomes: new Map(passing.map((o) => [o.item, o])),
    attestations: [attest('6-security/export-import'), attest('6-security/2fa-flow')],
    waivers: [],
    signoffs: [signoff('engineering', 'dana'), signoff('security', 'erin')],
    now: NOW,
  });
  return toRunReport(checklist, evaluation, { at: NOW, run: 8, durationMs: 900 });
}
