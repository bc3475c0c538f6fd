/**
 * Examples for /api/v1/openapi.json: one realistic request or answer per operation. Spectral's
 * `oas3-valid-media-example` checks each against its schema (test/openapi.test.ts), so they cannot
 * drift from what the routes accept and answer.
 */

const at = '2026-11-20T09:00:00.000Z';
const digest = 'sha256:3f1c9a7e5b2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f';
const hash = '9b74c9897bac770ffc029102a200c5de6f3a6c0e5b1a4e8e2b9d6f0c3a7e1d42';
const summary = { pass: 1, fail: 0, error: 0, pending: 1, waived: 0, skipped: 0 };
const checklist = { id: 'launch', name: 'Payments launch', digest };

export const examples = {
  checklists: {
    checklists: [
      {
        id: 'launch',
        file: 'launch.md',
        name: 'Payments launch',
        digest,
        environments: ['staging', 'production'],
        signoffs: ['engineering', 'security'],
        items: 3,
      },
      { id: 'broken', file: 'broken.md', error: 'broken.md:2:15: environments: not a map' },
    ],
  },
  checklist: {
    id: 'launch',
    name: 'Payments launch',
    digest,
    environments: ['staging', 'production'],
    policy: { waiver_max_days: 30, signoffs: ['engineering', 'security'] },
    sections: [{ id: 'operations', title: 'Operations', depth: 2 }],
    items: [
      {
        id: 'operations/health-endpoint-answers',
        title: 'Health endpoint answers',
        kind: 'task',
        section: ['Operations'],
        checked: false,
        blocking: true,
        check: { kind: 'http', url: 'https://payments.example.com/health' },
        line: 12,
      },
    ],
    signoffs: ['engineering', 'security'],
    warnings: [],
    automatable_unbound: 0,
  },
  runRequest: { env: 'production' },
  report: {
    verdict: 'NO-GO',
    environment: 'production',
    checklist,
    at,
    run: 42,
    summary,
    items: [
      {
        id: 'operations/health-endpoint-answers',
        title: 'Health endpoint answers',
        status: 'pass',
        blocking: true,
        message: 'HTTP 200 in 12 ms',
        observed: { status: 200 },
        due: null,
        overdue: false,
        phase: 'pre-launch',
      },
      {
        id: 'operations/backups-restored-in-a-drill',
        title: 'Backups restored in a drill',
        status: 'pending',
        blocking: true,
        message: 'not attested',
        observed: null,
        due: null,
        overdue: false,
        phase: 'pre-launch',
      },
    ],
    reasons: [
      {
        code: 'item-pending',
        message: 'Backups restored in a drill is pending',
        item: 'operations/backups-restored-in-a-drill',
      },
      { code: 'signoff-missing', message: 'missing sign-off: security', role: 'security' },
    ],
    after_launch: [],
    overdue: [],
    launch: null,
    launched: false,
    signoffs: [
      {
        role: 'security',
        by: null,
        person: null,
        at: null,
        stale: false,
        evidence: null,
        current_evidence: null,
      },
    ],
    audit: { seq: 118, hash },
    evidence: 'gonogo launch production: NO-GO at 2026-11-20T09:00:00.000Z',
  },
  runs: {
    runs: [
      {
        id: 42,
        checklist: 'launch',
        environment: 'production',
        digest,
        startedAt: at,
        finishedAt: '2026-11-20T09:00:00.250Z',
        verdict: 'NO-GO',
        summary,
        trigger: 'api:ci',
      },
    ],
  },
  run: {
    id: 42,
    checklist: 'launch',
    environment: 'production',
    digest,
    startedAt: at,
    finishedAt: '2026-11-20T09:00:00.250Z',
    verdict: 'NO-GO',
    summary,
    trigger: 'api:ci',
    outcomes: [
      {
        item: 'operations/health-endpoint-answers',
        status: 'pass',
        message: 'HTTP 200 in 12 ms',
        observed: { status: 200 },
        durationMs: 12,
        at,
      },
    ],
  },
  attestationRequest: {
    env: 'production',
    item: 'operations/backups-restored-in-a-drill',
    evidence: 'https://tickets.example.com/OPS-12',
    valid_for: '90d',
  },
  attestation: {
    checklist: 'launch',
    environment: 'production',
    item: 'operations/backups-restored-in-a-drill',
    evidence: 'https://tickets.example.com/OPS-12',
    by: 'ci',
    at,
    expiresAt: '2027-02-18T09:00:00.000Z',
  },
  waiverRequest: {
    env: 'production',
    item: 'operations/backups-restored-in-a-drill',
    reason: 'Drill booked for the first week after launch',
    owner: 'sre-team',
    expires: '14d',
  },
  waiver: {
    checklist: 'launch',
    environment: 'production',
    item: 'operations/backups-restored-in-a-drill',
    reason: 'Drill booked for the first week after launch',
    owner: 'sre-team',
    by: 'release-manager',
    at,
    expiresAt: '2026-12-04T09:00:00.000Z',
  },
  signoffRequest: { env: 'production', role: 'security' },
  signoff: {
    checklist: 'launch',
    environment: 'production',
    role: 'security',
    digest,
    by: 'security-lead',
    at,
  },
  audit: {
    events: [
      {
        seq: 118,
        at,
        type: 'item.attested',
        actor: 'ci',
        checklist: 'launch',
        environment: 'production',
        data: { item: 'operations/backups-restored-in-a-drill' },
        prevHash: '5d41402abc4b2a76b9719d911017c592a1f4e2b3c6d8e0f7a9b1c3d5e7f90a12',
        hash,
      },
    ],
  },
  auditHead: { seq: 118, hash },
  verification: { ok: true, count: 118, head: { seq: 118, hash } },
};
