import { createHash } from 'node:crypto';
import type { Attestation, Signoff, Waiver } from '../../model/state.js';
import type { RunStore } from '../run-checklist.js';
import type { AuditEvent, AuditInput, ChecklistState, RunRecord, Sample } from '../store.js';

/**
 * The part of the Store a run uses, kept in memory, for engine unit tests only (the real store is
 * src/store/ over SQLite/PostgreSQL; run-checklist's integration test runs against it too).
 */
export class MemoryStore implements RunStore {
  readonly runs: RunRecord[] = [];
  readonly samples: Sample[] = [];
  readonly attestations: Attestation[] = [];
  readonly waivers: Waiver[] = [];
  readonly signoffs: Signoff[] = [];
  readonly audit: AuditEvent[] = [];
  /** Make the next call of this method reject, to test how callers handle a broken store. */
  failNext?: keyof RunStore;

  private check(method: keyof RunStore): void {
    if (this.failNext === method) {
      this.failNext = undefined;
      throw new Error(`store unavailable (${method})`);
    }
  }

  async saveRun(run: RunRecord): Promise<number> {
    this.check('saveRun');
    const id = this.runs.length + 1;
    this.runs.push(structuredClone({ ...run, id }));
    this.appendAudit({
      type: 'run.completed',
      actor: run.trigger,
      checklist: run.checklist,
      environment: run.environment,
      data: { run: id, verdict: run.verdict, summary: run.summary },
    });
    return id;
  }
  async addSamples(samples: Sample[]): Promise<void> {
    this.check('addSamples');
    this.samples.push(...structuredClone(samples));
  }
  /** One item's samples at or after `since`, oldest first (as the SQL store's listSamples). */
  async listSamples(checklist: string, environment: string, item: string, since: string): Promise<Sample[]> {
    return this.samples
      .filter(
        (s) => s.checklist === checklist && s.environment === environment && s.item === item && s.at >= since,
      )
      .sort((a, b) => (a.at < b.at ? -1 : 1));
  }
  async listWindowSamples(
    checklist: string,
    environment: string,
    since: ReadonlyMap<string, string>,
  ): Promise<Map<string, Sample[]>> {
    this.check('listWindowSamples');
    const out = new Map<string, Sample[]>();
    for (const [item, from] of since)
      out.set(item, await this.listSamples(checklist, environment, item, from));
    return out;
  }
  async loadState(checklist: string, environment: string): Promise<ChecklistState> {
    this.check('loadState');
    const mine = <T extends { checklist: string; environment: string }>(r: T) =>
      r.checklist === checklist && r.environment === environment;
    return {
      attestations: this.attestations.filter(mine),
      waivers: this.waivers.filter(mine),
      signoffs: this.signoffs.filter(mine),
    };
  }

  private appendAudit(event: AuditInput): void {
    const prevHash = this.audit.at(-1)?.hash ?? '';
    const body = {
      type: event.type,
      actor: event.actor,
      checklist: event.checklist ?? null,
      environment: event.environment ?? null,
      data: event.data,
      at: event.at ?? new Date().toISOString(),
    };
    const hash = createHash('sha256').update(prevHash).update(JSON.stringify(body)).digest('hex');
    this.audit.push({ ...body, seq: this.audit.length + 1, prevHash, hash });
  }
}
