export type AuditEventType =
  | 'checklist.imported'
  | 'run.completed'
  | 'item.attested'
  | 'waiver.granted'
  | 'waiver.expired'
  | 'signoff.given'
  | 'signoff.invalidated'
  | 'token.created'
  | (string & {});

/** What a caller appends; the store adds `seq`, `at` (if absent), `prev_hash` and `hash`. */
export interface AuditInput {
  type: AuditEventType;
  actor: string;
  checklist?: string;
  environment?: string;
  /** Event details; must already be free of secrets. */
  data: Record<string, unknown>;
  at?: string;
}

export interface AuditEvent extends Required<Omit<AuditInput, 'checklist' | 'environment'>> {
  seq: number;
  checklist: string | null;
  environment: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  /** The first event that does not fit the chain, and why. */
  firstBad?: { seq: number; reason: string };
  /** The last event (seq and hash): anchor it outside the database to detect a rewritten chain. */
  head?: { seq: number; hash: string };
}

/** The hash-chained audit log. */
export interface AuditStore {
  appendAudit(event: AuditInput): Promise<AuditEvent>;
  listAudit(opts: { after?: number; limit?: number }): Promise<AuditEvent[]>;
  verifyAudit(): Promise<AuditVerification>;
}
