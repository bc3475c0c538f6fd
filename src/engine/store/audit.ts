import type { TamperedRow } from '../../model/audit.js';

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

/** The last event of the chain: what a witness keeps outside the database. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  /** The first event that does not fit the chain, and why. */
  firstBad?: { seq: number; reason: string };
  /** The last event (seq and hash): anchor it outside the database to detect a rewritten chain. */
  head?: { seq: number; hash: string };
  /** State rows the chain does not vouch for (each makes `ok` false). */
  tampered?: TamperedRow[];
  /** The witnessed head given to verify, and what the chain holds at its seq. */
  witness?: { seq: number; hash: string; ok: boolean; reason?: string };
}

/** The hash-chained audit log. */
export interface AuditStore {
  appendAudit(event: AuditInput): Promise<AuditEvent>;
  listAudit(opts: { after?: number; limit?: number }): Promise<AuditEvent[]>;
  /** Verify the chain, every state row against it and, given a witnessed head, that it still holds it. */
  verifyAudit(opts?: { head?: AuditHead }): Promise<AuditVerification>;
  /** The last event's seq and hash (undefined on an empty chain). */
  auditHead(): Promise<AuditHead | undefined>;
}
