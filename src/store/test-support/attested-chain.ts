import { canonicalJson, chainEvent } from '../../model/audit.js';
import { sqlLiteral as lit } from './backends.js';

/**
 * `n` attestation events after `head`, as gonogo writes them (each event with its bound row), as SQL
 * value lists for a test to insert in bulk: `events` for audit_events, `rows` for attestations (the
 * columns `checklist, environment, item, evidence, "by", at, seq`), and the chain's new head.
 */
export function attestedChain(
  head: { seq: number; hash: string },
  n: number,
  where: { checklist: string; environment: string },
): { events: string[]; rows: string[]; head: { seq: number; hash: string } } {
  const events: string[] = [];
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const data = { evidence: `ticket OPS-${i} ✓`, item: `ops/item-${i % 97}` };
    const e = chainEvent(head, {
      at: new Date(Date.UTC(2026, 10, 21) + i * 1000).toISOString(),
      type: 'item.attested',
      actor: `person-${i % 7}`,
      ...where,
      data,
    });
    events.push(
      `(${e.seq}, ${lit(e.at)}, 'item.attested', ${lit(e.actor)}, ${lit(where.checklist)}, ${lit(where.environment)}, ${lit(canonicalJson(data))}, ${lit(e.prevHash)}, ${lit(e.hash)})`,
    );
    rows.push(
      `(${lit(where.checklist)}, ${lit(where.environment)}, ${lit(data.item)}, ${lit(data.evidence)}, ${lit(e.actor)}, ${lit(e.at)}, ${e.seq})`,
    );
    head = { seq: e.seq, hash: e.hash };
  }
  return { events, rows, head };
}
