import { createHash } from 'node:crypto';
import type { Attestation, Waiver } from './state.js';

/** Text handed to the hash at a time (below V8's large-object size, so each piece dies young). */
const CHUNK = 16 * 1024;

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
  // JSON.stringify of the list, hashed a piece at a time: a list's JSON is its elements' JSON between
  // brackets, comma-separated, so neither the list of 50,000 objects nor its text is ever held whole.
  const hash = createHash('sha256');
  let text = '[';
  let first = true;
  for (const item of items) {
    if (item.kind === 'signoff') continue;
    text += `${first ? '' : ','}${JSON.stringify(seen(item))}`;
    first = false;
    if (text.length >= CHUNK) {
      hash.update(text);
      text = '';
    }
  }
  return `sha256:${hash.update(`${text}]`).digest('hex')}`;
}
