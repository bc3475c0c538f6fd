import { jsonString } from './canonical-json.js';
import { jsonListDigest } from './list-digest.js';
import type { Attestation, Waiver } from './state.js';

/** What the evidence digest reads of an evaluated item (verdict.ts's EvaluatedItem fits). */
export interface EvidenceItem {
  id: string;
  kind: string;
  status: string;
  attestation?: Attestation;
  waiver?: Waiver;
}

/**
 * The evidence digest (DESIGN.md "Sign-off policy"): `sha256:<hex>` of the canonical JSON of what a
 * signer saw — every item's status (sign-off slots aside: signing must not change what was signed) with
 * the attestation and waiver that gave it. Check messages and observed values are left out: a latency
 * that moves by a millisecond is not new evidence, a status that changes is.
 * @example evidenceDigest(evaluation.items) // 'sha256:9f2c…'
 */
export function evidenceDigest(items: readonly EvidenceItem[]): string {
  // Written in canonical order (keys sorted at every depth, every value a string or null), so
  // JSON.stringify writes canonicalJson's text without its sorted copy of every item (~50 ms of a
  // 5,000-item run's verdict); evidence.test.ts holds the two equal.
  const seen = (item: EvidenceItem) => ({
    ...(item.attestation
      ? {
          attestation: {
            at: item.attestation.at,
            by: item.attestation.by,
            evidence: item.attestation.evidence,
            expiresAt: item.attestation.expiresAt ?? null,
            file: item.attestation.file?.sha256 ?? null,
            value: item.attestation.value ?? null,
          },
        }
      : {}),
    id: item.id,
    status: item.status,
    ...(item.waiver
      ? {
          waiver: {
            at: item.waiver.at,
            by: item.waiver.by,
            expiresAt: item.waiver.expiresAt,
            owner: item.waiver.owner,
            reason: item.waiver.reason,
          },
        }
      : {}),
  });
  // Sign-offs are left out; the list is hashed as it is written (no list of 50,000 objects is held). An
  // item with neither attestation nor waiver (nearly every item of a long run) is written as text.
  return jsonListDigest(items, (item) =>
    item.kind === 'signoff'
      ? undefined
      : item.attestation || item.waiver
        ? JSON.stringify(seen(item))
        : `{"id":${jsonString(item.id)},"status":${jsonString(item.status)}}`,
  );
}
