import type { Generated } from 'kysely';
import type { WatchDatabase } from './watch-schema.js';

/**
 * Row types of the store's tables, as Kysely sees them. Times are ISO-8601 strings (UTC, with
 * milliseconds) so they sort as text on both backends; JSON is stored as text so the audit chain can be
 * re-hashed from exactly what was written.
 */

export interface ChecklistsTable {
  id: string;
  name: string;
  digest: string;
  file: string | null;
  updated_at: string;
}

export interface RunsTable {
  id: Generated<number>;
  checklist: string;
  environment: string;
  digest: string;
  started_at: string;
  finished_at: string;
  verdict: string;
  /** JSON StatusSummary. */
  summary: string;
  trigger: string;
  /** The audit event that recorded this row (migration 003); NULL only for a row no event records. */
  seq: number | null;
}

export interface RunResultsTable {
  run_id: number;
  item: string;
  status: string;
  message: string | null;
  /** JSON object, secrets already redacted by the engine. */
  observed: string | null;
  duration_ms: number | null;
  at: string | null;
}

export interface SamplesTable {
  id: Generated<number>;
  checklist: string;
  environment: string;
  item: string;
  at: string;
  /** boolean on PostgreSQL, 0/1 on SQLite (the adapter converts). */
  ok: boolean | number;
  message: string | null;
}

export interface AttestationsTable {
  id: Generated<number>;
  checklist: string;
  environment: string;
  item: string;
  evidence: string;
  value: string | null;
  file_name: string | null;
  file_sha256: string | null;
  by: string;
  at: string;
  expires_at: string | null;
  /** The audit event that recorded this row (migration 003); NULL only for a row no event records. */
  seq: number | null;
}

export interface WaiversTable {
  id: Generated<number>;
  checklist: string;
  environment: string;
  item: string;
  reason: string;
  owner: string;
  by: string;
  at: string;
  expires_at: string;
  /** The audit event that recorded this row (migration 003); NULL only for a row no event records. */
  seq: number | null;
}

export interface SignoffsTable {
  id: Generated<number>;
  checklist: string;
  environment: string;
  role: string;
  digest: string;
  by: string;
  at: string;
  /** The audit event that recorded this row (migration 003); NULL only for a row no event records. */
  seq: number | null;
  /** 004: the person who signed (the token's person, or `by`). */
  person: string | null;
  /** 004: sha256 of the evidence (item statuses, attestations, waivers) at the time of signing. */
  evidence: string | null;
}

export interface AuditEventsTable {
  seq: number;
  at: string;
  type: string;
  actor: string;
  checklist: string | null;
  environment: string | null;
  /** Canonical JSON of the event's data. */
  data: string;
  prev_hash: string;
  hash: string;
}

/** One row (id 1): the last appended event, so events deleted from the end are noticed. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface TokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  /** JSON array of sign-off roles. */
  signoff_roles: string;
  /** SHA-256 hex of the token; the token itself is never stored. */
  hash: string;
  created_at: string;
  /** 004: the person holding the token. */
  person: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** 005: a runner token's labels, JSON array. */
  labels: string | null;
}

/** Every table of the store (the watch loop's tables come from watch-schema.ts). */
export interface Database extends WatchDatabase {
  checklists: ChecklistsTable;
  runs: RunsTable;
  run_results: RunResultsTable;
  samples: SamplesTable;
  attestations: AttestationsTable;
  waivers: WaiversTable;
  signoffs: SignoffsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  tokens: TokensTable;
}
