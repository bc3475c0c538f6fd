import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './audit.js';
import { type EvidenceItem, evidenceDigest } from './evidence.js';
import type { Attestation, Waiver } from './state.js';

/** The digest as it was first written: canonicalJson of the fields in any order (the chain's bytes). */
function canonicalDigest(items: readonly EvidenceItem[]): string {
  const seen = items
    .filter((item) => item.kind !== 'signoff')
    .map((item) => ({
      status: item.status,
      id: item.id,
      ...(item.waiver
        ? {
            waiver: {
              reason: item.waiver.reason,
              owner: item.waiver.owner,
              expiresAt: item.waiver.expiresAt,
              by: item.waiver.by,
              at: item.waiver.at,
            },
          }
        : {}),
      ...(item.attestation
        ? {
            attestation: {
              value: item.attestation.value ?? null,
              file: item.attestation.file?.sha256 ?? null,
              expiresAt: item.attestation.expiresAt ?? null,
              evidence: item.attestation.evidence,
              by: item.attestation.by,
              at: item.attestation.at,
            },
          }
        : {}),
    }));
  return `sha256:${createHash('sha256').update(canonicalJson(seen)).digest('hex')}`;
}

const base = { checklist: 'c', environment: 'production', item: 'x' };
const attestations: (Attestation | undefined)[] = [
  undefined,
  { ...base, evidence: 'ticket OPS-1 "quoted" \\ é 😀', by: 'ana', at: '2026-11-30T00:00:00Z' },
  {
    ...base,
    evidence: 'rto',
    value: 'RTO: 4h\n\u2028',
    file: { name: 'proof.pdf', sha256: 'ab'.repeat(32) },
    by: 'bo',
    at: '2026-11-30T00:00:00Z',
    expiresAt: '2026-12-30T00:00:00Z',
  },
];
const waivers: (Waiver | undefined)[] = [
  undefined,
  {
    ...base,
    reason: 'ship | later <b>',
    owner: 'ops',
    by: 'carol',
    at: '2026-11-30T00:00:00Z',
    expiresAt: '2026-12-10T00:00:00Z',
  },
];

describe('evidenceDigest', () => {
  it('is the sha256 of the canonical JSON of what a signer saw, for every combination of fields', () => {
    const items: EvidenceItem[] = [];
    let n = 0;
    for (const attestation of attestations) {
      for (const waiver of waivers) {
        for (const kind of ['task', 'signoff', 'field']) {
          items.push({
            id: `s/item-${n++}`,
            kind,
            status: n % 3 === 0 ? 'pass' : 'pending',
            ...(attestation ? { attestation } : {}),
            ...(waiver ? { waiver } : {}),
          });
          expect(evidenceDigest(items)).toBe(canonicalDigest(items));
        }
      }
    }
    expect(evidenceDigest([])).toBe(canonicalDigest([]));
  });

  it('is the same when the list is long enough to be hashed in pieces (non-ASCII text across them)', () => {
    const items: EvidenceItem[] = [];
    for (let i = 0; i < 3000; i++) {
      const attestation = attestations[i % attestations.length];
      const waiver = waivers[i % waivers.length];
      items.push({
        id: `s/é-item-${i}`,
        kind: i % 11 === 0 ? 'signoff' : 'task',
        status: i % 3 === 0 ? 'pass' : 'fail',
        ...(attestation ? { attestation } : {}),
        ...(waiver ? { waiver } : {}),
      });
    }
    expect(evidenceDigest(items)).toBe(canonicalDigest(items));
  });
});
