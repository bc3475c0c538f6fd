import { createHash } from 'node:crypto';
import { canonicalJson } from './audit.js';
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
  const seen = items
    .filter((item) => item.kind !== 'signoff')
    .map((item) => ({
      id: item.id,
      status: item.status,
      ...(item.attestation
        ? {
            attestation: {
              by: item.attestation.by,
              at: item.attestation.at,
              evidence: item.attestation.evidence,
              value: item.attestation.value ?? null,
              file: item.attestation.file?.sha256 ?? null,
              expiresAt: item.attestation.expiresAt ?? null,
            },
          }
        : {}),
      ...(item.waiver
        ? {
            waiver: {
              by: item.waiver.by,
              at: item.waiver.at,
              owner: item.waiver.owner,
              reason: item.waiver.reason,
              expiresAt: item.waiver.expiresAt,
            },
          }
        : {}),
    }));
  return `sha256:${createHash('sha256').update(canonicalJson(seen)).digest('hex')}`;
}
