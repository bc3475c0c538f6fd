import type { Store } from '../../engine/store.js';

/** The texts seedSimpleRows writes where a test wants other characters in them. */
export interface SimpleRowTexts {
  /** The first attestation's evidence. */
  evidence: string;
  /** The second attestation's evidence (it has every optional field). */
  fullEvidence: string;
  /** The waiver's reason and expiry. */
  reason: string;
  waiverExpires: string;
}

const TEXTS: SimpleRowTexts = {
  evidence: 'drill ✓ "quoted"\n\t\u0001',
  fullEvidence: 'ünï',
  reason: 'r',
  waiverExpires: '2027-01-01T00:00:00.000Z',
};

/**
 * One row of each simple state table, bound to its event (five events): two attestations (optional
 * fields left out, then all set), a waiver, and two sign-offs (without and with person and evidence).
 */
export async function seedSimpleRows(
  store: Store,
  where: { checklist: string; environment: string },
  at: string,
  texts: SimpleRowTexts = TEXTS,
): Promise<void> {
  await store.addAttestation({ ...where, item: 'ops/a', evidence: texts.evidence, by: 'ana', at });
  await store.addAttestation({
    ...where,
    item: 'ops/b',
    evidence: texts.fullEvidence,
    value: '4h',
    file: { name: 'r.pdf', sha256: 'ab' },
    expiresAt: '2027-01-01T00:00:00.000Z',
    by: 'İlker',
    at,
  });
  await store.addWaiver({
    ...where,
    item: 'ops/c',
    reason: texts.reason,
    owner: 'sec',
    by: 'lead',
    at,
    expiresAt: texts.waiverExpires,
  });
  await store.addSignoff({ ...where, role: 'engineering', digest: 'sha256:01', by: 'eve', at });
  await store.addSignoff({
    ...where,
    role: 'security',
    digest: 'sha256:01',
    by: 'sam',
    person: 'Sam S',
    evidence: 'SEC-1',
    at,
  });
}

/** One NO-GO run with a failed outcome, bound to its event; returns its id. */
export async function seedNoGoRun(
  store: Store,
  where: { checklist: string; environment: string },
): Promise<number> {
  return store.saveRun({
    ...where,
    digest: 'sha256:11',
    startedAt: '2026-11-20T10:01:00.000Z',
    finishedAt: '2026-11-20T10:01:05.000Z',
    verdict: 'NO-GO',
    summary: { pass: 0, fail: 1, error: 0, pending: 0, waived: 0, skipped: 0 },
    outcomes: [{ item: 'ops/api', status: 'fail', message: 'status == 503', observed: { status: 503 } }],
    trigger: 'cli',
  });
}

/** The first event of a chain that tests then extend by hand: an attestation of `ops/first`. */
export async function attestFirst(store: Store, where: { checklist: string; environment: string }) {
  await store.addAttestation({
    ...where,
    item: 'ops/first',
    evidence: 'e',
    by: 'ana',
    at: '2026-11-20T09:00:00Z',
  });
}
