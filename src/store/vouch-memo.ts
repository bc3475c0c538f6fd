import type { RunRecord } from '../engine/store.js';
import type { ChainedEvent } from '../model/audit.js';
import type { AuditEventsTable } from './schema.js';
import { outcomesDigest, type RunFacts, runFacts } from './state-binding.js';

/** Entries kept per kind; past it the memo starts again (a store reads far fewer per evaluation). */
const LIMIT = 50_000;

/**
 * What one store has already verified, so an evaluation does not hash the same events and outcomes
 * again: keyed by the exact stored text, never by position. An event counts as verified only while
 * every stored column is byte for byte what was verified, and a run's outcome digest is reused only
 * while its outcomes read back the same; any change (an edited event, an altered row) misses and is
 * checked in full. State rows are compared with their events on every read, whatever is remembered.
 */
export class VouchMemo {
  readonly #events = new Map<string, { text: string; event: ChainedEvent }>();
  readonly #digests = new Map<number, { text: string; digest: string }>();

  /** The event verified earlier from exactly this stored row, if any. */
  event(row: AuditEventsTable): ChainedEvent | undefined {
    const hit = this.#events.get(row.hash);
    return hit && hit.text === rowText(row) ? hit.event : undefined;
  }

  /** Remember an event verified from `row`. */
  remember(row: AuditEventsTable, event: ChainedEvent): void {
    if (this.#events.size >= LIMIT) this.#events.clear();
    this.#events.set(row.hash, { text: rowText(row), event });
  }

  /** runFacts, with the outcome digest reused while the run's outcomes are the same as last time. */
  runFacts(run: RunRecord): RunFacts {
    const text = JSON.stringify(run.outcomes);
    const id = run.id ?? 0;
    const hit = this.#digests.get(id);
    if (hit && hit.text === text) return { ...runFacts({ ...run, outcomes: [] }), outcomes: hit.digest };
    const facts = runFacts(run);
    if (this.#digests.size >= LIMIT) this.#digests.clear();
    this.#digests.set(id, { text, digest: facts.outcomes ?? outcomesDigest(run.outcomes) });
    return facts;
  }
}

/** Every stored column of an event, unambiguously joined (JSON of the column values). */
function rowText(row: AuditEventsTable): string {
  return JSON.stringify([
    Number(row.seq),
    row.at,
    row.type,
    row.actor,
    row.checklist,
    row.environment,
    row.data,
    row.prev_hash,
  ]);
}
